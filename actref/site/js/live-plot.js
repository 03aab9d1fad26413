// The live plots of actref: f and f′ of every elementwise activation, with parameter sliders, and the
// Explorer that overlays any of them. Bundled by esbuild (at site build time) with uPlot and stdlib's
// erf/erfc into assets/vendor/live-plot/live-plot.js.
//
// The formulas are not here: assets/actref/activations.js, generated from the registry's sympy expressions
// by actref.site.explorer, defines window.actrefDefine(M), which returns every activation's f, f′ and kinks
// as JavaScript functions, with its parameters, their valid domains and slider spans.
//
// Public contract (the browser tests rely on it): window.actref.names() and
// window.actref.evaluate(name, xs, params) → {f: number[], df: number[]}; missing params take the defaults,
// and an unknown name or an invalid parameter throws an Error naming the problem and the valid choices. Only a
// registered name and the params object's own keys count (an inherited key is never read, and "__proto__" is an
// unknown name or parameter), xs is an array or a typed array, and no input reaches Object.prototype.
//
// Every word the page shows is a message of the site's catalogue, t("English {field}", {field}) (i18n.mjs):
// a Chinese page gets its Chinese from assets/actref/messages.js, written from actref/site/locale/zh/.

import uPlot from "uplot";
import erf from "@stdlib/math-base-special-erf";
import erfc from "@stdlib/math-base-special-erfc";
import { t } from "./i18n.mjs";
import { parseLink } from "./link.mjs";
import { RELATIONS, RELATION_TEXT, makeRegistry } from "./registry.mjs";

// ------------------------------------------------------------------------------------------ the registry
// Names, aliases and parameter checks live in registry.mjs (null-prototype objects and Maps: a name or a
// parameter from a link or a caller is never a key of an ordinary object), the link's grammar in link.mjs.
const generated = typeof window.actrefDefine === "function" ? window.actrefDefine({ erf, erfc }) : null;
const REGISTRY = makeRegistry(generated ? generated.activations : {}, generated ? generated.meta : {});
const SPECS = REGISTRY.specs;
const META = generated ? generated.meta : {};
const NAMES = REGISTRY.names;
const { lookup, resolve } = REGISTRY;

function evaluate(name, xs, params) {
  const { spec, p } = resolve(name, params);
  if (!(Array.isArray(xs) || (ArrayBuffer.isView(xs) && !(xs instanceof DataView)))) {
    throw new TypeError("actref.evaluate(name, xs, params): xs must be an array of numbers.");
  }
  const f = new Array(xs.length);
  const df = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = Number(xs[i]);
    f[i] = spec.f(x, p);
    df[i] = spec.df(x, p);
  }
  return { f, df };
}

// The kinks of `name` at parameters p, each once, sorted.
function kinksOf(spec, p) {
  return [...new Set(spec.kinks(p))].filter(Number.isFinite).sort((a, b) => a - b);
}

// ------------------------------------------------------------------------------------------ numbers
const bits = new Float64Array(1);
const ints = new BigInt64Array(bits.buffer);
// The neighbouring double of x towards +inf (up) or −inf: the one-sided limits at a kink.
function nextAfter(x, up) {
  if (Number.isNaN(x) || !Number.isFinite(x)) return x;
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  bits[0] = x;
  ints[0] += (x > 0) === up ? 1n : -1n;
  return bits[0];
}

function format(v) {
  if (v === null || v === undefined) return "—";
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "−∞";
  const a = Math.abs(v);
  let s;
  if (a === 0) s = "0";
  else if (a >= 1e-4 && a < 1e6) s = String(Number(v.toPrecision(6)));
  else s = v.toExponential(4).replace(/\.?0+e/, "e");
  return s.replace("-", "−");
}

// What a number field shows: the shortest text that reads back as the same double (defaults stay exact;
// slider positions are decimal already, as the range input computes them).
const fieldText = (v) => String(v);

