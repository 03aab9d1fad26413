"""Running a library's call and comparing it with actref's float64 value, and the verdicts.

The grid: the activation's extended plot range (its plot range widened by half its width on each side, 121
points), 0, its kinks, the tails ±(1e-30, 1e-10, 0.5, 5, 20, 25, 30, 40, 100) and the extremes ±1e4; then +inf, −inf
and nan. Vector activations get 28 rows of 8 (seeded normal·3, one row of extremes, one of ties) and one row
each with +inf, −inf, nan.

For each call, at the library's defaults and at its one non-default setting:
- the forward: max abs, max rel and max "error" (|a − b| / max(|b|, 1)) against actref over the finite
  points where both are finite, excluding kinks; and the strict max in ulps, |a − b| / max(ε|b|, ε|x·f′(x)|,
  tiny) (the second term is the error rounding x itself would cause: it keeps roots of f meaningful), which
  also counts a tail that underflows to 0 (F.gelu(−20) = 0, true −5.5e-88) as wrong;
- the derivative by the library's autodiff against actref's analytic derivative (a vector-Jacobian product
  with a seeded cotangent for vector activations, against torch autograd of actref's forward);
- the special values: f(±inf), f(nan), and f and f′ at each kink, against actref's (PyTorch's conventions).

Verdict, from the numbers alone (`verdict`):
- "same": max error ≤ SAME_ULPS·ε, i.e. within 16 ulps of max(|f|, 1) at every finite point, and no point
  finite in one and not in the other;
- "different default": not the same at the library's defaults, the same or an approximation at the setting
  that passes actref's defaults explicitly (the setting's parameters are the ones named);
- "approximation": max error ≤ APPROX_ERR;
- "different definition": anything else.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from actref import catalog, version
from actref.frameworks import libraries
from actref.frameworks.calls import Call, Eval, FromSpec, Setting
from actref.frameworks.demos import DEMOS
from actref.provenance import cpu_model, git_commit
from actref.registry import Activation

SAME_ULPS = 16.0  # "within a few ulp" (of max(|f|, 1)): the test suite's own tolerance for actref's forwards
EPS64 = float(np.finfo(np.float64).eps)
APPROX_ERR = 1e-2  # |a − b| / max(|b|, 1) at most this: an approximation; more: a different definition
TAILS = (1e-30, 1e-10, 0.5, 5.0, 20.0, 25.0, 30.0, 40.0, 100.0)  # 25, 30: past F.softplus's threshold
EXTREMES = (1e4, -1e4)
SPECIALS = (math.inf, -math.inf, math.nan)
VECTOR_SHAPE = (28, 8)
IGNORED_PARAMETERS = {
    "inplace",
    "name",
    "_stacklevel",
    "device",
    "parent",
    "where",
    "kwargs",
    "self",
}
REPO = Path(__file__).resolve().parents[2]
VERDICTS = ("same", "different default", "approximation", "different definition")


# ---------------------------------------------------------------------------------------------- grids
def kink_points(spec: Activation, params: dict) -> list[float]:
    subs = spec.substitutions(**params)
    out = []
    for kink in spec.kinks:
        try:
            out.append(float(kink.at.subs(subs)) if hasattr(kink.at, "subs") else float(kink.at))
        except (TypeError, ValueError):
            continue
    return sorted(set(out))


def grid(spec: Activation, params: dict) -> np.ndarray:
    """The finite points (sorted, unique), kinks included."""
    a, b = spec.plot_range
    w = b - a
    lo, hi = a - w / 2, b + w / 2
    pts = {lo + (hi - lo) * i / 120 for i in range(121)}
    pts.update({0.0, *TAILS, *(-t for t in TAILS), *EXTREMES, *kink_points(spec, params)})
    return np.array(sorted(pts), dtype=np.float64)


def vector_grid() -> np.ndarray:
    rng = np.random.default_rng(0)
    x = rng.normal(size=VECTOR_SHAPE) * 3.0
    x[0] = [1e4, -1e4, 0.0, 1.0, 5.0, -5.0, 20.0, -20.0]
    x[1] = 0.5
    return x


def vector_specials() -> np.ndarray:
    rows = np.tile(np.array([[0.0, 1.0, -1.0, 2.0, 0.5, -3.0, 0.0, 1.0]]), (3, 1))
    rows[:, 0] = SPECIALS
    return rows


# ---------------------------------------------------------------------------------------------- actref
def ref_values(spec: Activation, x: np.ndarray, params: dict, cotangent: np.ndarray | None):
    """actref's forward (float64) and its derivative: analytic elementwise, autograd VJP for vectors."""
    xt = torch.tensor(x, dtype=torch.float64)
    if spec.elementwise:
        with torch.no_grad():
            return spec(xt, **params).numpy(), spec.derivative(xt, **params).numpy()
    xt.requires_grad_(True)
    y = spec(xt, **params)
    if cotangent is None:
        return y.detach().numpy(), None
    (g,) = torch.autograd.grad(y, xt, torch.tensor(cotangent, dtype=torch.float64))
    return y.detach().numpy(), g.numpy()


