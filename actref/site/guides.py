"""Figures and measured tables for the guides: the numbers come from actref.site.guide_measurements.

Each public function takes the site context and returns markdown (see actref.site.directives):
`<!-- actref:guides.gradient_flow -->` in a guide becomes a figure plus the numbers behind it. The numbers
are cached under a key of the measuring code and the specs they use; the figures under one of this module's
drawing code and the numbers they show.

Every word goes through `ctx._` (English message ids, Chinese in locale/zh/guides.po): the tables', the
captions' and the figures' (a figure's words are among its inputs, so a zh figure is its own file).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path

import torch

from actref import catalog, nn
from actref.site import guide_measurements as measure
from actref.site import svg

THIS = sys.modules[__name__]  # the drawing code of every guide figure

# ---------------------------------------------------------------------------------------------- helpers


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _style(ax) -> None:
    """Mid-tone colours on a transparent background read well in both the light and the dark theme."""
    ax.set_facecolor("none")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    for spine in ("left", "bottom"):
        ax.spines[spine].set_color("#888888")
    ax.tick_params(colors="#888888")
    ax.xaxis.label.set_color("#888888")
    ax.yaxis.label.set_color("#888888")
    ax.title.set_color("#888888")
    ax.grid(alpha=0.25)


def _save(fig, path: Path) -> None:
    svg.save(fig, path, transparent=True, bbox_inches="tight")
    _plt().close(fig)


def _finish_single(fig, ax, path: Path) -> None:
    """Legend, style and save for a one-axes guide figure."""
    ax.legend(fontsize=8, frameon=False, labelcolor="#888888")
    _style(ax)
    _save(fig, path)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "| " + " | ".join(headers) + " |\n| " + " | ".join("---" for _ in headers) + " |\n"
    return head + "".join("| " + " | ".join(r) + " |\n" for r in rows)


def _figure(ctx, name: str, inputs: object, make: Callable[[Path], None], alt: str) -> str:
    """The figure's markdown; `alt` is an English message."""
    return f"![{ctx._(alt)}]({ctx.asset(f'guides/{name}.svg', inputs, make, code=[THIS])})"


def _headers(ctx, *headers: str) -> list[str]:
    return [ctx._(h) for h in headers]


def _init_text(ctx, spec) -> str:
    """The spec's initialisation in words (`spec.init.describe()` in English; the same messages as the
    activation pages')."""
    names = {"kaiming": ctx._("Kaiming (He)"), "xavier": ctx._("Xavier (Glorot)"), "lecun": "LeCun"}
    if spec.init.gain == 1.0:
        return ctx._("{scheme} normal", scheme=names[spec.init.scheme])
    return ctx._("{scheme} normal, gain {gain}", scheme=names[spec.init.scheme], gain=f"{spec.init.gain:.4g}")


def _measured(ctx, name: str, inputs: dict, compute: Callable[[], object], activations) -> object:
    """compute(), cached under the measuring code, `inputs` and the specs of `activations`."""
    specs = [catalog.get(a) for a in activations]
    return ctx.cached(name, inputs, compute, code=[measure, nn], specs=specs)  # nn: the networks' modules


# ---------------------------------------------------------------------------------------------- collapse