// ------------------------------------------------------------------------------------------ theming
// Colours come from Material's palette variables, read at draw time, so a light/dark toggle only redraws.
function cssVar(el, name, fallback) {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}
const theme = (el) => ({
  text: cssVar(el, "--md-default-fg-color--light", "#8a8a8a"),
  grid: cssVar(el, "--md-default-fg-color--lightest", "rgba(128,128,128,0.25)"),
  background: cssVar(el, "--md-default-bg-color", "#ffffff"),
});

let uid = 0;
const newId = (prefix) => `actref-${prefix}-${++uid}`;

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c != null) el.append(c);
  return el;
}

// ------------------------------------------------------------------------------------------ the chart
const timing = { firstPlot: null };

// A uPlot chart of curves {name, p, which: "f" | "df", colour, width, dash, label} over x, resampled from the
// functions on every zoom or pan (no stale pixels: the plot is computed, not stretched). Each curve is split at
// its activation's kinks, with a filled dot at the value there and open circles at differing one-sided limits,
// as the static figures draw them.
class Chart {
  constructor(host, { curves, range, onReadout, label }) {
    this.host = host;
    this.curves = curves;
    this.home = range.slice();
    this.view = range.slice();
    this.onReadout = onReadout;
    this.label = label;
    this.frame = h("div", { class: "actref-live-canvas", role: "img" });
    host.append(this.frame);
    this.build();
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(host);
    this.themeWatch = new MutationObserver(() => this.u && this.u.redraw(false));
    this.themeWatch.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  width() {
    return Math.max(240, Math.floor(this.host.clientWidth || 600));
  }

  build() {
    if (this.u) this.u.destroy();
    const el = this.host;
    const colour = (key) => () => theme(el)[key];
    // Series: per curve one line per segment between its kinks (uPlot joins a line across a one-ulp gap, so a
    // jump needs separate series), then the dots at the kinks, then the open circles at one-sided limits.
    const series = [{}];
    const pieces = this.curves.map((c) => SPECS[c.name].kinks(c.p).length + 1);
    this.curves.forEach((c, ci) => {
      for (let j = 0; j < pieces[ci]; j++) {
        series.push({ label: c.label, stroke: c.colour, width: c.width, dash: c.dash, spanGaps: false, points: { show: false } });
      }
    });
    for (const c of this.curves) {
      const size = c.which === "df" ? 8 : 5;
      series.push({ paths: () => null, points: { show: true, size, width: 0, fill: c.colour, stroke: c.colour } });
    }
    for (const c of this.curves) {
      const size = (c.which === "df" ? 8 : 5) + 1;
      series.push({ paths: () => null, points: { show: true, size, width: 1.4, fill: colour("background"), stroke: c.colour } });
    }
    const axis = () => ({ stroke: colour("text"), grid: { stroke: colour("grid"), width: 1 }, ticks: { stroke: colour("grid"), width: 1 } });
    const opts = {
      width: this.width(),
      height: 320,
      legend: { show: false },
      scales: {
        x: { time: false, auto: false, range: (u, min, max) => [min, max] },
        y: { auto: true, range: () => this.yRange }, // computed by sample(), over the visible curves
      },
      axes: [{ ...axis(), label: "x", labelSize: 20 }, { ...axis(), size: 56 }],
      cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false }, y: false },
      series,
      hooks: {
        setScale: [(u, key) => key === "x" && this.onView(u)],
        setCursor: [(u) => this.readout(u)],
        draw: [() => timing.firstPlot === null && (timing.firstPlot = performance.now())],
      },
    };
    const data = this.sample();
    this.u = new uPlot(opts, data, this.frame);
    this.u.setScale("x", { min: this.view[0], max: this.view[1] });
    this.u.over.addEventListener("dblclick", () => this.reset());
    this.u.over.addEventListener("wheel", (e) => this.wheel(e), { passive: false });
    this.describe();
  }

  // The data for uPlot at the current view: x, then the series build() declared.
  sample() {
    const [lo, hi] = this.view;
    const n = Math.min(1200, Math.max(200, this.width()));
    const kinkSets = this.curves.map((c) =>
      SPECS[c.name]
        .kinks(c.p)
        .map((k) => (Number.isFinite(k) ? k : Infinity))
        .sort((a, b) => a - b),
    );
    const xs = [];
    for (let i = 0; i < n; i++) xs.push(lo + ((hi - lo) * i) / (n - 1));
    for (const ks of kinkSets) {
      for (const k of ks) if (k > lo && k < hi) xs.push(nextAfter(k, false), k, nextAfter(k, true));
    }
    const x = [...new Set(xs)].sort((a, b) => a - b);
    const lines = [];
    const dots = [];
    const open = [];
    this.curves.forEach((c, ci) => {
      const fn = SPECS[c.name][c.which];
      const ks = kinkSets[ci];
      const own = new Set(ks);
      const values = x.map((t) => fn(t, c.p));
      const segment = x.map((t) => ks.filter((k) => k < t).length);
      for (let j = 0; j <= ks.length; j++) {
        lines.push(x.map((t, i) => (own.has(t) || segment[i] !== j ? null : values[i])));
      }
      const dot = x.map(() => null);
      const circle = x.map(() => null);
      x.forEach((t, i) => {
        if (!own.has(t)) return;
        dot[i] = values[i];
        for (const j of [i - 1, i + 1]) {
          const side = own.has(x[j]) ? null : values[j];
          if (side != null && Math.abs(side - values[i]) > 1e-6 * (1 + Math.abs(side))) circle[j] = side;
        }
      });
      dots.push(dot);
      open.push(circle);
    });
    this.yRange = this.range([...lines, ...dots]);
    return [x, ...lines, ...dots, ...open];
  }

  range(columns) {
    let min = Infinity;
    let max = -Infinity;
    for (const col of columns) {
      for (const v of col) {
        if (v === null || !Number.isFinite(v)) continue;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (min === Infinity) return [-1, 1];
    if (min === max) return [min - 1, max + 1];
    const pad = 0.06 * (max - min);
    return [min - pad, max + pad];
  }

  update() {
    if (!this.u) return;
    this.u.setData(this.sample()); // re-ranges y (auto); x keeps the view (not auto)
    this.readout(this.u);
  }

  onView(u) {
    const min = u.scales.x.min;
    const max = u.scales.x.max;
    if (min === this.view[0] && max === this.view[1]) return;
    this.view = [min, max];
    cancelAnimationFrame(this.pending);
    this.pending = requestAnimationFrame(() => {
      this.update();
      this.describe();
    });
  }

  setView(lo, hi) {
    if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi) || hi - lo < 1e-9) return;
    this.u.setScale("x", { min: lo, max: hi });
  }
  zoom(factor, centre) {
    const [lo, hi] = this.view;
    const c = centre === undefined ? (lo + hi) / 2 : centre;
    this.setView(c - (c - lo) * factor, c + (hi - c) * factor);
  }
  pan(fraction) {
    const [lo, hi] = this.view;
    const d = (hi - lo) * fraction;
    this.setView(lo + d, hi + d);
  }
  reset() {
    this.setView(this.home[0], this.home[1]);
  }

  // Ctrl/⌘ + wheel zooms around the pointer and Shift + wheel pans; a plain wheel scrolls the page as usual.
  wheel(e) {
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      this.zoom(e.deltaY < 0 ? 0.8 : 1.25, this.u.posToVal(e.offsetX, "x"));
    } else if (e.shiftKey) {
      e.preventDefault();
      this.pan((e.deltaY || e.deltaX) > 0 ? 0.1 : -0.1);
    }
  }

  readout(u) {
    const left = u.cursor.left;
    if (left === undefined || left === null || left < 0) return this.onReadout(null);
    this.onReadout(u.posToVal(left, "x"));
  }

  describe() {
    const [lo, hi] = this.view;
    this.frame.setAttribute("aria-label", t("{plot}, for x from {low} to {high}", { plot: this.label, low: format(lo), high: format(hi) }));
  }

  setCurves(curves, range) {
    this.curves = curves;
    if (range) {
      this.home = range.slice();
      this.view = range.slice();
    }
    this.build();
  }

  resize() {
    if (!this.u) return;
    const w = this.width();
    if (w !== this.u.width) {
      this.u.setSize({ width: w, height: 320 });
      this.update();
    }
  }

  destroy() {
    this.resizer.disconnect();
    this.themeWatch.disconnect();
    if (this.u) this.u.destroy();
    this.u = null;
  }
}

