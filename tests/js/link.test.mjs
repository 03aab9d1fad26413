// The Explorer's link parser (actref/site/js/link.mjs) and the registry checks behind window.actref.evaluate
// (registry.mjs), in Node's test runner over the real generated registry, with fast-check generating links:
// random text, links built from the grammar out of valid and hostile words, and valid links mutated. For every
// link: parseLink does not throw, Object.prototype and the other built-in prototypes are unchanged, the state
// is valid (registered names, declared parameters within their domains and relations), and every part of the
// link that the state does not use is named in the message.
//
// Run: node --test tests/js/ (tests/site/test_explorer_link.py runs it under pytest). ACTREF_FUZZ_RUNS scales
// the number of links; fast-check prints the seed and path of a failure, to replay with ACTREF_FUZZ_SEED.

import assert from "node:assert/strict";
import { after, describe, test } from "node:test";

import fc from "fast-check";

import { DEFAULT_PICK, MAX_MESSAGES, parseLink, quote } from "../../actref/site/js/link.mjs";
import { makeRegistry } from "../../actref/site/js/registry.mjs";
import { loadGenerated } from "./registry-data.mjs";

const GENERATED = loadGenerated();
const REGISTRY = makeRegistry(GENERATED.activations, GENERATED.meta);
const SPECS = GENERATED.activations;
const NAMES = Object.keys(SPECS).sort();
const VECTOR = GENERATED.meta.vector;
const RUNS = Math.max(1, Number(process.env.ACTREF_FUZZ_RUNS || 1));
const SEED = process.env.ACTREF_FUZZ_SEED === undefined ? undefined : Number(process.env.ACTREF_FUZZ_SEED);
const fuzzed = { links: 0, calls: 0 };
// Shrinking a failure made of 20,000-character words can take minutes: stop it after this, and report the
// smallest counterexample found so far (a run without a failure takes well under a second).
const OPTIONS = { seed: SEED, interruptAfterTimeLimit: 20000, markInterruptAsFailure: true };

// ------------------------------------------------------------------------------------------ the oracle
// Written again here, not imported, so that the test does not share a mistake with the code.
const norm = (s) => s.trim().toLowerCase().replace(/[- ]/g, "_");
const ALIAS = new Map();
for (const n of NAMES) {
  ALIAS.set(n, n);
  for (const a of SPECS[n].aliases) ALIAS.set(norm(a), n);
}
const canonicalOf = (s) => (s === null ? null : (ALIAS.get(norm(s)) ?? null));
const safeDecode = (s) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
};
function domainHas(d, v) {
  if (typeof v !== "number" || Number.isNaN(v) || d.excluded.includes(v)) return false;
  const low = d.low ?? -Infinity;
  const high = d.high ?? Infinity;
  return (d.lowClosed ? v >= low : v > low) && (d.highClosed ? v <= high : v < high);
}
const holds = ([a, op, b], p) => (op === "<=" ? p[a] <= p[b] : op === "<" ? p[a] < p[b] : false);

const PROTOTYPES = {
  Object: Object.prototype,
  Array: Array.prototype,
  Function: Function.prototype,
  String: String.prototype,
  Number: Number.prototype,
  Map: Map.prototype,
  Set: Set.prototype,
};
// Every own property of the built-in prototypes, with its value or accessors, and Object.prototype's own
// prototype: what a polluting link would change.
function snapshot() {
  const out = new Map();
  for (const [label, proto] of Object.entries(PROTOTYPES)) {
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key);
      out.set(`${label}.${String(key)}`, [d.value, d.get, d.set, d.writable, d.enumerable, d.configurable]);
    }
  }
  out.set("Object.prototype's prototype", [Object.getPrototypeOf(Object.prototype)]);
  return out;
}
function assertPrototypesUnchanged(before, what) {
  const now = snapshot();
  const changed = [...new Set([...before.keys(), ...now.keys()])].filter((k) => {
    const a = before.get(k);
    const b = now.get(k);
    return !a || !b || a.some((v, i) => !Object.is(v, b[i]));
  });
  assert.deepEqual(changed, [], `${what} changed built-in prototypes: ${changed.join(", ")}`);
  assert.equal({}.polluted, undefined);
}
const BEFORE = snapshot();

