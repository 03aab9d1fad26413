// The Explorer's link: "#gelu,silu,mish&d=1&silu.beta=2" — the names to plot, what to show (d=0 f, d=1 f and
// f′, d=2 f′) and parameters as name.parameter=value. parseLink turns any text into a valid state and the list
// of the parts it refused, each with a sentence that names it; it never throws. No DOM here: Node's test
// runner fuzzes it (tests/js/link.test.mjs).
//
// A link is written by anyone, so none of its words becomes a key of an ordinary object: names are accepted
// only when the registry knows them (a Map), parameters only when the activation declares them, and the state
// holds them in null-prototype objects.
//
// Every sentence the page shows is a message of the catalogue (t, from i18n.mjs): English here and in Node,
// the page's language in the browser.

import { t } from "./i18n.mjs";
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

const overridden = (earlier, later) =>
  t("{part} is overridden by {later} later in the link.", { part: quote(earlier), later: quote(later) });

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
          refuse(shown, "encoding", t("{part} is not a valid percent-encoded name, so it is ignored.", { part: quote(shown) }));
          continue;
        }
        const canonical = registry.find(name);
        if (canonical !== null) picked.add(canonical);
        else if (registry.isVector(name)) {
          refuse(name.trim(), "vector", t("{part} is not elementwise, so it has no live plot.", { part: quote(name.trim()) }));
        } else refuse(name.trim(), "name", t("{part} is not an activation.", { part: quote(name.trim()) }));
      }
      continue;
    }
    const shown = readable(raw);
    const key = decode(raw.slice(0, eq));
    const value = decode(raw.slice(eq + 1));
    if (key === null || value === null) {
      refuse(shown, "encoding", t("{part} is not valid percent-encoding, so it is ignored.", { part: quote(shown) }));
      continue;
    }
    const k = key.trim();
    if (k === "d") {
      if (!SHOW.has(value.trim())) {
        refuse(shown, "value", t("{part} is not a view; use d=0 (f), d=1 (f and f′) or d=2 (f′).", { part: quote(shown) }));
        continue;
      }
      if (show) refuse(show.part, "overridden", overridden(show.part, shown));
      show = { value: SHOW.get(value.trim()), part: shown };
      continue;
    }
    const dot = k.indexOf(".");
    if (dot < 0) {
      refuse(shown, "setting", t("{part} is not a setting of the Explorer link; use d= or name.parameter=.", { part: quote(shown) }));
      continue;
    }
    const name = k.slice(0, dot);
    const key2 = k.slice(dot + 1);
    const canonical = registry.find(name);
    if (canonical === null) {
      refuse(
        shown,
        "param-name",
        t("{part} sets a parameter of {name}, which is not an activation with a live plot.", { part: quote(shown), name: quote(name.trim()) }),
      );
      continue;
    }
    const fixed = registry.specs[canonical].fixed;
    if (Object.prototype.hasOwnProperty.call(fixed, key2) && !registry.param(canonical, key2)) {
      if (value.trim() !== String(fixed[key2])) {
        refuse(
          shown,
          "param",
          t("{part}: the live plot of {name} supports {parameter}={value} only.", { part: quote(shown), name: canonical, parameter: key2, value: fixed[key2] }),
        );
      }
      continue;
    }
    const q = registry.param(canonical, key2);
    if (!q) {
      const valid = registry.specs[canonical].params.map((p) => p.name);
      const fields = { part: quote(shown), name: canonical, parameter: quote(key2), valid: valid.join(", ") };
      refuse(
        shown,
        "param",
        valid.length
          ? t("{part}: {name} has no parameter {parameter}; its parameters: {valid}.", fields)
          : t("{part}: {name} has no parameter {parameter}; it has no parameters.", fields),
      );
      continue;
    }
    const v = parseNumber(value);
    if (v === null) {
      refuse(
        shown,
        "value",
        t("{part}: {value} is not a number; {parameter} must satisfy {valid}. The default is used.", {
          part: quote(shown),
          value: quote(value),
          parameter: q.name,
          valid: q.valid,
        }),
      );
      continue;
    }
    if (!settings.has(canonical)) settings.set(canonical, new Map());
    const given = settings.get(canonical);
    if (given.has(q.name)) {
      const earlier = given.get(q.name).part;
      refuse(earlier, "overridden", overridden(earlier, shown));
    }
    given.set(q.name, { value: v, part: shown });
  }

  state.names = [...picked];
  if (show) state.show = show.value;
  for (const n of state.names) state.params[n] = registry.defaults(n);
  for (const [n, given] of settings) {
    if (!picked.has(n)) {
      for (const { part } of given.values()) {
        refuse(part, "unpicked", t("{part} sets a parameter of {name}, which is not picked.", { part: quote(part), name: quote(n) }));
      }
      continue;
    }
    // Each value in its domain; then all together if they keep the relations, else one by one in link order.
    const inRange = [];
    for (const [key, g] of given) {
      const q = registry.param(n, key);
      if (inDomain(g.value, q.domain)) inRange.push([key, g]);
      else {
        refuse(
          g.part,
          "value",
          t("{part}: {name}: invalid {parameter}={value}; {parameter} must satisfy {valid}. The default is used.", {
            part: quote(g.part),
            name: n,
            parameter: key,
            value: g.value,
            valid: q.valid,
          }),
        );
      }
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
      else refuse(g.part, "value", t("{part}: {problem} The default is used.", { part: quote(g.part), problem: broken }));
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
    const fields = { names: listed.join(t(", ")), count: unknown.length - listed.length };
    lines.push(
      fields.count > 0
        ? t("Unknown activations in the link: {names} and {count} more.", fields)
        : unknown.length > 1
          ? t("Unknown activations in the link: {names}.", fields)
          : t("Unknown activation in the link: {names}.", fields),
    );
  }
  if (refused.some((r) => NAMING.has(r.kind))) {
    lines.push(t("Valid names: {names} (aliases are accepted too).", { names: registry.names.join(", ") }));
  }
  for (const r of others) lines.push(r.reason);
  if (lines.length > MAX_MESSAGES) {
    const rest = lines.length - (MAX_MESSAGES - 1);
    lines.length = MAX_MESSAGES - 1;
    lines.push(t("… and {count} more parts of the link were refused.", { count: rest }));
  }
  return lines;
}