function toolbar(chart) {
  const button = (text, label, action) =>
    h("button", { type: "button", class: "actref-live-button", "aria-label": label, title: label, onclick: action, text });
  return h(
    "div",
    { class: "actref-live-toolbar", role: "group", "aria-label": t("Zoom and pan on x") },
    button("+", t("Zoom in on x"), () => chart().zoom(0.5)),
    button("−", t("Zoom out on x"), () => chart().zoom(2)),
    button("←", t("Pan left"), () => chart().pan(-0.2)),
    button("→", t("Pan right"), () => chart().pan(0.2)),
    button(t("Reset view"), t("Reset view of x"), () => chart().reset()),
  );
}

const help = () =>
  t("Hover or tap the plot to read values. Drag across it to zoom into a range of x, double-click to reset; Ctrl/⌘ + wheel zooms and Shift + wheel pans.");

// ------------------------------------------------------------------------------------------ sliders
// One labelled slider with a number field and a reset button per numeric parameter of `name`. Values the spec
// rejects cannot be set: the slider skips excluded points and stops at a related parameter; a typed value is
// checked by resolve() and, if invalid, refused with the reason shown in place.
function paramControls(name, state, onChange) {
  const spec = SPECS[name];
  const box = h("div", { class: "actref-params" });
  const controls = {};
  for (const q of spec.params) {
    const id = newId(`${name}-${q.name}`);
    const note = h("p", { class: "actref-param-note", id: `${id}-note`, "aria-live": "polite" });
    const rules = [q.valid];
    for (const [a, op, b] of spec.relations) {
      // Say the rule unless the spec's own wording already names the other parameter.
      const other = a === q.name ? b : b === q.name ? a : null;
      if (other !== null && !q.valid.includes(other)) rules.push(`${a} ${RELATION_TEXT.get(op)} ${b}`);
    }
    const help = h("p", {
      class: "actref-param-help",
      id: `${id}-help`,
      text: t("Valid: {rules}. Default {default}.", { rules: [...new Set(rules)].join(t("; ")), default: fieldText(q.default) }),
    });
    const range = h("input", {
      type: "range",
      id: `${id}-range`,
      min: q.slider.min,
      max: q.slider.max,
      step: q.slider.step,
      value: state[q.name],
      "aria-describedby": `${id}-help ${id}-note`,
    });
    const number = h("input", {
      type: "number",
      id: `${id}-number`,
      step: q.slider.step,
      value: fieldText(state[q.name]),
      "aria-label": t("{parameter} value", { parameter: q.name }),
      "aria-describedby": `${id}-help ${id}-note`,
    });
    const reset = h("button", {
      type: "button",
      class: "actref-live-button",
      text: t("Reset to default"),
      // The accessible name starts with the visible text (WCAG 2.5.3, axe's label-content-name-mismatch).
      "aria-label": t("Reset to default: {parameter} = {default}", { parameter: q.name, default: fieldText(q.default) }),
    });
    const label = h("label", { for: `${id}-range`, id: `${id}-label` }, h("strong", { text: `${q.symbol} (${q.name})` }), q.doc ? t(" — {doc}", { doc: q.doc }) : "");
    const row = h("div", { class: "actref-param-row" }, range, number, reset);
    box.append(h("div", { class: "actref-param", role: "group", "aria-labelledby": `${id}-label` }, label, row, help, note));

    const show = (v) => {
      range.value = v;
      number.value = fieldText(v);
      number.removeAttribute("aria-invalid");
    };
    const apply = (v, message) => {
      state[q.name] = v;
      show(v);
      note.textContent = message || "";
      onChange();
    };
    // The nearest valid value to a slider position v, moving away from the current value past excluded points
    // and stopping at a related parameter's value.
    const fixSlider = (v) => {
      const step = q.slider.step;
      const direction = Math.sign(v - state[q.name]) || 1;
      let out = v;
      let why = "";
      if (q.domain.excluded.includes(out)) {
        why = t("{parameter} = {value} is not allowed, so the slider skips it. Valid: {valid}.", { parameter: q.name, value: fieldText(out), valid: q.valid });
        out = Number((out + direction * step).toPrecision(12));
      }
      for (const [a, op, b] of spec.relations) {
        const ok = (value) => (a === q.name ? RELATIONS.get(op)(value, state[b]) : b === q.name ? RELATIONS.get(op)(state[a], value) : true);
        if (!ok(out)) {
          const other = a === q.name ? state[b] : state[a];
          const strict = op === "<" ? step : 0;
          out = a === q.name ? other - strict : other + strict;
          why = t("{a} must be {relation} {b}; {parameter} stops at {value}.", { a, relation: RELATION_TEXT.get(op), b, parameter: q.name, value: fieldText(out) });
        }
      }
      try {
        resolve(name, { ...state, [q.name]: out });
      } catch (e) {
        return { value: state[q.name], why: e.message.replace(/^actref: /, "") };
      }
      return { value: out, why };
    };
    range.addEventListener("input", () => {
      const { value, why } = fixSlider(range.valueAsNumber);
      apply(value, why);
    });
    const typed = () => {
      const v = number.valueAsNumber;
      try {
        if (Number.isNaN(v)) throw new Error(t("{parameter} must be a number ({valid}).", { parameter: q.name, valid: q.valid }));
        resolve(name, { ...state, [q.name]: v });
      } catch (e) {
        number.setAttribute("aria-invalid", "true");
        note.textContent = t("{problem} Kept {parameter} = {value}.", { problem: e.message.replace(/^actref: /, ""), parameter: q.name, value: fieldText(state[q.name]) });
        return;
      }
      apply(v, inRange(v, q.slider) ? "" : t("{value} is outside the slider's span, but valid.", { value: fieldText(v) }));
    };
    number.addEventListener("change", typed);
    reset.addEventListener("click", () => apply(q.default, ""));
    controls[q.name] = { range, number, reset, note, set: (v) => apply(v, "") };
  }
  return { element: box, controls };
}

