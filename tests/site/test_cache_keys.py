"""Each generated file's cache key covers what it shows, and only that; drawing is deterministic.

The keys are computed without drawing anything (SiteBuild(draw=False)), and the guides' tables without
computing them (the recording context below stops at the first cached computation of each guide).
"""

from __future__ import annotations

import dataclasses
import functools

import pytest
import torch

from actref import catalog
from actref.registry import REGISTRY
from actref.site import activation_figures, activation_pages, cache, context, cost_pages, guides
from actref.site import experiment_figures as figures

GUIDES = ("linear_collapse", "gradient_flow", "activation_variance", "selu_fixed_point", "dying_relu")


class _Stop(Exception):
    pass


class RecordingContext(context.Context):
    """A Context whose cached() records the key of a guide's table and stops before computing it."""

    def cached(self, name, inputs, compute, *, code, specs=()):
        self.build.key(f"data:{name}", inputs, code, specs)
        raise _Stop


def all_keys() -> dict[str, str]:
    """generated file (or data:NAME) → key: every activation figure and cost chart, every guide's table."""
    build = context.SiteBuild(None, draw=False, mode="cached")
    for spec in catalog.all_specs():
        ctx = build.context(f"activations/{spec.name}.md")
        activation_pages.plot_section(ctx, spec)
        cost_pages.activation_markdown(ctx, spec.name)
    for guide in GUIDES:
        with pytest.raises(_Stop):
            getattr(guides, guide)(RecordingContext(build, f"guides/{guide}.md"))
    return dict(build.keys)


@pytest.fixture(scope="module")
def before() -> dict[str, str]:
    return all_keys()


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    assert set(before) == set(after)
    return {name for name in before if before[name] != after[name]}


def test_the_keys_cover_figures_charts_and_tables(before):
    figures_ = {n for n in before if n.startswith("figures/")}
    assert figures_ == {f"figures/{n}.svg" for n in catalog.names()}
    assert any(n.startswith("cost/") for n in before)  # from the committed CPU cost results
    assert {n for n in before if n.startswith("data:")} == {
        "data:linear_collapse",
        "data:gradient_flow_30",
        "data:activation_variance_64",
        "data:selu_fixed_point",
        "data:dying_relu",
    }
    assert all_keys() == before  # the same source gives the same keys


def _relu_edited(x: torch.Tensor) -> torch.Tensor:
    return torch.clamp(x, min=0.0)  # the same function, written another way: a source edit


def test_editing_one_spec_changes_only_the_keys_of_what_shows_it(before, monkeypatch):
    relu = catalog.get("relu")
    monkeypatch.setitem(REGISTRY._specs, "relu", dataclasses.replace(relu, forward=_relu_edited))
    changed = _changed(before, all_keys())
    # The guides that measure ReLU (every one but the SELU guide) recompute; nothing else moves.
    assert changed == {
        "figures/relu.svg",
        "data:linear_collapse",
        "data:gradient_flow_30",
        "data:activation_variance_64",
        "data:dying_relu",
    }


def test_editing_a_spec_property_changes_its_figure_key_only(before, monkeypatch):
    gelu = catalog.get("gelu")
    moved = dataclasses.replace(gelu, plot_range=(-6.0, 6.0))
    monkeypatch.setitem(REGISTRY._specs, "gelu", moved)
    assert _changed(before, all_keys()) == {"figures/gelu.svg", "data:activation_variance_64"}


def test_editing_the_figure_code_redraws_every_figure_and_recomputes_no_table(before, monkeypatch):
    source = cache.module_source

    def edited(name: str) -> str:
        extra = "\n# an edit\n" if name == activation_figures.__name__ else ""
        return source(name) + extra

    monkeypatch.setattr(cache, "module_source", edited)
    changed = _changed(before, all_keys())
    drawn_with_it = {n for n in before if n.startswith(("figures/", "cost/"))}  # cost charts use its style
    assert changed == drawn_with_it


def test_editing_the_guides_drawing_recomputes_no_table(before, monkeypatch):
    source = cache.module_source
    monkeypatch.setattr(
        cache, "module_source", lambda name: source(name) + ("\n#\n" if "guides" in name else "")
    )
    assert _changed(before, all_keys()) == set()  # the tables depend on guide_measurements, not guides


def test_editing_the_guide_measurements_recomputes_every_guide_table(before, monkeypatch):
    source = cache.module_source
    monkeypatch.setattr(
        cache, "module_source", lambda name: source(name) + ("\n#\n" if "guide_measurements" in name else "")
    )
    assert _changed(before, all_keys()) == {n for n in before if n.startswith("data:")}


# ---------------------------------------------------------------------------------------------- determinism
def _draws(tmp_path, workers: int) -> dict[str, bytes]:
    """Three figures drawn through a SiteBuild (in a pool of `workers` processes; 0: inline)."""
    build = context.SiteBuild(None, cache_dir=tmp_path / f"cache{workers}", mode="cached", workers=workers)
    ctx = build.context("index.md")
    series = {"relu": ([1, 2, 3], [80.0, 85.0, 86.5]), "tanh": ([1, 2, 3], [78.0, 82.5, 84.0])}
    jobs = {
        "figures/relu.svg": functools.partial(activation_figures.draw, name="relu"),
        "figures/glu.svg": functools.partial(activation_figures.draw, name="glu"),
        "experiments/c.svg": functools.partial(
            figures.curves, series=series, xlabel="x", ylabel="y", title="t"
        ),
    }
    for name, make in jobs.items():
        ctx.asset(name, {"name": name}, make, code=[activation_figures, figures])
    build.finish()
    return {name: (build.cache_dir / f"{build.keys[name]}.svg").read_bytes() for name in jobs}


def test_figures_are_byte_for_byte_deterministic_inline_and_in_parallel(tmp_path):
    once, again, parallel = _draws(tmp_path, 0), _draws(tmp_path / "b", 0), _draws(tmp_path, 2)
    assert once == again
    assert parallel == once
    assert all(b"<dc:date>" not in svg for svg in once.values())  # no date stamped into the file