# ---------------------------------------------------------------------------------------------- the call
def resolve(path: str) -> Any:
    """`a.b.c` → the object: the longest importable module prefix, then attributes."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(path)


def _value(v: Any, spec: Activation) -> Any:
    if isinstance(v, Eval):
        top = v.code.split(".")[0]
        return eval(v.code, {top: importlib.import_module(top)})  # our own data, never input
    if isinstance(v, FromSpec):
        return spec.defaults[v.param]
    return v


def shown_value(v: Any, spec: Activation) -> str:
    if isinstance(v, Eval):
        return v.code
    if isinstance(v, FromSpec):
        return repr(spec.defaults[v.param])
    return repr(v)


def build(call: Call, spec: Activation, kwargs: dict, x_example: np.ndarray) -> Callable[[Any], Any]:
    """The call as a function of one array, with `kwargs` merged over the call's own arguments."""
    lib = libraries.LIBRARIES[call.library]
    libraries.load(call.library)
    kw = {k: _value(v, spec) for k, v in {**call.kwargs, **kwargs}.items()}
    obj = resolve(call.path)
    if call.kind == "function":
        return lambda x: obj(x, **kw)
    if call.kind == "factory":
        made = obj(call.arg)
        if inspect.isclass(made):
            return _module(made(**kw), lib.family)
        return lambda x: made(x, **kw)
    if call.kind == "module":
        return _module(obj(**kw), lib.family)
    if call.kind == "item":
        item = obj[call.arg]
        if kw:
            preset = _item_preset(obj, call.arg)
            item = type(item)(**{**preset, **kw})
        return _module(item, lib.family)
    if call.kind == "keras_layer":
        layer = obj(dtype="float64", **kw)
        layer.build(x_example.shape)
        return lambda x: layer(x)
    if call.kind == "flax_module":
        import jax

        module = obj(**kw)
        params = module.init(jax.random.PRNGKey(0), libraries.to_library("jax", x_example))
        return lambda x: module.apply(params, x)
    raise ValueError(f"unknown kind {call.kind!r}")


def _item_preset(mapping: Any, key: str) -> dict:
    """transformers' ACT2CLS entries may carry preset arguments: (cls, {"min": -10, "max": 10})."""
    import transformers.activations as ta

    entry = ta.ACT2CLS.get(key)
    return dict(entry[1]) if isinstance(entry, tuple) else {}


def _module(module: Any, family: str) -> Callable[[Any], Any]:
    if family == "torch" and isinstance(module, torch.nn.Module):
        module = module.double()
    return lambda x: module(x)


def target_object(call: Call) -> Any:
    """What the call's code names: the function, the class, or the item (for identity checks)."""
    libraries.load(call.library)
    obj = resolve(call.path)
    if call.kind == "factory":
        return obj(call.arg)
    if call.kind == "item":
        return type(obj[call.arg])
    return obj


MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def signature(call: Call) -> tuple[str, dict[str, str]]:
    """The call's signature as its library states it, and its parameters' defaults (as written there)."""
    obj = target_object(call)
    name = (
        f"{getattr(obj, '__module__', '') or ''}.{getattr(obj, '__qualname__', getattr(obj, '__name__', ''))}"
    )
    name = name.lstrip(".")
    try:
        sig = inspect.signature(obj)
        params = {
            p.name: repr(p.default)
            for p in sig.parameters.values()
            if p.default is not inspect.Parameter.empty and p.name not in IGNORED_PARAMETERS
        }
        text = f"{name}{sig}"
    except (TypeError, ValueError):  # a C function: its docstring's first line is its signature
        first = (obj.__doc__ or "").strip().splitlines()[0]
        params = {m.group(1): m.group(2).strip() for m in re.finditer(r"(\w+)\s*=\s*([^,)]+)", first)}
        params = {k: v for k, v in params.items() if k not in IGNORED_PARAMETERS}
        text = f"{getattr(obj, '__module__', '') or ''}.{first}".lstrip(".")
    if call.kind == "item":
        preset = _item_preset(None, call.arg)
        params.update({k: repr(v) for k, v in preset.items()})
    forward = getattr(obj, "forward", None)
    if (
        inspect.isclass(obj) and forward is not None
    ):  # defaults of forward() (transformers' Laplace keeps them there)
        extra = {
            p.name: repr(p.default)
            for p in inspect.signature(forward).parameters.values()
            if p.default is not inspect.Parameter.empty and p.name not in IGNORED_PARAMETERS
        }
        if extra:
            params.update(extra)
            text += f"; forward{inspect.signature(forward)}"
    # A default that is an object prints its memory address (flax's `parent=<_Sentinel object at 0x7f…>`),
    # which would change the result on every run: drop the address.
    text = MEMORY_ADDRESS.sub("", text)
    return text, {k: MEMORY_ADDRESS.sub("", v) for k, v in params.items()}


