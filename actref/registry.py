"""The Activation spec and the registry that looks specs up by name or alias.

Every fact about an activation lives in one `Activation` object (see `actref/catalog/`). Pages, figures,
tests and experiments read it from here.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy
import torch

from actref import symbolic

x = symbolic.x
# The module class `Activation.module()` builds for a spec without a module_factory: actref.nn's
# ActivationModule, which sets it when imported (`import actref` imports nn). nn sits above the registry in
# the import layers, so the registry cannot import it.
default_module: Callable[..., torch.nn.Module] | None = None


class UnknownActivation(KeyError):
    """Raised for a name that is neither a canonical activation name nor an alias."""

    def __init__(self, name: str, suggestions: list[str], valid: list[str]):
        self.name = name
        self.suggestions = suggestions
        self.valid = valid
        hint = f" Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(
            f"Unknown activation {name!r}.{hint} Valid names: {', '.join(valid)} "
            f"(aliases are accepted too; see actref.aliases())."
        )

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0])


@dataclass(frozen=True)
class Paper:
    """The paper that introduced (or best describes) an activation."""

    authors: str
    year: int
    title: str
    url: str
    venue: str = ""


@dataclass(frozen=True)
class Kink:
    """A point where f is not differentiable, and the subgradient PyTorch's autograd returns there.

    `at` and `grad` are sympy expressions in the spec's parameters (e.g. `-lambd`, `negative_slope`).
    """

    at: Any
    grad: Any
    note: str = ""


@dataclass(frozen=True)
class Param:
    """One parameter: its default, the check a value must pass, and that check in words."""

    default: Any
    check: Callable[[Any], bool] | None = None
    valid: str = ""
    symbol: sympy.Symbol | None = None  # the symbol the expression uses; None for non-numeric parameters
    doc: str = ""


@dataclass(frozen=True)
class Properties:
    """Claimed mathematical properties, each one checked by tests/test_properties.py.

    `range` is (low, high) with sympy values (±oo allowed) and inclusive flags; `minimum` is (x*, f(x*))
    for activations with an interior global minimum; `saturates` names the sides where f′ → 0.
    """

    range: tuple[Any, Any]
    range_closed: tuple[bool, bool] = (False, False)
    monotonic: bool = True
    smoothness: str = "C∞"  # one of "C∞", "C2", "C1", "C0", "discontinuous"
    # E[f(Z)] = 0 for Z ~ N(0, 1) (vector units: for i.i.d. N(0, 1) inputs). Every odd f is; so are SELU and
    # StarReLU, by their constants. f(0) = 0 with outputs of both signs is not enough (ELU, SiLU are not).
    zero_centred: bool = False
    saturates: tuple[str, ...] = ()  # subset of ("negative", "positive")
    self_gated: bool = False
    minimum: tuple[float, float] | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Init:
    """A recommended weight initialisation: scheme ∈ {kaiming, xavier, lecun} with a gain."""

    scheme: str
    gain: float = 1.0
    why: str = ""

    def std(self, fan_in: int, fan_out: int) -> float:
        """The normal-distribution standard deviation the scheme prescribes for a layer."""
        if self.scheme == "xavier":
            return self.gain * (2.0 / (fan_in + fan_out)) ** 0.5
        if self.scheme in ("kaiming", "lecun"):
            return self.gain / fan_in**0.5
        raise ValueError(f"Unknown init scheme {self.scheme!r}; valid: 'kaiming', 'xavier', 'lecun'.")

    def apply_(self, weight: torch.Tensor) -> torch.Tensor:
        """Fill a (out, in, ...) weight in place from N(0, std²) and return it."""
        fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(weight)
        with torch.no_grad():
            return weight.normal_(0.0, self.std(fan_in, fan_out))

    def describe(self) -> str:
        names = {"kaiming": "Kaiming (He)", "xavier": "Xavier (Glorot)", "lecun": "LeCun"}
        gain = "" if self.gain == 1.0 else f", gain {self.gain:.4g}"
        return f"{names[self.scheme]} normal{gain}"


@dataclass(frozen=True, eq=False)
class Activation:
    """One activation function: its math, its code, and what we know about it.

    Call it like a function: `spec(x, **params)` runs the from-scratch implementation.
    """

    name: str
    title: str
    family: str
    summary: str
    forward: Callable[..., torch.Tensor]
    expr: Any
    params: Mapping[str, Param] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    derivative_fn: Callable[..., torch.Tensor] | None = None
    derivative_expr: Any = None
    builtin: Callable[..., torch.Tensor] | None = None
    builtin_code: str | None = None  # the one-liner shown on the page, e.g. "F.relu(x)"
    properties: Properties | None = None
    kinks: tuple[Kink, ...] = ()
    paper: Paper | None = None
    paper_note: str = ""  # when there is no paper to cite: why, and where the function comes from
    init: Init = Init("kaiming", 2**0.5)
    elementwise: bool = True
    module_factory: Callable[..., torch.nn.Module] | None = None
    plot_range: tuple[float, float] = (-5.0, 5.0)
    conventions: str = ""  # ±inf / nan / ±0 behaviour, and where we differ from the built-in
    builtin_differences: str = ""  # documented exceptions when comparing with spec.builtin
    related: tuple[str, ...] = ()
    latex_override: str | None = None  # only for vector-valued activations whose formula needs an index
    derivative_latex_override: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ parameters
    @property
    def defaults(self) -> dict[str, Any]:
        """The default value of every parameter."""
        return {k: p.default for k, p in self.params.items()}

    def resolve(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Merge `params` over the defaults, rejecting unknown names and invalid values.

        Checks that involve more than one parameter (e.g. lower ≤ upper) run last, from `extra["cross_check"]`.
        """
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            valid = ", ".join(self.params) or "none"
            raise TypeError(f"{self.name}() got unknown parameter(s) {', '.join(unknown)}; valid: {valid}.")
        merged = {**self.defaults, **params}
        for key, value in merged.items():
            p = self.params[key]
            try:
                ok = p.check is None or bool(p.check(value))
            except Exception:  # e.g. comparing a string with a number: the value is simply invalid
                ok = False
            if not ok:
                raise ValueError(f"{self.name}: invalid {key}={value!r}; {key} must satisfy {p.valid}.")
        cross_check = self.extra.get("cross_check")
        if cross_check is not None:
            cross_check(merged)
        return merged

    # ------------------------------------------------------------------ evaluation
    def _prepare(self, x: torch.Tensor, params: Mapping[str, Any]) -> tuple[torch.Tensor, dict, Any]:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{self.name} expects a torch.Tensor, got {type(x).__name__}.")
        if not x.is_floating_point():
            raise TypeError(
                f"{self.name} needs a floating-point tensor, got dtype {x.dtype}; "
                f"convert with x.float() or x.double()."
            )
        merged = self.resolve(params)
        # 16-bit inputs are computed in float32 and rounded once at the end, as torch's CPU kernels do.
        upcast = x.dtype in (torch.float16, torch.bfloat16)
        return (x.float() if upcast else x), merged, (x.dtype if upcast else None)

    def __call__(self, x: torch.Tensor, **params: Any) -> torch.Tensor:
        """The from-scratch forward pass (differentiable by autograd)."""
        xc, merged, dtype = self._prepare(x, params)
        out = self.forward(xc, **merged)
        return out.to(dtype) if dtype is not None else out

    def derivative(self, x: torch.Tensor, **params: Any) -> torch.Tensor:
        """The analytic derivative f′(x), elementwise, with the spec's subgradients at kinks."""
        if self.derivative_fn is None:
            raise TypeError(
                f"{self.name} is not elementwise, so it has no scalar derivative; use torch.autograd.functional"
                f".jacobian(actref.get({self.name!r}), x) for its Jacobian."
            )
        xc, merged, dtype = self._prepare(x, params)
        out = self.derivative_fn(xc, **merged)
        return out.to(dtype) if dtype is not None else out

    def module(self, fast: bool = False, **params: Any) -> torch.nn.Module:
        """A torch.nn.Module for this activation (with learnable parameters where it has them).

        Besides the function's parameters, a module may take module-only ones declared in
        `extra["module_params"]` (PReLU's num_parameters). fast=True picks the fastest implementation
        actref measured to be exact (see actref.fast).
        """
        module_only = {k: params.pop(k) for k in list(params) if k in self.extra.get("module_params", ())}
        merged = self.resolve(params)
        if self.module_factory is not None:
            return self.module_factory(**merged, **module_only)
        if default_module is None:
            raise RuntimeError(
                "actref.nn is not imported, so there is no module class: `import actref` first."
            )
        return default_module(self, fast=fast, **merged)

    # ------------------------------------------------------------------ symbolic
    def symbols(self) -> dict[str, sympy.Symbol]:
        return {k: p.symbol for k, p in self.params.items() if p.symbol is not None}

    def substitutions(self, **params: Any) -> dict:
        """sympy substitutions {symbol: value} for the given (or default) parameters."""
        merged = {**self.defaults, **params}
        return {p.symbol: _exact(merged[k]) for k, p in self.params.items() if p.symbol is not None}

    @property
    def latex(self) -> str:
        """LaTeX for f(x), generated from `expr`."""
        return self.latex_override or symbolic.to_latex(self.expr)

    @property
    def derivative_latex(self) -> str | None:
        """LaTeX for f′(x), generated from `derivative_expr`."""
        if self.derivative_latex_override:
            return self.derivative_latex_override
        return None if self.derivative_expr is None else symbolic.to_latex(self.derivative_expr)

    # ------------------------------------------------------------------ source
    def forward_source(self) -> str:
        """The source code of the from-scratch forward, exactly as tested (shown on the page)."""
        return inspect.getsource(self.forward)

    def __repr__(self) -> str:
        return f"<Activation {self.name} ({self.title})>"


