// The browser's registry of activations: names, aliases and parameter checks over the generated data file
// (assets/actref/activations.js). No DOM here, so Node's test runner imports it as it is (tests/js/).
//
// Names and parameters come from links and from callers of window.actref, so nothing they give is used as a
// key of an ordinary object: the specs sit in a null-prototype object, the aliases in a Map, and a caller's
// params object is read through its own keys only. "__proto__", "constructor" and the like are unknown names
// here, never a path to Object.prototype.
//
// Its errors are shown on the page (a slider's note), so they are messages of the catalogue (t, i18n.mjs).

import { t } from "./i18n.mjs";

// Names are matched as actref.registry normalises them: case, spaces and hyphens do not matter.
export const normalise = (name) => String(name).trim().toLowerCase().replace(/[- ]/g, "_");

export const RELATIONS = new Map([
  ["<=", (a, b) => a <= b],
  ["<", (a, b) => a < b],
]);
export const RELATION_TEXT = new Map([
  ["<=", "≤"],
  ["<", "<"],
]);

// Whether v is a number the domain {low, high, lowClosed, highClosed, excluded} accepts.
export function inDomain(v, d) {
  if (typeof v !== "number" || Number.isNaN(v) || d.excluded.includes(v)) return false;
  const low = d.low === null ? -Infinity : d.low;
  const high = d.high === null ? Infinity : d.high;
  const above = d.lowClosed ? v >= low : v > low;
  const below = d.highClosed ? v <= high : v < high;
  return above && below;
}

// The registry over `activations` (name → spec with title, aliases, params, fixed, relations, f, df, kinks)
// and `meta` (its `vector` list names the activations that have no live plot).
export function makeRegistry(activations, meta = {}) {
  const specs = Object.create(null);
  for (const name of Object.keys(activations || {})) specs[name] = activations[name];
  const names = Object.freeze(Object.keys(specs).sort());
  const vector = new Set(Array.isArray(meta.vector) ? meta.vector : []);
  const aliases = new Map();
  for (const name of names) {
    aliases.set(name, name);
    for (const alias of specs[name].aliases || []) aliases.set(normalise(alias), name);
  }

  // The canonical name of `name` (an alias or any spelling of it), or null.
  const find = (name) => (typeof name === "string" ? (aliases.get(normalise(name)) ?? null) : null);

  const isVector = (name) => typeof name === "string" && vector.has(normalise(name));

  // Why `name` has no live plot, in one sentence naming the valid choices (for a name find() refuses).
  const whyUnknown = (name) => {
    const key = typeof name === "string" ? normalise(name) : "";
    if (vector.has(key)) {
      return t("{name} is not elementwise, so it has no live plot. Elementwise activations: {names}.", { name: key, names: names.join(", ") });
    }
    return t("unknown activation {name}. Valid names: {names} (aliases are accepted too).", {
      name: JSON.stringify(String(name)),
      names: names.join(", "),
    });
  };

  const lookup = (name) => {
    if (typeof name !== "string") {
      throw new TypeError(`actref: ${t("an activation name must be a string, got {type}.", { type: typeof name })}`);
    }
    const canonical = find(name);
    if (canonical === null) throw new Error(`actref: ${whyUnknown(name)}`);
    return canonical;
  };

  // The declared parameter `key` of the activation `canonical` ({name, default, domain, valid, …}), or null.
  const param = (canonical, key) => specs[canonical].params.find((q) => q.name === key) || null;

  // Every name a params object may use for `canonical`: its numeric parameters, then its fixed ones.
  const known = (canonical) => [...specs[canonical].params.map((q) => q.name), ...Object.keys(specs[canonical].fixed)];

  const defaults = (canonical) => {
    const p = Object.create(null);
    for (const q of specs[canonical].params) p[q.name] = q.default;
    return p;
  };

  // The first relation between parameters that `p` breaks, as a sentence, or null.
  const brokenRelation = (canonical, p) => {
    for (const [a, op, b] of specs[canonical].relations) {
      if (!RELATIONS.get(op)(p[a], p[b])) {
        return t("{name}: {a}={a_value} and {b}={b_value} are invalid; {a} must be {relation} {b}.", {
          name: canonical,
          a,
          a_value: p[a],
          b,
          b_value: p[b],
          relation: RELATION_TEXT.get(op),
        });
      }
    }
    return null;
  };

  // {name, spec, p}: the canonical name and the full parameters (defaults under `params`), or an Error naming
  // what is wrong. `params` is null, undefined, a plain object or a Map; only its own keys count.
  const resolve = (name, params) => {
    const canonical = lookup(name);
    const spec = specs[canonical];
    let given;
    if (params == null) given = new Map();
    else if (params instanceof Map) given = new Map(params);
    else if (typeof params === "object" && !Array.isArray(params)) {
      given = new Map(Object.keys(params).map((k) => [k, params[k]]));
    } else {
      const type = Array.isArray(params) ? t("an array") : typeof params;
      throw new TypeError(`actref: ${t("params must be an object such as {alpha: 1}, got {type}.", { type })}`);
    }
    const valid = known(canonical);
    const unknown = [...given.keys()].filter((k) => !valid.includes(k));
    if (unknown.length) {
      const fields = { name: canonical, unknown: unknown.map(String).join(", "), valid: valid.join(", ") || t("none") };
      throw new Error(`actref: ${t("{name}() got unknown parameter(s) {unknown}; valid: {valid}.", fields)}`);
    }
    const p = Object.create(null);
    for (const q of spec.params) {
      const v = given.has(q.name) ? given.get(q.name) : q.default;
      if (!inDomain(v, q.domain)) {
        const fields = { name: canonical, parameter: q.name, value: String(v), valid: q.valid };
        throw new Error(`actref: ${t("{name}: invalid {parameter}={value}; {parameter} must satisfy {valid}.", fields)}`);
      }
      p[q.name] = v;
    }
    for (const k of Object.keys(spec.fixed)) {
      if (given.has(k) && given.get(k) !== spec.fixed[k]) {
        const fields = { name: canonical, parameter: k, value: String(given.get(k)), fixed: spec.fixed[k] };
        throw new Error(
          `actref: ${t("{name}: {parameter}={value} cannot be plotted; the live plot supports {parameter}={fixed} only.", fields)}`,
        );
      }
    }
    const broken = brokenRelation(canonical, p);
    if (broken) throw new Error(`actref: ${broken}`);
    return { name: canonical, spec, p };
  };

  return { specs, names, find, isVector, whyUnknown, lookup, param, known, defaults, brokenRelation, resolve };
}