# ---------------------------------------------------------------------------------------------- comparing
def compare(a: np.ndarray, b: np.ndarray, x: np.ndarray, slope: np.ndarray | None, dtype: str) -> dict:
    """a (library) against b (actref) at the points x, in the library's dtype's ulps."""
    finfo = np.finfo(np.dtype(dtype)) if np.issubdtype(np.dtype(dtype), np.floating) else np.finfo(np.float64)
    eps, tiny = float(finfo.eps), float(finfo.tiny)
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    x = np.asarray(x, dtype=np.float64).reshape(-1) if x.size == a.size else np.resize(x, a.size)
    if a.shape != b.shape:
        return {
            "shape": [list(np.shape(a)), list(np.shape(b))],
            "max_abs": math.inf,
            "max_rel": math.inf,
            "max_err": math.inf,
            "max_ulps": math.inf,
            "at": None,
            "nonfinite": [],
        }
    both = np.isfinite(a) & np.isfinite(b)
    special_mismatch = ~both & ~((np.isnan(a) & np.isnan(b)) | (a == b))
    diff = np.abs(a - b)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(b != 0, diff / np.abs(b), np.where(diff == 0, 0.0, math.inf))
        err = diff / np.maximum(np.abs(b), 1.0)
        cond = np.abs(x * slope) if slope is not None else np.zeros_like(b)
        cond = np.where(np.isfinite(cond), cond, 0.0)
        ulps = diff / np.maximum(eps * np.maximum(np.abs(b), cond), tiny)
    out = {"max_abs": 0.0, "max_rel": 0.0, "max_err": 0.0, "max_ulps": 0.0, "at": None, "at_rel": None}
    if both.any():
        idx = np.flatnonzero(both)
        i, r = int(idx[np.argmax(err[both])]), int(idx[np.argmax(rel[both])])
        out = {
            "max_abs": float(diff[both].max()),
            "max_rel": float(rel[both].max()),
            "max_err": float(err[both].max()),
            "max_ulps": float(ulps[both].max()),
            "at": float(x[i]) if err[i] > 0 else None,
            "at_rel": float(x[r]) if rel[r] > 0 else None,
        }
    out["eps"] = eps
    out["nonfinite"] = [[float(x[k]), float(a[k]), float(b[k])] for k in np.flatnonzero(special_mismatch)][:8]
    return out


def is_same(c: dict | None) -> bool:
    """Within SAME_ULPS ulps of max(|f|, 1) everywhere, and finite exactly where actref is."""
    return (
        c is not None
        and c["max_err"] <= SAME_ULPS * c.get("eps", EPS64)
        and not c["nonfinite"]
        and "shape" not in c
    )


def closeness(c: dict | None) -> str:
    """same / approximation / different, for one comparison (a derivative, or a mistaken-for check)."""
    if c is None:
        return "not measured"
    if is_same(c):
        return "same"
    return "approximation" if c["max_err"] <= APPROX_ERR and not c["nonfinite"] else "different"


def verdict(default: dict, setting: dict | None, matched: bool) -> str:
    """The verdict from the numbers: see the module docstring."""
    if is_same(default):
        return "same"
    if matched and closeness(setting) in ("same", "approximation"):
        return "different default"
    if default["max_err"] <= APPROX_ERR and not default["nonfinite"] and "shape" not in default:
        return "approximation"
    return "different definition"