const inRange = (v, s) => v >= s.min && v <= s.max;

const defaults = (name) => REGISTRY.defaults(name);

function readoutLine(label, value) {
  return h("span", { class: "actref-readout-item" }, h("span", { class: "actref-readout-label", text: `${label} = ` }), format(value));
}

// ------------------------------------------------------------------------------------------ activation pages
function mountLive(el) {
  const name = lookup(el.dataset.activation);
  const spec = SPECS[name];
  const state = defaults(name);
  const colours = META.colours || { f: "#3d85c6", df: "#e69138" };
  const curves = () => [
    { name, p: state, which: "df", colour: colours.df, width: 3.6, label: "f′(x)" },
    { name, p: state, which: "f", colour: colours.f, width: 2.2, label: "f(x)" },
  ];
  el.replaceChildren();
  const output = h("output", { class: "actref-readout", "aria-live": "polite" }, help());
  let chart = null;
  const onReadout = (x) => {
    if (x === null || !chart) return;
    const v = evaluate(name, [x], state);
    output.dataset.x = x;
    output.dataset.f = v.f[0];
    output.dataset.df = v.df[0];
    output.replaceChildren(readoutLine("x", x), readoutLine("f(x)", v.f[0]), readoutLine("f′(x)", v.df[0]));
  };
  // "Compare it in the Explorer" links on the page carry this plot's activation and parameters.
  const updateLinks = () => {
    const changed = spec.params.filter((q) => state[q.name] !== q.default).map((q) => `${name}.${q.name}=${state[q.name]}`);
    document.querySelectorAll(`a.actref-explorer-link[data-activation="${name}"]`).forEach((a) => {
      a.hash = [name, ...changed].join("&");
    });
  };
  updateLinks();
  const params = spec.params.length
    ? paramControls(name, state, () => {
        chart.update();
        updateLinks();
      })
    : null;
  const legend = h(
    "ul",
    { class: "actref-legend" },
    h("li", {}, h("span", { class: "actref-swatch", style: `background:${colours.f}` }), "f(x)"),
    h("li", {}, h("span", { class: "actref-swatch actref-swatch-wide", style: `background:${colours.df}` }), t("f′(x), the closed-form derivative")),
    spec.kinks({ ...state }).length ? h("li", {}, h("span", { class: "actref-dot" }), t("value at a kink (autograd's choice)")) : null,
  );
  const plotHost = h("div", { class: "actref-live-plot" });
  el.append(params ? params.element : "", plotHost, legend, toolbar(() => chart), output);
  chart = new Chart(plotHost, { curves: curves(), range: spec.range, onReadout, label: t("Live plot of f and f′ of {title}", { title: spec.title }) });
  el.actref = { name, params: () => ({ ...state }), chart: () => chart.u, controls: params ? params.controls : {} };
  return chart;
}