def linear_collapse(ctx) -> str:
    """Train the same 3-layer network with identity, tanh and ReLU on two spirals; show the decision regions."""
    acts = ["identity", "tanh", "relu"]
    xt, yt = measure.spirals(800, seed=1)
    models: dict[str, torch.nn.Module] = {}

    def accuracies() -> dict[str, float]:
        acc, trained = measure.spiral_classifiers(acts)
        models.update(trained)
        return acc

    acc = _measured(ctx, "linear_collapse", {"acts": acts}, accuracies, acts)

    def make(path: Path) -> None:
        if not models:  # the accuracies came from the cache while the figure is redrawn
            models.update(measure.spiral_classifiers(acts)[1])
        plt = _plt()
        fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
        grid = torch.stack(
            torch.meshgrid(torch.linspace(-1.1, 1.1, 200), torch.linspace(-1.1, 1.1, 200), indexing="xy"), -1
        )
        for ax, a, title in zip(axes, acts, titles, strict=True):
            with torch.no_grad():
                z = models[a](grid.reshape(-1, 2)).softmax(1)[:, 1].reshape(200, 200)
            ax.contourf(grid[..., 0], grid[..., 1], z, levels=20, cmap="coolwarm", alpha=0.6)
            ax.scatter(xt[:, 0], xt[:, 1], c=yt, cmap="coolwarm", s=4, edgecolors="none")
            ax.set_title(title)
            ax.set_xticks([])
            ax.set_yticks([])
            _style(ax)
        _save(fig, path)

    titles = [
        ctx._("{activation}: test acc {accuracy}", activation=catalog.get(a).title, accuracy=f"{acc[a]:.0%}")
        for a in acts
    ]
    inputs = {"acts": acts, "acc": acc, "titles": titles}
    fig = _figure(ctx, "linear_collapse", inputs, make, "Decision regions on two spirals")
    rows = [[catalog.get(a).title, f"{acc[a]:.1%}"] for a in acts]
    headers = _headers(ctx, "activation", "test accuracy (two spirals, measured at build time)")
    return fig + "\n\n" + _table(headers, rows)


# ---------------------------------------------------------------------------------------------- gradients


GRADIENT_CASES = (  # (activation, gain scale, label: an English message)
    ("sigmoid", 1.0, "sigmoid, Xavier"),
    ("tanh", 1.0, "tanh, Xavier (gain 5/3)"),
    ("relu", 1.0, "ReLU, Kaiming"),
    ("relu", 1.5, "ReLU, Kaiming × 1.5"),
    ("relu", 0.7, "ReLU, Kaiming × 0.7"),
)


def gradient_flow(ctx, depth: str = "30") -> str:
    """Per-layer gradient norms at initialisation, for saturating and non-saturating units."""
    depth_n = int(depth)
    norms = _measured(
        ctx,
        f"gradient_flow_{depth_n}",
        {"cases": GRADIENT_CASES, "depth": depth_n},
        lambda: measure.gradient_norms(GRADIENT_CASES, depth_n),
        [a for a, _, _ in GRADIENT_CASES],
    )

    def make(path: Path) -> None:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(7, 3.8))
        for label, ns in norms.items():
            ax.semilogy(range(1, depth_n + 1), ns, marker=".", label=words[label])
        ax.set_xlabel(words["x"])
        ax.set_ylabel(words["y"])
        _finish_single(fig, ax, path)

    words = {label: ctx._(label) for label in norms}
    words |= {"x": ctx._("layer (1 = closest to the input)"), "y": ctx._("‖∂L/∂W‖ at initialisation")}
    fig = _figure(
        ctx, f"gradient_flow_{depth_n}", {"norms": norms, "words": words}, make, "Gradient norm per layer"
    )
    rows = [
        [ctx._(label), f"{ns[0]:.3g}", f"{ns[-1]:.3g}", f"{ns[0] / ns[-1]:.3g}"]
        for label, ns in norms.items()
    ]
    headers = [
        ctx._("network"),
        ctx._("‖∂L/∂W₁‖ (first layer)"),
        ctx._("‖∂L/∂W{depth}‖ (last layer)", depth=depth_n),
        ctx._("first / last"),
    ]
    return fig + "\n\n" + _table(headers, rows)


# ---------------------------------------------------------------------------------------------- variance


VARIANCE_CASES = ("relu", "tanh", "selu", "silu", "gelu", "sigmoid")


def activation_variance(ctx, depth: str = "64") -> str:
    """Variance of pre-activations through depth, each activation with the init its spec recommends."""
    depth_n = int(depth)
    names = [n for n in VARIANCE_CASES if n in catalog.names()]
    moments = _measured(
        ctx,
        f"activation_variance_{depth_n}",
        {"names": names, "depth": depth_n},
        lambda: measure.variance_through_depth(names, depth_n),
        names,
    )

    def make(path: Path) -> None:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(7, 3.8))
        for n, (_, v) in moments.items():
            ax.semilogy(range(1, depth_n + 1), v, label=words[n])
        ax.set_xlabel(words["x"])
        ax.set_ylabel(words["y"])
        _finish_single(fig, ax, path)

    words = {n: f"{catalog.get(n).title} + {_init_text(ctx, catalog.get(n))}" for n in moments}
    words |= {"x": ctx._("layer"), "y": ctx._("Var[pre-activation]")}
    inputs = {"m": moments, "words": words}
    fig = _figure(ctx, f"activation_variance_{depth_n}", inputs, make, "Variance through depth")
    rows = [
        [catalog.get(n).title, _init_text(ctx, catalog.get(n)), f"{v[0]:.3g}", f"{v[-1]:.3g}"]
        for n, (_, v) in moments.items()
    ]
    headers = [
        ctx._("activation"),
        ctx._("initialisation"),
        ctx._("Var at layer {n}", n=1),
        ctx._("Var at layer {n}", n=depth_n),
    ]
    return fig + "\n\n" + _table(headers, rows)


