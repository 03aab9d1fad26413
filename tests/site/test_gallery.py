"""The All activations gallery, its thumbnails, the one-plot markup of activation pages and the nav's order.

Everything here runs without a site build (SiteBuild(draw=False) gives the URLs a build would use) except the
last tests, which read the built site; the browser tests are in test_browser.py.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
import torch

from actref import catalog
from actref.registry import REGISTRY
from actref.site import activation_pages, cache, context, explorer_pages, gallery, nav, thumbnails

NAMES = catalog.names()
SVG = "{http://www.w3.org/2000/svg}"
EN = context.SiteBuild(None, draw=False, mode="cached").context("activations/index.md")


@pytest.fixture(scope="module")
def gallery_html() -> str:
    build = context.SiteBuild(None, draw=False, mode="cached")
    return gallery.activation_gallery(build.context("activations/index.md"))


def _card(gallery_markdown: str, name: str) -> str:
    found = re.search(rf'<li class="actref-card" data-name="{name}" .*?\n</li>', gallery_markdown, flags=re.S)
    assert found, f"no gallery card for {name}"
    return found.group(0)


# ---------------------------------------------------------------------------------------------- the cards
@pytest.mark.parametrize("name", NAMES)
def test_every_activation_has_a_card_with_thumbnail_family_and_properties(gallery_html, name):
    spec = catalog.get(name)
    card = _card(gallery_html, name)
    assert f'data-family="{spec.family}"' in card
    assert f'data-properties="{" ".join(gallery.card_properties(spec))}"' in card
    assert f"](../generated/thumbnails/{name}.svg)" in card  # the thumbnail, drawn for this spec
    assert f"]({name}.md)" in card  # the card links to the activation's page (MkDocs validates the link)
    alt = re.search(r"!\[([^\]]+)\]", card).group(1)
    assert alt.startswith(spec.title) and "f′ by autograd" in alt
    assert gallery.short_family(EN, spec.family) in card
    assert alt == thumbnails.alt_text(spec).replace("[", "(").replace("]", ")")  # the English is thumbnails'
    for key in gallery.card_properties(spec):
        label = next(p.label for p in gallery.PROPERTIES if p.key == key)
        assert f"<li>{html.escape(label)}</li>" in card


def test_cards_come_grouped_by_family_in_the_navs_order(gallery_html):
    names = re.findall(r'data-name="([^"]+)"', gallery_html)
    assert sorted(names) == NAMES
    families = [catalog.get(n).family for n in names]
    assert list(dict.fromkeys(families)) == nav.family_order()
    orders = [int(o) for o in re.findall(r'data-order="(\d+)"', gallery_html)]
    assert orders == list(range(len(NAMES)))


def test_the_filters_name_every_family_and_property(gallery_html):
    raw = re.search(r"data-filters='([^']*)'", gallery_html).group(1)
    filters = json.loads(html.unescape(raw))
    assert [f for f, _ in filters["families"]] == nav.family_order()
    assert [p for p, _ in filters["properties"]] == [p.key for p in gallery.PROPERTIES]


@pytest.mark.parametrize(
    "name, has, lacks",
    [
        ("relu", {"monotonic", "builtin"}, {"bounded", "smooth", "zero-centred", "learnable", "vector"}),
        ("tanh", {"monotonic", "smooth", "bounded", "zero-centred", "builtin"}, {"self-gated"}),
        ("silu", {"smooth", "self-gated", "builtin"}, {"monotonic", "bounded"}),
        ("prelu", {"learnable", "builtin"}, {"smooth"}),
        ("softmax", {"vector", "bounded", "builtin"}, {"learnable"}),
    ],
)
def test_card_properties_follow_the_declared_properties(name, has, lacks):
    keys = set(gallery.card_properties(catalog.get(name)))
    assert has <= keys and not (lacks & keys), keys


# ---------------------------------------------------------------------------------------------- thumbnails
@pytest.mark.parametrize("name", NAMES)
def test_thumbnail_is_small_deterministic_svg_with_f_and_its_derivative(name):
    spec = catalog.get(name)
    text = thumbnails.svg_text(spec)
    assert text == thumbnails.svg_text(spec)  # byte for byte the same
    assert len(text.encode()) < 16_000
    root = ET.fromstring(text)
    assert root.get("viewBox") == f"0 0 {thumbnails.WIDTH} {thumbnails.HEIGHT}"
    groups = {g.get("stroke"): g for g in root.iter(f"{SVG}g")}
    for colour in (thumbnails.F_COLOUR, thumbnails.D_COLOUR):
        lines = groups[colour].findall(f"{SVG}polyline")
        assert lines, f"{name}: nothing drawn in {colour}"
        for line in lines:
            points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
            assert len(points) >= 2
            assert all(0 <= x <= thumbnails.WIDTH and 0 <= y <= thumbnails.HEIGHT for x, y in points)
    assert groups[thumbnails.D_COLOUR].get("stroke-dasharray")  # f′ dashed: told apart without colour


@pytest.mark.parametrize("name", [s.name for s in catalog.all_specs() if s.elementwise])
def test_thumbnail_draws_our_implementation_and_autograd_of_it(name):
    spec = catalog.get(name)
    fs, ds = thumbnails.curves(spec)
    assert [x for x, _ in fs] == [x for x, _ in ds]
    t = torch.tensor([x for xs, _ in fs for x in xs], dtype=torch.float64)
    assert t.min() >= spec.plot_range[0] and t.max() <= spec.plot_range[1]
    values = torch.tensor([y for _, ys in fs for y in ys], dtype=torch.float64)
    slopes = torch.tensor([y for _, ys in ds for y in ys], dtype=torch.float64)
    assert torch.equal(values, spec(t, **spec.defaults))
    # autograd of our forward agrees with the closed-form derivative (no point sits on a kink: the pieces
    # stop one ulp short of each).
    torch.testing.assert_close(slopes, spec.derivative(t, **spec.defaults), rtol=1e-9, atol=1e-12)


def test_pieces_break_at_kinks_so_no_line_crosses_a_jump():
    fs, _ = thumbnails.curves(catalog.get("hardshrink"))
    assert len(fs) == 3  # jumps at ±λ
    (_, left), (_, middle), (_, right) = fs
    assert all(v == 0 for v in middle) and left[-1] < -0.4 and right[0] > 0.4


def test_a_vector_activation_without_a_slice_is_refused_by_name():
    odd = dataclasses.replace(catalog.get("softmax"), name="my_vector_map")
    with pytest.raises(ValueError, match=r"my_vector_map.*vector_curves"):
        thumbnails.curves(odd)


# ---------------------------------------------------------------------------------------------- cache keys
def _gallery_keys() -> dict[str, str]:
    build = context.SiteBuild(None, draw=False, mode="cached")
    gallery.activation_gallery(build.context("activations/index.md"))
    for spec in catalog.all_specs():
        activation_pages.plot_section(build.context(f"activations/{spec.name}.md"), spec)
    return dict(build.keys)


def test_thumbnail_keys_follow_their_spec_and_the_drawing_code_only(monkeypatch):
    before = _gallery_keys()
    assert {k for k in before if k.startswith("thumbnails/")} == {f"thumbnails/{n}.svg" for n in NAMES}
    relu = catalog.get("relu")
    monkeypatch.setitem(REGISTRY._specs, "relu", dataclasses.replace(relu, plot_range=(-4.0, 4.0)))
    moved = {k for k, v in _gallery_keys().items() if before[k] != v}
    assert moved == {"thumbnails/relu.svg", "figures/relu.svg"}
    monkeypatch.setitem(REGISTRY._specs, "relu", relu)
    source = cache.module_source
    monkeypatch.setattr(
        cache, "module_source", lambda name: source(name) + ("\n#\n" if name == thumbnails.__name__ else "")
    )
    moved = {k for k, v in _gallery_keys().items() if before[k] != v}
    assert moved == {f"thumbnails/{n}.svg" for n in NAMES}  # the figures do not depend on the thumbnails


def test_thumbnails_are_the_same_bytes_drawn_inline_and_in_the_pool(tmp_path):
    def draw(workers: int) -> dict[str, bytes]:
        build = context.SiteBuild(None, cache_dir=tmp_path / f"c{workers}", mode="cached", workers=workers)
        ctx = build.context("activations/index.md")
        for name in ("relu", "softmax", "glu", "hardshrink"):
            spec = catalog.get(name)
            make = functools.partial(thumbnails.draw, name=name)
            ctx.asset(
                f"thumbnails/{name}.svg",
                thumbnails.thumbnail_inputs(spec),
                make,
                code=[thumbnails],
                specs=[spec],
            )
        build.finish()
        return {n: (build.cache_dir / f"{k}.svg").read_bytes() for n, k in build.keys.items()}

    assert draw(0) == draw(2)


# ---------------------------------------------------------------------------------------------- one plot
def _figure(name: str) -> str:
    return f'<figure class="actref-figure">{name}</figure>'


@pytest.mark.parametrize("name", NAMES)
def test_one_plot_per_page_the_live_plot_follows_the_figure_it_replaces(name):
    spec = catalog.get(name)
    block = explorer_pages.one_plot(EN, spec, _figure(name))
    if not spec.elementwise:
        assert block == _figure(name)  # no live plot: the figure is the plot
        assert explorer_pages.live_section(None, spec) == ""
        return
    assert block.startswith('<div class="actref-plot"')
    assert block.index(_figure(name)) < block.index(f'<div class="actref-live" data-activation="{name}"')
    label = html.unescape(re.search(r'data-show-label="([^"]+)"', block).group(1))
    assert "f′ by autograd" in label and (("torch built-in" in label) == (spec.builtin is not None))


def test_the_plot_section_has_one_figure_and_one_live_container():
    build = context.SiteBuild(None, draw=False, mode="cached")
    section = activation_pages.plot_section(build.context("activations/elu.md"), catalog.get("elu"))
    assert section.count("<figure") == 1 and section.count('class="actref-live"') == 1
    assert "### Live plot" not in section  # one plot, not a second heading with the same curves
    assert section.index('class="actref-plot"') < section.index("actref-provenance")
    assert section.index("actref-provenance") < section.index('class="actref-live-notes"')


# ---------------------------------------------------------------------------------------------- the nav
def test_nav_lists_families_in_reading_order_each_a_section(tmp_path):
    (tmp_path / "activations").mkdir()
    (tmp_path / "activations" / "index.md").write_text("# All\n")
    built = nav.build_nav(tmp_path)
    activations = built[1]["Activations"]
    assert activations[0] == {"All activations": "activations/index.md"}
    sections = activations[1:]
    assert [next(iter(s)) for s in sections] == [nav.family_title(f) for f in nav.family_order()]
    assert sum(len(next(iter(s.values()))) for s in sections) == len(NAMES)
    order = nav.family_order()
    known = [f for f in nav.FAMILY_TITLES if f in order]
    assert order[: len(known)] == known


# ---------------------------------------------------------------------------------------------- built site
def test_built_gallery_shows_every_thumbnail(built_site):
    page = (built_site.site_dir / "activations" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index("</article>")]
    for name in NAMES:
        card = re.search(
            rf'<li class="actref-card"[^>]* data-name="{name}"[^>]*>.*?</li>', article, flags=re.S
        )
        assert card, name
        assert f'href="{name}/"' in card.group(0)
        assert f'src="../generated/thumbnails/{name}.svg"' in card.group(0)
        svg = built_site.site_dir / "generated" / "thumbnails" / f"{name}.svg"
        assert svg.is_file() and svg.read_text(encoding="utf-8").startswith("<svg")
    assert article.index('class="actref-gallery"') < article.index("<table")  # pictures first