function assertValidState(state, link) {
  const where = `link ${JSON.stringify(link.slice(0, 300))}`;
  assert.ok(Array.isArray(state.names), where);
  assert.equal(new Set(state.names).size, state.names.length, `${where}: a name twice`);
  for (const n of state.names) assert.ok(Object.hasOwn(SPECS, n), `${where}: ${n} is not registered`);
  assert.ok([0, 1, 2].includes(state.show), `${where}: show=${state.show}`);
  assert.equal(Object.getPrototypeOf(state.params), null, `${where}: params has a prototype`);
  assert.deepEqual(Object.keys(state.params).sort(), [...state.names].sort(), where);
  for (const n of state.names) {
    const p = state.params[n];
    assert.equal(Object.getPrototypeOf(p), null, `${where}: params of ${n} have a prototype`);
    assert.deepEqual(Object.keys(p).sort(), SPECS[n].params.map((q) => q.name).sort(), `${where}: ${n}`);
    for (const q of SPECS[n].params) {
      assert.ok(domainHas(q.domain, p[q.name]), `${where}: ${n}.${q.name}=${p[q.name]} (${q.valid})`);
    }
    for (const r of SPECS[n].relations) assert.ok(holds(r, p), `${where}: ${n} breaks ${r.join(" ")}`);
  }
  assert.ok(Array.isArray(state.messages) && state.messages.every((m) => typeof m === "string"), where);
  assert.ok(state.messages.length <= MAX_MESSAGES, where);
}

// Whether the part "key=value" shows in the state: the view it sets, or the parameter value it sets.
function applied(key, value, state) {
  const k = key.trim();
  const v = value.trim();
  if (k === "d") return ["0", "1", "2"].includes(v) && state.show === Number(v);
  const dot = k.indexOf(".");
  if (dot < 0) return false;
  const n = canonicalOf(k.slice(0, dot));
  const param = k.slice(dot + 1);
  if (n === null || !state.names.includes(n)) return false;
  if (Object.hasOwn(SPECS[n].fixed, param)) return v === String(SPECS[n].fixed[param]);
  return SPECS[n].params.some((q) => q.name === param) && v !== "" && state.params[n][param] === Number(v);
}