def selu_fixed_point(ctx) -> str:
    """SELU with LeCun init pulls badly scaled inputs back to mean 0, variance 1."""
    starts = [(0.0, 1.0), (1.0, 2.0), (-0.5, 0.3), (0.5, 3.0)]
    computed = _measured(
        ctx, "selu_fixed_point", {"starts": starts}, lambda: measure.selu_moments(starts), ["selu"]
    )
    runs = dict(zip(starts, computed, strict=True))

    def make(path: Path) -> None:
        plt = _plt()
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.4))
        for (m, v), label in zip(runs.values(), words["runs"], strict=True):
            a1.plot(m, label=label)
            a2.plot(v)
        a1.set_xlabel(words["x"])
        a1.set_ylabel(words["mean"])
        a2.set_xlabel(words["x"])
        a2.set_ylabel(words["variance"])
        a1.legend(fontsize=8, framealpha=0.85, labelcolor="#555555")
        for a in (a1, a2):
            _style(a)
        _save(fig, path)

    words = {
        "runs": [ctx._("input mean {mean}, std {std}", mean=m0, std=s0) for m0, s0 in runs],
        "x": ctx._("layer (0 = input)"),
        "mean": ctx._("mean of activations"),
        "variance": ctx._("variance of activations"),
    }
    fig = _figure(ctx, "selu_fixed_point", {"runs": runs, "words": words}, make, "SELU moments through depth")
    rows = [[f"{m0}, {s0}", f"{m[-1]:+.3f}", f"{v[-1]:.3f}"] for (m0, s0), (m, v) in runs.items()]
    headers = _headers(
        ctx, "input mean, std", "activation mean at layer 32", "activation variance at layer 32"
    )
    return fig + "\n\n" + _table(headers, rows)


# ---------------------------------------------------------------------------------------------- dying ReLU


DYING_LRS = (0.001, 0.003, 0.01, 0.03, 0.1)


def dying_relu(ctx) -> str:
    """Never-active unit fraction after training at several learning rates, ReLU against its variants."""
    acts = [a for a in ("relu", "leaky_relu", "elu") if a in catalog.names()]
    runs = _measured(
        ctx,
        "dying_relu",
        {"acts": acts, "lrs": DYING_LRS},
        lambda: measure.dead_fractions(acts, DYING_LRS),
        acts,
    )

    def make(path: Path) -> None:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(6, 3.4))
        for a, rs in runs.items():
            ax.plot(DYING_LRS, [r[0] for r in rs], marker="o", label=catalog.get(a).title)
        ax.set_xscale("log")
        ax.set_xlabel(words["x"])
        ax.set_ylabel(words["y"])
        _finish_single(fig, ax, path)

    words = {"x": ctx._("Adam learning rate"), "y": ctx._("fraction of hidden units never active")}
    inputs = {"runs": runs, "words": words}
    fig = _figure(ctx, "dying_relu", inputs, make, "Never-active units against learning rate")
    headers = [ctx._("activation"), *[ctx._("lr {lr}", lr=f"{lr:g}") for lr in DYING_LRS]]

    def cell(r: tuple[float, float]) -> str:
        if math.isnan(r[0]):
            return ctx._("diverged")
        return ctx._("{dead} never active, {accuracy} acc.", dead=f"{r[0]:.0%}", accuracy=f"{r[1]:.0%}")

    rows = [[catalog.get(a).title, *(cell(r) for r in rs)] for a, rs in runs.items()]
    return fig + "\n\n" + _table(headers, rows)
