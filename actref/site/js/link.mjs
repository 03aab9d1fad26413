// The Explorer's link: "#gelu,silu,mish&d=1&silu.beta=2" — the names to plot, what to show (d=0 f, d=1 f and
// f′, d=2 f′) and parameters as name.parameter=value. parseLink turns any text into a valid state and the list
// of the parts it refused, each with a sentence that names it; it never throws. No DOM here: Node's test
// runner fuzzes it (tests/js/link.test.mjs).
//
// A link is written by anyone, so none of its words becomes a key of an ordinary object: names are accepted
// only when the registry knows them (a Map), parameters only when the activation declares them, and the state
// holds them in null-prototype objects.

import { inDomain } from "./registry.mjs";

export const SHOW = new Map([
  ["0", 0],
  ["1", 1],
  ["2", 2],
]);
export const DEFAULT_PICK = ["relu", "gelu", "silu"];
// How much of a refused part a message quotes, and how many messages a link gets at most.
export const QUOTE_LENGTH = 60;
export const MAX_MESSAGES = 100;
// The kinds of refusal whose fix is a valid name: the message then lists them.
const NAMING = new Set(["name", "vector", "param-name"]);

// A part of the link as a message quotes it: percent-decoded where that is valid, and cut at QUOTE_LENGTH.
export function quote(text) {
  const s = String(text);
  const cut = s.length > QUOTE_LENGTH ? `${s.slice(0, QUOTE_LENGTH - 1)}…` : s;
  return `“${cut}”`;
}

// decodeURIComponent, or null where the text is not valid percent-encoding ("%zz", "%E0%A4%A").
export function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch (e) {
    return null;
  }
}

const readable = (raw) => {
  const decoded = decode(raw);
  return decoded === null ? raw : decoded;
};

// The number a link writes (as String(number) does: "2", "-0.5", "1e-7", "Infinity"), or null. Number() alone
// would also take "", " ", "0x10" and "1_0"-like text; a link value must look like a number.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$|^[+-]?Infinity$/i;
export function parseNumber(text) {
  const t = text.trim();
  if (!NUMBER.test(t)) return null;
  const v = Number(t.replace(/infinity$/i, "Infinity"));
  return Number.isNaN(v) ? null : v;
}