// Every non-empty part of the link is used by the state or named (quoted) in the message.
function assertEveryRefusedPartIsNamed(link, state) {
  const text = link.replace(/^#/, "");
  const message = state.messages.join("\n");
  const where = `link ${JSON.stringify(link.slice(0, 300))}, message ${JSON.stringify(message.slice(0, 2000))}`;
  if (!text) {
    assert.deepEqual(state.names, DEFAULT_PICK, where);
    assert.deepEqual(state.messages, [], where);
    return;
  }
  for (const raw of text.split("&")) {
    if (!raw.trim()) continue;
    const eq = raw.indexOf("=");
    if (eq < 0) {
      for (const item of raw.split(",")) {
        if (!item.trim()) continue;
        const decoded = safeDecode(item);
        const n = canonicalOf(decoded);
        if (n !== null) assert.ok(state.names.includes(n), `${where}: ${n} is not picked`);
        else assert.ok(message.includes(quote((decoded ?? item).trim())), `${where}: ${item} is not named`);
      }
      continue;
    }
    const key = safeDecode(raw.slice(0, eq));
    const value = safeDecode(raw.slice(eq + 1));
    if (key !== null && value !== null && applied(key, value, state)) continue;
    assert.ok(message.includes(quote(safeDecode(raw) ?? raw)), `${where}: ${raw.slice(0, 200)} is not named`);
  }
  // No name is picked that the link does not name.
  for (const n of state.names) {
    const named = text
      .split("&")
      .filter((raw) => !raw.includes("="))
      .flatMap((raw) => raw.split(","))
      .some((item) => canonicalOf(safeDecode(item)) === n);
    assert.ok(named, `${where}: ${n} is picked but not in the link`);
  }
}

function checkLink(link) {
  fuzzed.links += 1;
  let state;
  try {
    state = parseLink(link, REGISTRY);
  } catch (e) {
    assert.fail(`parseLink threw on ${JSON.stringify(link.slice(0, 300))}: ${e.stack}`);
  }
  assertPrototypesUnchanged(BEFORE, `the link ${JSON.stringify(link.slice(0, 200))}`);
  assertValidState(state, link);
  assertEveryRefusedPartIsNamed(link, state);
}

// ------------------------------------------------------------------------------------------ the words
const HOSTILE = [
  "__proto__",
  "constructor",
  "prototype",
  "__proto__.polluted",
  "constructor.prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "__defineGetter__",
  "__lookupSetter__",
  "then",
  "length",
  "polluted",
];
const HTML = [
  '<img src=x onerror="window.__xss=1">',
  "<script>window.__xss=1</script>",
  "<b>bold</b>",
  "\"'><svg onload=alert(1)>",
  "</p><p>",
  "&lt;&amp;",
  "javascript:alert(1)",
];
const BAD_PERCENT = ["%", "%%", "%zz", "%E0%A4%A", "%C0%AF", "%ED%A0%80", "%00", "%uD800", "%2", "%FF%FE"];
const ALIASES = NAMES.flatMap((n) => SPECS[n].aliases);
const PARAMS = [...new Set(NAMES.flatMap((n) => [...SPECS[n].params.map((q) => q.name), ...Object.keys(SPECS[n].fixed)]))];
const WITH_PARAMS = NAMES.filter((n) => SPECS[n].params.length);

const long = fc.oneof(
  fc.integer({ min: 61, max: 20000 }).map((k) => "a".repeat(k)),
  fc.tuple(fc.constantFrom(...NAMES), fc.integer({ min: 2, max: 2000 })).map(([n, k]) => n.repeat(k)),
  fc.string({ minLength: 100, maxLength: 3000 }),
);
// Case, spacing and hyphens the registry forgives.
const respelt = fc
  .tuple(fc.constantFrom(...NAMES, ...ALIASES), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([n, upper, hyphen, pad]) => {
    let s = upper ? n.toUpperCase() : n;
    if (hyphen) s = s.replace(/_/g, "-");
    return pad ? ` ${s} ` : s;
  });
const encodeSafely = (s) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return s; // a lone surrogate: left as it is
  }
};
// A word as a link may carry it: plain, percent-encoded (once or twice), or with broken percent-encoding.
const carried = (word) =>
  fc
    .tuple(word, fc.constantFrom("plain", "plain", "encoded", "twice", "broken"), fc.constantFrom(...BAD_PERCENT))
    .map(([w, how, bad]) =>
      how === "encoded" ? encodeSafely(w) : how === "twice" ? encodeSafely(encodeSafely(w)) : how === "broken" ? w + bad : w,
    );