// ------------------------------------------------------------------------------------------ the Explorer
// What each view (the link's d=) plots; link.mjs reads d= itself.
const SHOW = { 0: ["f"], 1: ["f", "df"], 2: ["df"] };
const SHOW_LABEL = { 0: () => t("f only"), 1: () => t("f and f′"), 2: () => t("f′ only") };
const LEGEND_NOTE = { 1: () => t("solid: f · dashed: f′"), 2: () => t("dashed: f′") };

function mountExplorer(el) {
  el.replaceChildren();
  const state = { names: [], show: 0, params: Object.create(null) };
  const message = h("div", { class: "admonition warning actref-explorer-message", role: "alert", hidden: true });
  const problems = (list) => {
    message.hidden = list.length === 0;
    message.replaceChildren(...list.map((t) => h("p", { text: t })));
  };
  const palette = META.palette || ["#3d85c6", "#e69138", "#6aa84f", "#a64d79"];
  const colourOf = (n) => palette[state.names.indexOf(n) % palette.length];

  // Picking: one checkbox per activation, grouped by family, filtered by the search box.
  const search = h("input", { type: "search", id: newId("search"), placeholder: t("name, alias or family"), autocomplete: "off" });
  const boxes = Object.create(null);
  const groups = [];
  const families = META.families || {};
  const byFamily = Object.create(null);
  for (const n of NAMES) (byFamily[SPECS[n].family] = byFamily[SPECS[n].family] || []).push(n);
  const familyOrder = Object.keys(families).filter((f) => f in byFamily).concat(Object.keys(byFamily).filter((f) => !(f in families)));
  for (const family of familyOrder) {
    const items = byFamily[family].map((n) => {
      const id = newId(`pick-${n}`);
      const box = h("input", { type: "checkbox", id, value: n });
      boxes[n] = box;
      box.addEventListener("change", () => {
        if (box.checked && !state.names.includes(n)) state.names.push(n);
        if (!box.checked) state.names = state.names.filter((m) => m !== n);
        render(true);
      });
      const words = [n, SPECS[n].title, ...SPECS[n].aliases, family, families[family] || ""].join(" ").toLowerCase();
      return { n, words, item: h("li", {}, box, h("label", { for: id, text: ` ${SPECS[n].title}` })) };
    });
    const list = h("ul", { class: "actref-pick-list" }, ...items.map((i) => i.item));
    const group = h("fieldset", { class: "actref-pick-family" }, h("legend", { text: families[family] || family }), list);
    groups.push({ group, items });
  }
  search.addEventListener("input", () => {
    const q = search.value.trim().toLowerCase();
    for (const { group, items } of groups) {
      let visible = 0;
      for (const { words, item } of items) {
        const show = !q || words.includes(q);
        item.hidden = !show;
        visible += show ? 1 : 0;
      }
      group.hidden = visible === 0;
    }
  });

  const radios = Object.keys(SHOW).map((d) => {
    const id = newId(`show-${d}`);
    const radio = h("input", { type: "radio", name: `${el.id || "explorer"}-show`, id, value: d });
    radio.addEventListener("change", () => {
      if (radio.checked) {
        state.show = Number(d);
        render(true);
      }
    });
    return { d: Number(d), radio, label: h("label", { for: id, text: ` ${SHOW_LABEL[d]()}` }) };
  });
  const showBox = h("fieldset", { class: "actref-explorer-show" }, h("legend", { text: t("Show") }), ...radios.flatMap((r) => [r.radio, r.label, " "]));
  const paramsBox = h("div", { class: "actref-explorer-params" });
  const legend = h("ul", { class: "actref-legend" });
  const output = h("output", { class: "actref-readout", "aria-live": "polite" }, help());
  const plotHost = h("div", { class: "actref-live-plot" });
  const picker = h(
    "div",
    { class: "actref-explorer-pick" },
    h("label", { for: search.id, text: t("Search activations ") }),
    search,
    h("div", { class: "actref-pick-families" }, ...groups.map((g) => g.group)),
  );
  // The plot first, so a link opens on it; what to show and the parameters under it, then the picker.
  el.append(message, plotHost, legend, toolbar(() => chart), output, showBox, paramsBox, picker);

  let chart = null;
  const curves = () =>
    state.names.flatMap((n) =>
      SHOW[state.show].map((which) => ({
        name: n,
        p: state.params[n],
        which,
        colour: colourOf(n),
        width: which === "f" ? 2.2 : 1.8,
        dash: which === "df" ? [6, 4] : undefined,
        label: `${SPECS[n].title} ${which === "f" ? "f" : "f′"}`,
      })),
    );
  const homeRange = () => {
    if (!state.names.length) return [-5, 5];
    return [Math.min(...state.names.map((n) => SPECS[n].range[0])), Math.max(...state.names.map((n) => SPECS[n].range[1]))];
  };
  const onReadout = (x) => {
    if (x === null) return;
    const items = [readoutLine("x", x)];
    const values = {};
    for (const c of curves()) {
      const v = evaluate(c.name, [x], c.p)[c.which][0];
      values[`${c.name}.${c.which}`] = v;
      items.push(readoutLine(c.label, v));
    }
    output.dataset.x = x;
    output.dataset.values = JSON.stringify(values);
    output.replaceChildren(...items);
  };

  const writeHash = () => {
    const parts = [state.names.join(",")];
    if (state.show) parts.push(`d=${state.show}`);
    for (const n of state.names) {
      for (const q of SPECS[n].params) {
        if (state.params[n][q.name] !== q.default) parts.push(`${n}.${q.name}=${state.params[n][q.name]}`);
      }
    }
    history.replaceState(history.state, "", `#${parts.join("&")}`);
  };

  const render = (structural) => {
    for (const n of state.names) if (!state.params[n]) state.params[n] = defaults(n);
    for (const [n, box] of Object.entries(boxes)) box.checked = state.names.includes(n);
    for (const r of radios) r.radio.checked = r.d === state.show;
    if (structural) {
      paramsBox.replaceChildren(
        ...state.names
          .filter((n) => SPECS[n].params.length)
          .map((n) => {
            const controls = paramControls(n, state.params[n], () => {
              chart.update();
              writeHash();
            });
            return h("fieldset", { class: "actref-explorer-param-group" }, h("legend", { text: SPECS[n].title }), controls.element);
          }),
      );
      legend.replaceChildren(
        ...state.names.map((n) =>
          h(
            "li",
            {},
            h("span", { class: "actref-swatch", style: `background:${colourOf(n)}` }),
            h("a", { href: `${pageRoot()}activations/${n}/`, text: SPECS[n].title }),
          ),
        ),
        ...(state.show !== 0 ? [h("li", { class: "actref-legend-note", text: LEGEND_NOTE[state.show]() })] : []),
      );
      if (!chart) {
        chart = new Chart(plotHost, { curves: curves(), range: homeRange(), onReadout, label: t("Explorer plot") });
      } else {
        chart.setCurves(curves(), homeRange());
      }
      chart.label = state.names.length
        ? t("Explorer plot of {titles}", { titles: state.names.map((n) => SPECS[n].title).join(t(", ")) })
        : t("Explorer plot (nothing picked)");
      chart.describe();
    } else {
      chart.update();
    }
    writeHash();
  };

  // The link's state is valid by construction (link.mjs); what it refused is listed in the message.
  const restore = (hash) => {
    const link = parseLink(hash, REGISTRY);
    state.names = link.names;
    state.show = link.show;
    state.params = link.params;
    problems(link.messages);
    render(true);
  };
  restore(window.location.hash);
  const onHash = () => restore(window.location.hash);
  window.addEventListener("hashchange", onHash);
  el.actref = { state: () => JSON.parse(JSON.stringify(state)), chart: () => chart && chart.u };
  return {
    destroy() {
      window.removeEventListener("hashchange", onHash);
      if (chart) chart.destroy();
    },
  };
}