# ---------------------------------------------------------------------------------------------- one call
def _evaluate(call: Call, spec: Activation, kwargs: dict, ref_params: dict) -> dict:
    family = libraries.LIBRARIES[call.library].family
    if spec.elementwise:
        x = grid(spec, ref_params)
        kinks = kink_points(spec, ref_params)
        body = ~np.isin(x, kinks)
    else:
        x = vector_grid()
        body = np.ones(x.size, dtype=bool)
    torch.manual_seed(0)
    ref_y, _ = ref_values(spec, x, ref_params, None)
    cot = np.ones_like(ref_y) if spec.elementwise else np.random.default_rng(1).normal(size=ref_y.shape)
    ref_y, ref_g = ref_values(spec, x, ref_params, cot)
    fn = build(call, spec, kwargs, x)
    torch.manual_seed(0)
    y, g, dtype = libraries.forward_and_vjp(family, fn, x, cot)
    slope = ref_g if spec.elementwise else None
    if spec.elementwise:
        fwd = compare(y[body], ref_y[body], x[body], slope[body], dtype)
        der = compare(g[body], ref_g[body], x[body], None, dtype) if g is not None else None
    else:
        fwd = compare(y, ref_y, np.broadcast_to(np.abs(x).max(axis=-1, keepdims=True), x.shape), None, dtype)
        der = compare(g, ref_g, x, None, dtype) if g is not None else None
    return {"forward": fwd, "derivative": der, "dtype": dtype, "fn": fn, "family": family}


def conventions(call: Call, spec: Activation, fn: Callable, family: str) -> dict:
    """f(±inf), f(nan), and f, f′ at each kink, for the library and for actref; which of them differ.

    Each special input is evaluated on its own: a library that raises on one (entmax on a row with inf) gets
    its error recorded there and nowhere else.
    """
    values: dict[str, list] = {}

    def run(xs: np.ndarray, cot: np.ndarray):
        try:
            return libraries.forward_and_vjp(family, fn, xs, cot)
        except Exception as e:
            return f"error: {type(e).__name__}: {str(e)[:120]}", None, None

    if spec.elementwise:
        for label, p in zip(("f(+inf)", "f(-inf)", "f(nan)"), SPECIALS, strict=True):
            xs = np.array([p])
            ref_y, _ = ref_values(spec, xs, {}, None)
            y, _, _ = run(xs, np.ones_like(xs))
            values[label] = [y if isinstance(y, str) else float(y[0]), float(ref_y[0])]
        for p in kink_points(spec, {}):
            xs = np.array([p])
            ref_y, ref_g = ref_values(spec, xs, {}, None)
            y, g, _ = run(xs, np.ones_like(xs))
            values[f"f({p:g})"] = [y if isinstance(y, str) else float(y[0]), float(ref_y[0])]
            if not isinstance(y, str) and g is not None:
                values[f"f'({p:g})"] = [float(g[0]), float(ref_g[0])]
    else:
        for label, row in zip(
            ("row with +inf", "row with -inf", "row with nan"), vector_specials(), strict=True
        ):
            xs = row[None, :]
            ref_y, _ = ref_values(spec, xs, {}, None)
            y, _, _ = run(xs, np.ones_like(ref_y))
            values[label] = [
                y if isinstance(y, str) else [float(v) for v in y[0]],
                [float(v) for v in ref_y[0]],
            ]

    def equal(a, b) -> bool:
        if isinstance(a, str):
            return False
        a, b = np.atleast_1d(np.asarray(a, dtype=float)), np.atleast_1d(np.asarray(b, dtype=float))
        return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))

    return {"values": values, "differ": [k for k, (a, b) in values.items() if not equal(a, b)]}


def measure(call: Call, spec: Activation, versus: Activation | None = None) -> dict:
    """One call's row: signature, defaults, the comparisons at defaults and at the setting, the verdict."""
    sig, defaults = signature(call)
    row: dict[str, Any] = {
        "library": call.library,
        "call": call.code,
        "alias_of": call.alias_of,
        "signature": sig,
        "defaults": defaults,
        "note": call.note,
        "demo": DEMOS.get(call.key, ""),
    }
    at_defaults = _evaluate(call, spec, {}, {})
    row["dtype"] = at_defaults["dtype"]
    row["forward"] = at_defaults["forward"]
    row["derivative"] = at_defaults["derivative"]
    row["derivative_verdict"] = closeness(at_defaults["derivative"])
    setting: Setting | None = call.setting
    row["setting"] = None
    matched = False
    set_cmp = None
    if setting is not None:
        ev = _evaluate(call, spec, dict(setting.kwargs), dict(setting.ref))
        matched = not setting.ref
        set_cmp = ev["forward"]
        row["setting"] = {
            "kwargs": {k: shown_value(v, spec) for k, v in setting.kwargs.items()},
            "ref": dict(setting.ref),
            "restores_actref_defaults": matched,
            "forward": ev["forward"],
            "derivative": ev["derivative"],
        }
    else:
        row["no_setting"] = call.no_setting
    row["verdict"] = verdict(row["forward"], set_cmp, matched)
    row["different_defaults"] = sorted(setting.kwargs) if row["verdict"] == "different default" else []
    row["conventions"] = conventions(call, spec, at_defaults["fn"], at_defaults["family"])
    if versus is not None:
        vs = _evaluate(call, versus, {}, {})
        row["versus"] = {"activation": versus.name, "forward": vs["forward"]}
    return row