const noise = fc.string({ unit: fc.constantFrom(..."relu.&=,%#_-0123456789abcdefE<>\"' \u2028"), maxLength: 40 });
const nameWord = carried(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NAMES) },
    { weight: 2, arbitrary: respelt },
    { weight: 1, arbitrary: fc.constantFrom(...VECTOR) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: fc.constantFrom(...HTML) },
    { weight: 1, arbitrary: long },
    { weight: 1, arbitrary: noise },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  ),
);
const paramWord = carried(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...PARAMS) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: fc.constantFrom(...HTML) },
    { weight: 1, arbitrary: long },
    { weight: 1, arbitrary: noise },
  ),
);
const numberText = fc.oneof(
  fc.double().map(String),
  fc.double({ min: -10, max: 10, noNaN: true }).map((v) => String(Number(v.toPrecision(3)))),
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.constantFrom("0", "-0", "1", "0.5", "-1", "2", "1e-7", "1e300", "Infinity", "-Infinity", "NaN", "1e999"),
  fc.constantFrom("", " ", "0x10", "1_0", "1e", ".5", "5.", "+3", "1.2.3", "١", "false", "true", "null"),
);
const valueWord = carried(
  fc.oneof(
    { weight: 6, arbitrary: numberText },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: fc.constantFrom(...HTML) },
    { weight: 1, arbitrary: long },
    { weight: 1, arbitrary: noise },
  ),
);
const part = fc.oneof(
  { weight: 4, arbitrary: fc.array(nameWord, { minLength: 1, maxLength: 4 }).map((a) => a.join(",")) },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom("0", "1", "2"), valueWord).map((v) => `d=${v}`) },
  {
    weight: 5,
    arbitrary: fc.tuple(nameWord, paramWord, valueWord).map(([n, k, v]) => `${n}.${k}=${v}`),
  },
  { weight: 1, arbitrary: fc.tuple(paramWord, valueWord).map(([k, v]) => `${k}=${v}`) },
  { weight: 1, arbitrary: noise },
);
const hashed = (a) => fc.tuple(a, fc.boolean()).map(([s, h]) => (h ? `#${s}` : s));

// A valid link: registered names, a view, and parameter values inside their sliders' spans.
const validParts = fc
  .tuple(
    fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 5 }),
    fc.constantFrom(0, 1, 2),
    fc.array(
      fc.tuple(fc.constantFrom(...WITH_PARAMS), fc.nat(), fc.double({ min: 0, max: 1, noNaN: true })),
      { maxLength: 4 },
    ),
  )
  .map(([names, d, settings]) => {
    const parts = [names.join(",")];
    if (d) parts.push(`d=${d}`);
    for (const [n, i, t] of settings) {
      const q = SPECS[n].params[i % SPECS[n].params.length];
      const v = Number((q.slider.min + t * (q.slider.max - q.slider.min)).toPrecision(4));
      if (!names.includes(n)) names.push(n);
      parts.push(`${n}.${q.name}=${v}`);
    }
    parts[0] = names.join(",");
    return parts;
  });
// One change to a valid link's parts.
const mutation = fc.oneof(
  fc.tuple(fc.constant("insert"), fc.nat(), part),
  fc.tuple(fc.constant("replace"), fc.nat(), part),
  fc.tuple(fc.constant("encode"), fc.nat(), fc.constant(null)),
  fc.tuple(fc.constant("duplicate"), fc.nat(), fc.constant(null)),
  fc.tuple(fc.constant("splice"), fc.nat(), fc.oneof(noise, fc.constantFrom(...HOSTILE, ...HTML, ...BAD_PERCENT))),
  fc.tuple(fc.constant("cut"), fc.nat(), fc.constant(null)),
  fc.tuple(fc.constant("value"), fc.nat(), valueWord),
);
function mutate(parts, [kind, at, arg]) {
  const out = parts.slice();
  const i = out.length ? at % out.length : 0;
  if (kind === "insert") out.splice(at % (out.length + 1), 0, arg);
  else if (kind === "replace") out[i] = arg;
  else if (kind === "encode") out[i] = encodeSafely(out[i] || "");
  else if (kind === "duplicate") out.splice(i, 0, out[i] || "");
  else if (kind === "splice") {
    const s = out[i] || "";
    const j = at % (s.length + 1);
    out[i] = s.slice(0, j) + arg + s.slice(j);
  } else if (kind === "cut") out[i] = (out[i] || "").slice(0, at % ((out[i] || "").length + 1));
  else if (kind === "value" && (out[i] || "").includes("=")) out[i] = `${out[i].slice(0, out[i].indexOf("="))}=${arg}`;
  return out;
}
const mutated = fc
  .tuple(validParts, fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([parts, changes]) => changes.reduce(mutate, parts).join("&"));