// The site root relative to this page, from Material's config block (so links work at any depth).
function pageRoot() {
  const config = document.getElementById("__config");
  let base = ".";
  try {
    base = JSON.parse(config.textContent).base || ".";
  } catch (e) {
    base = ".";
  }
  return base.endsWith("/") ? base : `${base}/`;
}

// ------------------------------------------------------------------------------------------ start-up
let mounted = [];
function init() {
  for (const m of mounted) m.destroy();
  mounted = [];
  document.querySelectorAll(".actref-live[data-activation]").forEach((el) => {
    try {
      mounted.push(mountLive(el));
    } catch (e) {
      el.replaceChildren(h("p", { class: "actref-param-note", text: t("The live plot could not start: {problem}", { problem: e.message }) }));
    }
  });
  document.querySelectorAll(".actref-explorer").forEach((el) => {
    try {
      mounted.push(mountExplorer(el));
    } catch (e) {
      console.error(e); // a bug of ours, not of the link (link.mjs never throws): the browser tests see it
      el.replaceChildren(h("p", { class: "actref-param-note", text: t("The Explorer could not start: {problem}", { problem: e.message }) }));
    }
  });
}

window.actref = {
  names: () => NAMES.slice(),
  evaluate,
  kinks: (name, params) => {
    const { spec, p } = resolve(name, params);
    return kinksOf(spec, p);
  },
  info: (name) => {
    const spec = SPECS[lookup(name)];
    return JSON.parse(JSON.stringify({ ...spec, f: undefined, df: undefined, kinks: undefined }));
  },
  timing,
};

if (!generated) {
  console.warn("actref: assets/actref/activations.js did not load before live-plot.js; no live plots.");
} else if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(init); // Material's page observable: also fires after instant navigation
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