def _exact(value: Any) -> Any:
    """A float as the exact rational it stores (no rounding to ~15 digits), anything else sympified."""
    return sympy.Rational(value) if isinstance(value, float) else sympy.sympify(value)


class Registry:
    """Canonical name → Activation, with aliases and close-match suggestions."""

    def __init__(self) -> None:
        self._specs: dict[str, Activation] = {}
        self._aliases: dict[str, str] = {}

    @staticmethod
    def normalise(name: str) -> str:
        return name.strip().lower().replace("-", "_").replace(" ", "_")

    def add(self, spec: Activation) -> Activation:
        key = self.normalise(spec.name)
        if key != spec.name:
            raise ValueError(f"Canonical name {spec.name!r} must be lower_snake_case ({key!r}).")
        for alias in (spec.name, *spec.aliases):
            a = self.normalise(alias)
            if a in self._aliases and self._aliases[a] != spec.name:
                raise ValueError(f"Alias {alias!r} of {spec.name!r} already names {self._aliases[a]!r}.")
            self._aliases[a] = spec.name
        self._specs[spec.name] = spec
        return spec

    def get(self, name: str | Activation) -> Activation:
        if isinstance(name, Activation):
            return name
        if not isinstance(name, str):
            raise TypeError(f"Activation name must be a str, got {type(name).__name__}.")
        key = self.normalise(name)
        if key in self._aliases:
            return self._specs[self._aliases[key]]
        close = difflib.get_close_matches(key, list(self._aliases), n=3, cutoff=0.6)
        suggestions = list(dict.fromkeys(self._aliases[c] for c in close))
        raise UnknownActivation(name, suggestions, self.names())

    def names(self) -> list[str]:
        return sorted(self._specs)

    def aliases(self) -> dict[str, str]:
        return dict(sorted(self._aliases.items()))

    def __iter__(self):
        return iter(self._specs[n] for n in self.names())

    def __len__(self) -> int:
        return len(self._specs)


REGISTRY = Registry()