const LINKS = {
  "random text": hashed(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), noise, fc.string({ maxLength: 200 }))),
  "links from the grammar, with hostile, HTML, long and percent-encoded words": hashed(
    fc.array(part, { maxLength: 12 }).map((a) => a.join("&")),
  ),
  "valid links, mutated": hashed(mutated),
};
const RUNS_PER_KIND = { "random text": 1000, "links from the grammar, with hostile, HTML, long and percent-encoded words": 2000, "valid links, mutated": 2000 };

// ------------------------------------------------------------------------------------------ the tests
describe("the Explorer link", () => {
  test("the issue's link leaves Object.prototype alone and names what it refuses", () => {
    const link = "#__proto__,constructor&__proto__.polluted=1";
    const state = parseLink(link, REGISTRY);
    assertPrototypesUnchanged(BEFORE, link);
    assert.deepEqual(state.names, []);
    const message = state.messages.join("\n");
    for (const part of ["__proto__", "constructor", "__proto__.polluted=1"]) assert.ok(message.includes(quote(part)), part);
    assert.ok(message.includes("relu"), "the message lists the valid names");
    checkLink(link);
  });

  test("a valid link is read back whole, with nothing refused", () => {
    const state = parseLink("#gelu,silu,mish&d=1&silu.beta=2", REGISTRY);
    assert.deepEqual(state.names, ["gelu", "silu", "mish"]);
    assert.equal(state.show, 1);
    assert.equal(state.params.silu.beta, 2);
    assert.deepEqual(state.messages, []);
    assert.deepEqual(parseLink("#Swish,%20GELU%20&swish.beta=Infinity", REGISTRY).params.silu.beta, Infinity);
  });

  test("an empty link picks the default activations", () => {
    for (const link of ["", "#"]) assert.deepEqual(parseLink(link, REGISTRY).names, DEFAULT_PICK);
  });

  for (const [link, part] of [
    ["#relu&d=constructor", "d=constructor"], // `value in SHOW` took inherited keys: show became NaN
    ["#relu&d=toString", "d=toString"],
    ["#relu,%E0%A4%A", "%E0%A4%A"], // decodeURIComponent threw URIError: the Explorer did not start
    ["#relu&relu.x=%zz", "relu.x=%zz"],
    ["#relu&relu.__proto__=1", "relu.__proto__=1"], // was silently dropped
    ["#silu&silu.beta=", "silu.beta="], // Number("") is 0: was taken as β = 0
    ["#silu&silu.beta=0x10", "silu.beta=0x10"],
    ["#silu&silu.beta.x=2", "silu.beta.x=2"],
    ["#rrelu&rrelu.lower=0.5", "rrelu.lower=0.5"], // lower > the default upper
    ["#rrelu&rrelu.training=true", "rrelu.training=true"],
    ["#softmax", "softmax"],
    ["#relu&gelu.approximate=1", "gelu.approximate=1"],
    [`#relu,${"x".repeat(100000)}`, "x".repeat(100000)],
  ]) {
    test(`${JSON.stringify(link.slice(0, 40))} is refused by name`, () => {
      const state = parseLink(link, REGISTRY);
      assert.ok(state.messages.join("\n").includes(quote(part)), state.messages.join("\n"));
      checkLink(link);
    });
  }

  test("parameters that keep their relation only together are taken together", () => {
    const state = parseLink("#rrelu&rrelu.lower=0.4&rrelu.upper=0.5", REGISTRY);
    assert.equal(state.params.rrelu.lower, 0.4);
    assert.equal(state.params.rrelu.upper, 0.5);
    assert.deepEqual(state.messages, []);
  });

  test("HTML in a link stays text in the message", () => {
    const state = parseLink("#<img src=x onerror=alert(1)>", REGISTRY);
    assert.ok(state.messages.join("\n").includes("<img src"));
  });

  test("a quoted part keeps its first characters and is cut at a readable length", () => {
    assert.equal(quote("relu"), "“relu”");
    const long = "ab".repeat(100);
    assert.ok(quote(long).startsWith(`“${long.slice(0, 50)}`) && quote(long).length < 70);
  });

  test("a link with more refused parts than the message holds says how many more", () => {
    const link = Array.from({ length: 300 }, (_, i) => `d=x${i}`).join("&");
    const state = parseLink(link, REGISTRY);
    assert.equal(state.messages.length, MAX_MESSAGES);
    assert.match(state.messages.at(-1), /and 201 more parts of the link were refused/);
  });

  for (const [kind, arbitrary] of Object.entries(LINKS)) {
    test(`fuzz: ${kind}`, () => {
      fc.assert(
        fc.property(arbitrary, (link) => checkLink(link)),
        { ...OPTIONS, numRuns: RUNS_PER_KIND[kind] * RUNS },
      );
    });
  }
});