// {names, show, params, refused, messages} for the link `hash` ("#…" or without the "#"):
// - names: canonical names to plot, each once, in link order (DEFAULT_PICK for an empty link);
// - show: 0, 1 or 2;
// - params: null-prototype {name: null-prototype {parameter: value}}, every declared parameter of every picked
//   name, valid (in its domain, relations between parameters kept);
// - refused: [{part, kind, reason}] for every part of the link that was not used, `reason` naming it;
// - messages: what the page shows (unknown names in one sentence, then one per other refused part).
export function parseLink(hash, registry) {
  const text = typeof hash === "string" ? hash.replace(/^#/, "") : "";
  const state = { names: [], show: 0, params: Object.create(null), refused: [], messages: [] };
  const refuse = (part, kind, reason) => state.refused.push({ part, kind, reason });
  if (!text) {
    state.names = DEFAULT_PICK.filter((n) => registry.find(n) === n);
    for (const n of state.names) state.params[n] = registry.defaults(n);
    state.messages = [];
    return state;
  }

  const picked = new Set();
  let show = null; // {value, part}
  const settings = new Map(); // canonical name → Map(parameter → {value, part, shown})
  for (const raw of text.split("&")) {
    if (!raw.trim()) continue;
    const eq = raw.indexOf("=");
    if (eq < 0) {
      for (const item of raw.split(",")) {
        if (!item.trim()) continue;
        const name = decode(item);
        const shown = readable(item).trim();
        if (name === null) {
          refuse(shown, "encoding", `${quote(shown)} is not a valid percent-encoded name, so it is ignored.`);
          continue;
        }
        const canonical = registry.find(name);
        if (canonical !== null) picked.add(canonical);
        else if (registry.isVector(name)) {
          refuse(name.trim(), "vector", `${quote(name.trim())} is not elementwise, so it has no live plot.`);
        } else refuse(name.trim(), "name", `${quote(name.trim())} is not an activation.`);
      }
      continue;
    }
    const shown = readable(raw);
    const key = decode(raw.slice(0, eq));
    const value = decode(raw.slice(eq + 1));
    if (key === null || value === null) {
      refuse(shown, "encoding", `${quote(shown)} is not valid percent-encoding, so it is ignored.`);
      continue;
    }
    const k = key.trim();
    if (k === "d") {
      if (!SHOW.has(value.trim())) {
        refuse(shown, "value", `${quote(shown)} is not a view; use d=0 (f), d=1 (f and f′) or d=2 (f′).`);
        continue;
      }
      if (show) refuse(show.part, "overridden", `${quote(show.part)} is overridden by ${quote(shown)} later in the link.`);
      show = { value: SHOW.get(value.trim()), part: shown };
      continue;
    }
    const dot = k.indexOf(".");
    if (dot < 0) {
      refuse(shown, "setting", `${quote(shown)} is not a setting of the Explorer link; use d= or name.parameter=.`);
      continue;
    }
    const name = k.slice(0, dot);
    const key2 = k.slice(dot + 1);
    const canonical = registry.find(name);
    if (canonical === null) {
      refuse(shown, "param-name", `${quote(shown)} sets a parameter of ${quote(name.trim())}, which is not an activation with a live plot.`);
      continue;
    }
    const fixed = registry.specs[canonical].fixed;
    if (Object.prototype.hasOwnProperty.call(fixed, key2) && !registry.param(canonical, key2)) {
      if (value.trim() !== String(fixed[key2])) {
        refuse(shown, "param", `${quote(shown)}: the live plot of ${canonical} supports ${key2}=${fixed[key2]} only.`);
      }
      continue;
    }
    const q = registry.param(canonical, key2);
    if (!q) {
      const valid = registry.specs[canonical].params.map((p) => p.name);
      refuse(
        shown,
        "param",
        `${quote(shown)}: ${canonical} has no parameter ${quote(key2)}; ` +
          (valid.length ? `its parameters: ${valid.join(", ")}.` : "it has no parameters."),
      );
      continue;
    }
    const v = parseNumber(value);
    if (v === null) {
      refuse(shown, "value", `${quote(shown)}: ${quote(value)} is not a number; ${q.name} must satisfy ${q.valid}. The default is used.`);
      continue;
    }
    if (!settings.has(canonical)) settings.set(canonical, new Map());
    const given = settings.get(canonical);
    if (given.has(q.name)) {
      const earlier = given.get(q.name).part;
      refuse(earlier, "overridden", `${quote(earlier)} is overridden by ${quote(shown)} later in the link.`);
    }
    given.set(q.name, { value: v, part: shown });
  }

  state.names = [...picked];
  if (show) state.show = show.value;
  for (const n of state.names) state.params[n] = registry.defaults(n);
  for (const [n, given] of settings) {
    if (!picked.has(n)) {
      for (const { part } of given.values()) {
        refuse(part, "unpicked", `${quote(part)} sets a parameter of “${n}”, which is not picked.`);
      }
      continue;
    }
    // Each value in its domain; then all together if they keep the relations, else one by one in link order.
    const inRange = [];
    for (const [key, g] of given) {
      const q = registry.param(n, key);
      if (inDomain(g.value, q.domain)) inRange.push([key, g]);
      else refuse(g.part, "value", `${quote(g.part)}: ${n}: invalid ${key}=${g.value}; ${key} must satisfy ${q.valid}. The default is used.`);
    }
    const all = Object.assign(Object.create(null), state.params[n]);
    for (const [key, g] of inRange) all[key] = g.value;
    if (registry.brokenRelation(n, all) === null) {
      state.params[n] = all;
      continue;
    }
    for (const [key, g] of inRange) {
      const trial = Object.assign(Object.create(null), state.params[n]);
      trial[key] = g.value;
      const broken = registry.brokenRelation(n, trial);
      if (broken === null) state.params[n] = trial;
      else refuse(g.part, "value", `${quote(g.part)}: ${broken} The default is used.`);
    }
  }
  state.messages = messages(state.refused, registry);
  return state;
}

// The page's message lines for `refused`: the unknown names in one sentence, the valid names where a name was
// refused, then one line per other refused part; at most MAX_MESSAGES lines, the rest counted in the last.
export function messages(refused, registry) {
  const unknown = refused.filter((r) => r.kind === "name");
  const others = refused.filter((r) => r.kind !== "name");
  const lines = [];
  if (unknown.length) {
    const listed = unknown.slice(0, MAX_MESSAGES).map((r) => quote(r.part));
    const more = unknown.length - listed.length;
    lines.push(
      `Unknown activation${unknown.length > 1 ? "s" : ""} in the link: ${listed.join(", ")}` +
        `${more > 0 ? ` and ${more} more` : ""}.`,
    );
  }
  if (refused.some((r) => NAMING.has(r.kind))) {
    lines.push(`Valid names: ${registry.names.join(", ")} (aliases are accepted too).`);
  }
  for (const r of others) lines.push(r.reason);
  if (lines.length > MAX_MESSAGES) {
    const rest = lines.length - (MAX_MESSAGES - 1);
    lines.length = MAX_MESSAGES - 1;
    lines.push(`… and ${rest} more parts of the link were refused.`);
  }
  return lines;
}
