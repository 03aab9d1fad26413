"""The live plots and the Explorer in headless Chromium, over the built site.

The browser's numbers are checked against actref's torch float64 forward and derivative for every elementwise
activation (at its defaults and at a second valid value of each numeric parameter); the sliders, the readout,
the Explorer's URL state, the error contract of window.actref and the accessibility of the new controls are
driven like a reader would. Everything is parametrised over the registry: a new spec needs no new test.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import sympy
import torch

import actref
from actref.site import explorer

pytestmark = pytest.mark.browser

ELEMENTWISE = [s.name for s in actref.REGISTRY if s.elementwise]
WITH_PARAMS = [n for n in ELEMENTWISE if explorer.numeric_params(actref.get(n))]
NUMERIC = [(n, k) for n in ELEMENTWISE for k in explorer.numeric_params(actref.get(n))]
POINTS = 201
TOLERANCE = 1e-9  # |Δ| ≤ 1e-9·max(1, |value|)


def _settings(name: str) -> list[tuple[str, dict]]:
    """(id, params): the defaults, then each numeric parameter at a second valid value."""
    spec = actref.get(name)
    out = [("defaults", {})]
    for key in explorer.numeric_params(spec):
        value = explorer.alternative_value(spec, key)
        out.append((f"{key}={value}", {key: value}))
    return out


CASES = [pytest.param(n, p, id=f"{n}-{i}") for n in ELEMENTWISE for i, p in _settings(n)]


def _kinks(spec, params: dict) -> list[tuple[float, float]]:
    """(x, documented subgradient) of every kink at these parameters."""
    merged = spec.resolve(params)
    numeric = {k: v for k, v in merged.items() if spec.params[k].symbol is not None}
    subs = spec.substitutions(**numeric)
    return [
        (float(sympy.sympify(k.at).subs(subs)), float(sympy.sympify(k.grad).subs(subs))) for k in spec.kinks
    ]


def _worst(got: list[float], want: torch.Tensor) -> float:
    """max |Δ| / max(1, |want|) (NaN where exactly one side is NaN counts as infinite)."""
    worst = 0.0
    for g, w in zip(got, want.tolist(), strict=True):
        if math.isnan(w) and (g is None or math.isnan(g)):
            continue
        if g is None:
            return math.inf
        worst = max(worst, abs(g - w) / max(1.0, abs(w)))
    return worst


@pytest.fixture(scope="module")
def api_page(request, browser, server):
    """One watched page that defines window.actref (the Explorer), shared by the numeric checks: one
    page.evaluate per activation and setting, not one page load."""
    # conftest's Watched, from the module pytest loaded (the `watched` fixture is per test).
    conftest = request.config.pluginmanager.get_plugin(str(Path(__file__).with_name("conftest.py")))
    w = conftest.Watched(browser)
    w.page.goto(f"{server}/explorer/", wait_until="networkidle")
    w.page.wait_for_function("window.actref && window.actref.names().length > 0")
    yield w
    assert w.errors == [] and w.outside == []
    w.close()


def test_names_are_the_elementwise_registry(api_page):
    assert api_page.page.evaluate("window.actref.names()") == sorted(ELEMENTWISE)


@pytest.mark.parametrize("name, params", CASES)
def test_evaluate_matches_torch(api_page, name, params):
    spec = actref.get(name)
    lo, hi = spec.plot_range
    grid = torch.linspace(lo, hi, POINTS, dtype=torch.float64)
    kinks = _kinks(spec, params)
    xs = torch.cat([grid, torch.tensor([k for k, _ in kinks], dtype=torch.float64)])
    got = api_page.page.evaluate(
        "([name, xs, params]) => window.actref.evaluate(name, xs, params)", [name, xs.tolist(), params]
    )
    f_error = _worst(got["f"], spec(xs, **params))
    df_error = _worst(got["df"], spec.derivative(xs, **params))
    assert f_error <= TOLERANCE, (
        f"{name} {params}: f differs from torch by {f_error:.3g} (relative to max(1, |f|))"
    )
    assert df_error <= TOLERANCE, f"{name} {params}: f′ differs from torch by {df_error:.3g}"
    for i, (k, grad) in enumerate(kinks):
        at = got["df"][POINTS + i]
        assert abs(at - grad) <= TOLERANCE * max(1.0, abs(grad)), (
            f"{name} {params}: f′({k}) = {at} in the browser, the documented subgradient is {grad}"
        )


def test_evaluate_takes_aliases_and_defaults(api_page):
    page = api_page.page
    assert page.evaluate("window.actref.evaluate('swish', [1], {})") == page.evaluate(
        "window.actref.evaluate('silu', [1], {beta: 1})"
    )


def _error(page, expression: str) -> str:
    return page.evaluate(
        f"() => {{ try {{ {expression}; return null; }} catch (e) {{ return e.message; }} }}"
    )


def test_an_unknown_name_throws_naming_the_valid_choices(api_page):
    message = _error(api_page.page, "window.actref.evaluate('nosuch', [0])")
    assert message is not None and "nosuch" in message and "relu" in message and "gelu" in message


def test_a_vector_valued_name_throws_saying_why(api_page):
    message = _error(api_page.page, "window.actref.evaluate('softmax', [0])")
    assert message is not None and "not elementwise" in message


def test_an_unknown_parameter_throws_naming_the_valid_ones(api_page):
    message = _error(api_page.page, "window.actref.evaluate('elu', [0], {beta: 1})")
    assert message is not None and "beta" in message and "alpha" in message


def _invalid_value(domain: explorer.Domain) -> float:
    if domain.excluded:
        return domain.excluded[0]
    if math.isfinite(domain.low):
        return domain.low - 1.0 if domain.low_closed else domain.low
    if math.isfinite(domain.high):
        return domain.high + 1.0
    return math.nan


@pytest.mark.parametrize("name, key", NUMERIC)
def test_an_invalid_parameter_throws_like_the_registry(api_page, name, key):
    spec = actref.get(name)
    bad = _invalid_value(explorer.infer_domain(spec, key))
    with pytest.raises(ValueError):
        spec.resolve({key: bad})  # the registry rejects it too: an independent truth
    message = api_page.page.evaluate(
        "([name, key, bad]) => { try { window.actref.evaluate(name, [0], {[key]: bad}); return null; }"
        " catch (e) { return e.message; } }",
        [name, key, bad],
    )
    assert message is not None and key in message and spec.params[key].valid in message


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if explorer.infer_relations(actref.get(n))])
def test_a_broken_parameter_rule_throws_like_the_registry(api_page, name):
    spec = actref.get(name)
    for a, _, b in explorer.infer_relations(spec):
        params = {a: 2.0, b: 1.0}
        with pytest.raises(ValueError):
            spec.resolve(params)
        message = api_page.page.evaluate(
            "([name, p]) => { try { window.actref.evaluate(name, [0], p); return null; }"
            " catch (e) { return e.message; } }",
            [name, params],
        )
        assert message is not None and a in message and b in message


# ---------------------------------------------------------------------------------------------- the pages
PLOTTED = """(el) => {
  const u = el.actref.chart();
  const column = (label) => u.data[0].map((_, i) => {
    for (let s = 1; s < u.series.length; s++) {
      if (u.series[s].label === label && u.data[s][i] != null) return u.data[s][i];
    }
    return null;
  });
  return { x: Array.from(u.data[0]), f: column("f(x)"), df: column("f′(x)") };
}"""


def _assert_plot_matches_torch(page, name: str, params: dict) -> None:
    spec = actref.get(name)
    plotted = page.locator(".actref-live").evaluate(PLOTTED)
    keep = [i for i, v in enumerate(plotted["f"]) if v is not None]  # kink centres are gaps (dots)
    assert len(keep) >= POINTS
    xs = torch.tensor([plotted["x"][i] for i in keep], dtype=torch.float64)
    assert _worst([plotted["f"][i] for i in keep], spec(xs, **params)) <= TOLERANCE
    assert _worst([plotted["df"][i] for i in keep], spec.derivative(xs, **params)) <= TOLERANCE


def _field_value(page, key: str) -> float:
    return float(page.locator(f".actref-live input[type=number][aria-label='{key} value']").input_value())


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_every_elementwise_page_has_a_live_plot(server, watched, name):
    page = watched.page
    page.goto(f"{server}/activations/{name}/", wait_until="networkidle")
    page.wait_for_function("document.querySelector('.actref-live canvas') !== null")
    assert page.locator(".actref-live input[type=range]").count() == len(
        explorer.numeric_params(actref.get(name))
    )
    _assert_plot_matches_torch(page, name, {})
    assert page.locator("article img").count() >= 1  # the static figure stays
    assert watched.errors == [] and watched.outside == []


@pytest.mark.parametrize("name", WITH_PARAMS)
def test_sliders_move_the_plot_and_the_readout_follows(server, watched, name):
    page = watched.page
    spec = actref.get(name)
    page.goto(f"{server}/activations/{name}/", wait_until="networkidle")
    page.wait_for_function("document.querySelector('.actref-live canvas') !== null")
    key = explorer.numeric_params(spec)[0]
    s = explorer.slider(spec, key)
    slider = page.locator(".actref-live input[type=range]").first
    before = page.locator(".actref-live").evaluate(PLOTTED)

    # Keyboard: one step up.
    slider.focus()
    page.keyboard.press("ArrowRight")
    value = _field_value(page, key)
    # One step up from the default (snapped to the slider's grid first, so up to two steps from it).
    assert 0 < value - spec.params[key].default <= 2 * s.step, (value, s)
    params = {key: value}
    spec.resolve(params)
    _assert_plot_matches_torch(page, name, params)

    # Pointer: click on the track, away from the thumb.
    box = slider.bounding_box()
    where = 0.2 if (value - s.minimum) / (s.maximum - s.minimum) > 0.5 else 0.8
    page.mouse.click(box["x"] + where * box["width"], box["y"] + box["height"] / 2)
    moved = _field_value(page, key)
    assert moved != value
    params = {key: moved}
    _assert_plot_matches_torch(page, name, params)
    assert page.locator(".actref-live").evaluate(PLOTTED) != before

    # Hover: the readout shows x, f(x), f′(x) at the current parameters.
    plot = page.locator(".actref-live .u-over")
    # mouse.move takes viewport coordinates and does not scroll: with several parameters (and a note under
    # one) the plot can sit below the fold, where the pointer would reach nothing.
    plot.scroll_into_view_if_needed()
    pbox = plot.bounding_box()
    page.mouse.move(pbox["x"] + 0.6 * pbox["width"], pbox["y"] + pbox["height"] / 2)
    readout = page.locator(".actref-live output")
    x = float(readout.get_attribute("data-x"))
    lo, hi = spec.plot_range
    assert lo < x < hi
    t = torch.tensor([x], dtype=torch.float64)
    assert float(readout.get_attribute("data-f")) == pytest.approx(
        float(spec(t, **params)), rel=1e-12, abs=1e-12
    )
    assert float(readout.get_attribute("data-df")) == pytest.approx(
        float(spec.derivative(t, **params)), rel=1e-12, abs=1e-12
    )
    assert "f(x)" in readout.inner_text()

    # Reset puts the default back.
    page.locator(".actref-live .actref-param").first.get_by_role("button").click()
    assert _field_value(page, key) == spec.params[key].default
    assert watched.errors == [] and watched.outside == []


@pytest.mark.parametrize("name", WITH_PARAMS)
def test_an_invalid_typed_value_is_refused_in_place(server, watched, name):
    spec = actref.get(name)
    page = watched.page
    page.goto(f"{server}/activations/{name}/", wait_until="networkidle")
    page.wait_for_function("document.querySelector('.actref-live canvas') !== null")
    for i, key in enumerate(explorer.numeric_params(spec)):
        bad = _invalid_value(explorer.infer_domain(spec, key))
        field = page.locator(f".actref-live input[type=number][aria-label='{key} value']")
        field.fill("1e999" if math.isnan(bad) else repr(bad))  # 1e999 overflows: not a number to the field
        field.press("Enter")
        assert field.get_attribute("aria-invalid") == "true"
        note = page.locator(".actref-live .actref-param-note").nth(i)
        assert key in note.inner_text() and note.is_visible()
        kept = page.locator(".actref-live").evaluate("el => el.actref.params()")
        assert kept == {k: spec.defaults[k] for k in explorer.numeric_params(spec)}
    assert watched.errors == [] and watched.outside == []


def test_zoom_buttons_change_the_x_range_and_resample(server, watched):
    page = watched.page
    page.goto(f"{server}/activations/relu/", wait_until="networkidle")
    page.wait_for_function("document.querySelector('.actref-live canvas') !== null")
    scale = "el => { const u = el.actref.chart(); return [u.scales.x.min, u.scales.x.max, u.data[0][0]]; }"
    live = page.locator(".actref-live")
    assert live.evaluate(scale)[:2] == [-5, 5]
    page.get_by_role("button", name="Zoom in on x").click()
    page.wait_for_function("document.querySelector('.actref-live').actref.chart().data[0][0] > -5")
    lo, hi, first = live.evaluate(scale)
    assert (lo, hi) == (-2.5, 2.5) and first == -2.5
    page.get_by_role("button", name="Pan right").click()
    page.wait_for_function("document.querySelector('.actref-live').actref.chart().scales.x.min > -2.5")
    page.get_by_role("button", name="Reset view of x").click()
    page.wait_for_function("document.querySelector('.actref-live').actref.chart().scales.x.min === -5")
    assert watched.errors == [] and watched.outside == []


# ---------------------------------------------------------------------------------------------- the Explorer
def _explorer_state(page) -> dict:
    return page.locator(".actref-explorer").evaluate("el => el.actref.state()")


def test_explorer_restores_a_selection_from_the_hash(server, watched):
    page = watched.page
    page.goto(f"{server}/explorer/#gelu,silu,mish&d=1&silu.beta=2", wait_until="networkidle")
    page.wait_for_function("document.querySelector('.actref-explorer canvas') !== null")
    state = _explorer_state(page)
    assert state["names"] == ["gelu", "silu", "mish"] and state["show"] == 1
    assert state["params"]["silu"]["beta"] == 2
    checked = page.eval_on_selector_all(
        ".actref-explorer input[type=checkbox]:checked", "els => els.map(e => e.value)"
    )
    assert sorted(checked) == ["gelu", "mish", "silu"]
    assert page.locator(".actref-explorer-message").is_hidden()
    labels = page.locator(".actref-explorer").evaluate("el => el.actref.chart().series.map(s => s.label)")
    assert {"GELU f", "GELU f′", "SiLU / Swish f", "Mish f′"} <= set(labels)
    assert watched.errors == [] and watched.outside == []


def test_explorer_says_so_for_an_unknown_name_in_the_hash(server, watched):
    page = watched.page
    page.goto(f"{server}/explorer/#gelu,nosuch", wait_until="networkidle")
    message = page.locator(".actref-explorer-message")
    message.wait_for(state="visible")
    assert "nosuch" in message.inner_text() and "relu" in message.inner_text()
    assert _explorer_state(page)["names"] == ["gelu"]
    assert watched.errors == [] and watched.outside == []


def test_a_hostile_link_changes_no_prototype_and_stays_text(server, watched):
    # tests/js/link.test.mjs fuzzes the parser in Node; this is the link in the real page.
    page = watched.page
    page.goto(f"{server}/explorer/#__proto__,constructor&__proto__.polluted=1", wait_until="networkidle")
    message = page.locator(".actref-explorer-message")
    message.wait_for(state="visible")
    assert all(part in message.inner_text() for part in ("__proto__", "constructor", "__proto__.polluted=1"))
    assert page.evaluate("!('polluted' in Object.prototype) && ({}).polluted === undefined")
    assert _explorer_state(page)["names"] == []
    page.evaluate("location.hash = '#relu,<img src=x onerror=window.__xss=1>'")
    page.wait_for_function("document.querySelector('.actref-explorer-message').textContent.includes('<img')")
    assert message.locator("img").count() == 0 and page.evaluate("window.__xss === undefined")
    assert watched.errors == [] and watched.outside == []


def test_explorer_writes_its_state_into_the_hash(server, watched):
    page = watched.page
    page.goto(f"{server}/explorer/#relu", wait_until="networkidle")
    page.locator(".actref-explorer label", has_text="Softsign").click()
    page.locator(".actref-explorer label", has_text="f and f′").click()
    assert page.evaluate("location.hash") == "#relu,softsign&d=1"
    page.locator(".actref-explorer input[type=search]").fill("logistic")  # sigmoid's alias
    visible = page.eval_on_selector_all(
        ".actref-explorer .actref-pick-list li:not([hidden]) input", "els => els.map(e => e.value)"
    )
    assert visible == ["sigmoid"]
    assert watched.errors == [] and watched.outside == []


def test_home_page_and_nav_link_to_the_explorer(server, watched):
    page = watched.page
    page.goto(f"{server}/", wait_until="networkidle")
    assert page.locator("article a[href*='explorer']").count() >= 1
    assert page.locator("nav a[href*='explorer']").count() >= 1
    assert watched.errors == [] and watched.outside == []


# ---------------------------------------------------------------------------------------------- accessibility
INSIDE = """([selectors, container]) => selectors.filter(s => {
  const el = document.querySelector(s);
  return el !== null && el.closest(container) !== null;
})"""


@pytest.mark.parametrize(
    "path, container",
    [
        ("/activations/hardtanh/", ".actref-live"),
        ("/activations/celu/", ".actref-live"),
        ("/explorer/#silu,elu&d=1", ".actref-explorer"),
    ],
)
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_new_controls_are_labelled_and_pass_axe(server, watch, axe, path, container, color_scheme):
    watched = watch(color_scheme=color_scheme)
    page = watched.page
    page.goto(server + path, wait_until="networkidle")
    page.wait_for_function(f"document.querySelector('{container} canvas') !== null")
    unlabelled = page.eval_on_selector_all(
        f"{container} input",
        "els => els.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.outerHTML)",
    )
    assert unlabelled == []
    found = []
    for v in axe.violations(page):
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
        ours = page.evaluate(INSIDE, [targets, container])
        if ours:
            found.append({**v, "nodes": [n for n in v["nodes"] if " ".join(map(str, n["target"])) in ours]})
    assert found == [], axe.describe(found)
    assert watched.errors == [] and watched.outside == []