// ------------------------------------------------------------------------------------------ evaluate's checks
describe("window.actref.evaluate's checks (registry.resolve)", () => {
  const fails = (fn) => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    return null;
  };

  for (const name of ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"]) {
    test(`${name} is an unknown name, with the valid ones listed`, () => {
      const error = fails(() => REGISTRY.resolve(name, {}));
      assert.ok(error instanceof Error && error.message.startsWith("actref: unknown activation"), String(error));
      assert.ok(error.message.includes("relu"));
      assertPrototypesUnchanged(BEFORE, name);
    });
  }

  test("a params object's own __proto__ key is an unknown parameter; inherited keys are never read", () => {
    const error = fails(() => REGISTRY.resolve("elu", JSON.parse('{"__proto__": {"polluted": 1}}')));
    assert.ok(error && error.message.includes("__proto__") && error.message.includes("alpha"), String(error));
    const inherited = Object.create({ alpha: 0.5 });
    assert.equal(REGISTRY.resolve("elu", inherited).p.alpha, SPECS.elu.params[0].default);
    assert.equal(REGISTRY.resolve("elu", new Map([["alpha", 0.5]])).p.alpha, 0.5);
    assert.ok(fails(() => REGISTRY.resolve("elu", [1])) instanceof TypeError);
    assert.ok(fails(() => REGISTRY.resolve("elu", "alpha=1")) instanceof TypeError);
    assertPrototypesUnchanged(BEFORE, "params with __proto__");
  });

  test("fuzz: resolve returns valid parameters or throws an Error that starts with actref:", () => {
    const key = fc.oneof(fc.constantFrom(...PARAMS, ...HOSTILE), fc.string({ maxLength: 10 }));
    const value = fc.oneof(fc.double(), fc.constantFrom(null, undefined, "1", true, {}, []), fc.integer());
    const params = fc.oneof(
      fc.constantFrom(null, undefined),
      fc.array(fc.tuple(key, value), { maxLength: 4 }).map((kv) => {
        const o = {};
        for (const [k, v] of kv) Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true, writable: true });
        return o;
      }),
      fc.json().map((j) => JSON.parse(j)),
    );
    const name = fc.oneof(fc.constantFrom(...NAMES, ...VECTOR, ...HOSTILE, ...HTML), respelt, fc.string({ maxLength: 10 }));
    fc.assert(
      fc.property(name, params, (n, p) => {
        fuzzed.calls += 1;
        let out;
        try {
          out = REGISTRY.resolve(n, p);
        } catch (e) {
          assert.ok(e instanceof Error && e.message.startsWith("actref: "), `${String(n)}: ${e.stack}`);
          assertPrototypesUnchanged(BEFORE, `resolve(${JSON.stringify(n)})`);
          return;
        }
        assertPrototypesUnchanged(BEFORE, `resolve(${JSON.stringify(n)})`);
        assert.ok(Object.hasOwn(SPECS, out.name));
        for (const q of SPECS[out.name].params) assert.ok(domainHas(q.domain, out.p[q.name]));
        for (const r of SPECS[out.name].relations) assert.ok(holds(r, out.p));
      }),
      { ...OPTIONS, numRuns: 1000 * RUNS },
    );
  });
});

after(() => {
  // tests/site/test_explorer_link.py reads this line and checks the count.
  console.log(`actref-fuzz: ${fuzzed.links} links, ${fuzzed.calls} resolve calls`);
});