def measure_activation(spec: Activation, calls: list[Call], log: Callable[[str], None] = print) -> list[dict]:
    rows = []
    for call in calls:
        versus = (
            catalog.get(call.mistaken_for)
            if call.mistaken_for and call.mistaken_for in catalog.names()
            else None
        )
        try:
            rows.append(measure(call, spec, versus))
        except libraries.MissingLibrary:
            raise
        except Exception as e:  # the library rejects the grid or the call: recorded, never hidden
            log(f"{spec.name} {call.code}: {type(e).__name__}: {e}")
            rows.append(
                {
                    "library": call.library,
                    "call": call.code,
                    "alias_of": call.alias_of,
                    "verdict": "error",
                    "error": f"{type(e).__name__}: {str(e)[:300]}",
                    "note": call.note,
                }
            )
    return rows


# ---------------------------------------------------------------------------------------------- provenance
def provenance(seconds: float) -> dict:
    """Each library's exact version, Keras's backend, the device, the date, and the code that made the file."""
    from actref.frameworks import results

    return {
        "versions": libraries.installed_versions()
        | {"numpy": np.__version__, "torch-for-actref": torch.__version__},
        "keras_backend": libraries.keras_backend(),
        "device": f"CPU ({cpu_model()}, {os.cpu_count()} cores); MLX on its CPU device",
        "precision": "float64 in every library (jax_enable_x64; MLX's CPU float64)",
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "actref": version.__version__,
        "git_commit": git_commit(),
        "code_hash": results.code_hash(),
        "seconds": round(seconds, 1),
    }


# ---------------------------------------------------------------------------------------------- the run
def run(
    activations: list[str] | None = None,
    library_keys: list[str] | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """Measure every call of every (or the named) activation; the results file's content."""
    import time

    from actref.frameworks import calls as calls_data
    from actref.frameworks import results

    start = time.perf_counter()
    keys = library_keys or list(libraries.LIBRARIES)
    for key in keys:
        libraries.load(key)  # a missing library fails here, before any measurement
    names = activations or catalog.names()
    out: dict[str, Any] = {"format": results.FORMAT, "criteria": criteria(), "activations": {}}
    for name in names:
        spec = catalog.get(name)
        calls = calls_data.calls_for(spec.name, keys)
        t = time.perf_counter()
        rows = measure_activation(spec, calls, log)
        shipped = {c.library for c in calls}
        out["activations"][spec.name] = {
            "fingerprint": results.fingerprint(spec),
            "elementwise": spec.elementwise,
            "rows": rows,
            "not_shipped": [k for k in keys if k not in shipped],
        }
        log(f"{spec.name}: {len(rows)} calls in {time.perf_counter() - t:.1f} s")
    out["provenance"] = provenance(time.perf_counter() - start)
    out["provenance"]["libraries"] = keys
    return out


def criteria() -> dict:
    return {
        "same": f"max |a − b| / max(|b|, 1) ≤ {SAME_ULPS:g}·ε (ε = {EPS64:.3g}) over the finite grid, kinks "
        "excluded, and finite exactly where actref is",
        "different default": "not the same at the library's defaults; the same (or an approximation) with the "
        "setting that passes actref's defaults",
        "approximation": f"max |a − b| / max(|b|, 1) ≤ {APPROX_ERR:g}",
        "different definition": "anything else",
        "same_ulps": SAME_ULPS,
        "approx_err": APPROX_ERR,
        "grid": "extended plot range (121 points), 0, kinks, ±(1e-30, 1e-10, 0.5, 5, 20, 25, 30, 40, 100), ±1e4; "
        "specials +inf, −inf, nan; vector activations: 28×8 (seeded normal·3, extremes, ties)",
    }
