"""Learnable parameters: every spec that lists `extra["learnable"]` is checked against one contract.

For each learnable parameter p (a Param with a sympy symbol):
  (a) autograd's ∂spec(x, p=tensor)/∂p (float64, per element and summed over a grid) equals
      sympy.diff(spec.expr, symbol) evaluated by mpmath, away from kinks;
  (b) p given as a 1-D tensor of C values broadcasts along dim 1 (the channel dim, as nn.PReLU) and each value
      gets the gradient of its own channel;
  (c) spec.module() holds p as a trainable nn.Parameter (named like p, or as `extra["module_parameters"]`
      maps it), and Adam steps on a small regression change it;
  (d) the stacked trainer (actref.experiments.stacked) trains it: a StackedMLP of two models of the activation
      changes every model's copy of every activation parameter.
A parameter whose gradient is exactly 0 at the initial values may be named, with the reason, in
`extra["zero_grad_at_init"]` (as tests/test_modules.py allows): it must then stay put on the first step and move
on a later one.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
import torch
from support import (
    ALL_SPECS,
    accuracy_failures,
    away_from_kinks,
    breakpoints,
    grid,
    kink_points,
    param_sets,
    params_id,
    subs_key,
    true_value,
)

from actref.experiments.configs import Member
from actref.experiments.stacked import GroupActivation, StackedMLP, StackedTrainer
from actref.registry import Activation, Param
from actref.symbolic import x as sx

LEARNABLE = [s for s in ALL_SPECS if s.extra.get("learnable")]
MODERATE_TAILS = [s * m for m in (1e-30, 1e-10, 5.0, 20.0, 40.0) for s in (1, -1)]


def contract_problems(spec: Activation) -> list[str]:
    """Why `spec` cannot be checked as a learnable activation (empty when it can)."""
    names = spec.extra.get("learnable", ())
    problems = []
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        return [f"{spec.name}: extra['learnable'] must be a tuple of parameter names, got {names!r}"]
    if spec.module_factory is None:
        problems.append(
            f"{spec.name} lists learnable parameters {tuple(names)} but has no module_factory, so no module "
            f"holds them as nn.Parameters"
        )
    for name in names:
        p = spec.params.get(name)
        if not isinstance(p, Param):
            problems.append(
                f"{spec.name}: learnable {name!r} is not one of its parameters {list(spec.params)}"
            )
        elif p.symbol is None:
            problems.append(
                f"{spec.name}: learnable {name!r} has no sympy symbol, so ∂f/∂{name} cannot be checked"
            )
        elif p.symbol not in sympy.sympify(spec.expr).free_symbols:
            problems.append(f"{spec.name}: learnable {name!r} (symbol {p.symbol}) does not appear in expr")
    mapping = spec.extra.get("module_parameters", {})
    if set(mapping) - set(names):
        problems.append(
            f"{spec.name}: extra['module_parameters'] maps non-learnable {sorted(set(mapping) - set(names))}"
        )
    return problems


def checked(spec: Activation) -> Activation:
    problems = contract_problems(spec)
    assert not problems, "\n".join(problems)
    return spec


def cases(with_params: bool = False) -> list:
    out = []
    for spec in LEARNABLE:
        names = [n for n in spec.extra["learnable"] if n in spec.params]
        sets = param_sets(spec) if with_params else [{}]
        for params in sets:
            for name in names:
                pid = f"{spec.name}.{name}" + (f"[{params_id(params)}]" if with_params else "")
                out.append(pytest.param(spec, name, params, id=pid))
    return out


def module_name(spec: Activation, name: str) -> str:
    return spec.extra.get("module_parameters", {}).get(name, name)


def inert(spec: Activation) -> dict:
    return spec.extra.get("zero_grad_at_init", {})


# ---------------------------------------------------------------------------------------------- the contract
@pytest.mark.parametrize("spec", LEARNABLE, ids=lambda s: s.name)
def test_learnable_spec_honours_the_contract(spec):
    checked(spec)


def test_contract_check_rejects_a_spec_without_a_module_or_a_symbol():
    # Built with the registry's own class (not registered): the check above must reject both.
    a = sympy.Symbol("a", real=True)
    base = dict(
        title="t", family="test", summary="s", forward=lambda t, a=1.0: a * t, expr=a * sx, derivative_expr=a
    )
    no_module = Activation(
        name="no_module", params={"a": Param(1.0, None, "any", a, "d")}, extra={"learnable": ("a",)}, **base
    )
    assert any("no module_factory" in p for p in contract_problems(no_module))
    no_symbol = Activation(
        name="no_symbol",
        params={"a": Param(1.0, None, "any", None, "d")},
        extra={"learnable": ("a",)},
        module_factory=torch.nn.Identity,
        **base,
    )
    assert any("no sympy symbol" in p for p in contract_problems(no_symbol))
    unknown = Activation(
        name="unknown",
        params={"a": Param(1.0, None, "any", a, "d")},
        extra={"learnable": ("b",)},
        module_factory=torch.nn.Identity,
        **base,
    )
    assert any("not one of its parameters" in p for p in contract_problems(unknown))
    with pytest.raises(AssertionError, match="no module_factory"):
        checked(no_module)


@pytest.mark.parametrize("spec", [s for s in ALL_SPECS if s.module_factory is not None], ids=lambda s: s.name)
def test_modules_with_trainable_parameters_declare_them(spec):
    # A module that trains parameters belongs to a spec that says which: otherwise none of this file checks them.
    trainable = [n for n, p in spec.module().named_parameters() if p.requires_grad]
    if trainable:
        declared = {module_name(spec, n) for n in spec.extra.get("learnable", ())}
        assert set(trainable) <= declared, (
            f"{spec.name}: module parameters {trainable} are trainable, but extra['learnable'] declares "
            f"{sorted(declared) or 'none'}"
        )


# ---------------------------------------------------------------------------------------------- (a) ∂f/∂p
def points_for(spec: Activation, params: dict) -> list[float]:
    avoid = kink_points(spec, params) + breakpoints(spec, params)
    return away_from_kinks(grid(spec, n=61, params=params) + MODERATE_TAILS, avoid, 1e-6)


def param_grad(spec: Activation, name: str, params: dict):
    """x ↦ ∂spec(x)/∂p per element (float64), with p a 0-d tensor at its value in `params`."""
    value = params.get(name, spec.params[name].default)

    def fn(xs: torch.Tensor) -> torch.Tensor:
        p = torch.tensor(float(value), dtype=torch.float64)
        with torch.enable_grad():
            return torch.autograd.functional.jacobian(lambda t: spec(xs, **{**params, name: t}), p)

    return fn


@pytest.mark.parametrize(("spec", "name", "params"), cases(with_params=True))
def test_parameter_gradient_matches_sympy_per_element(spec, name, params):
    checked(spec)
    symbol = spec.params[name].symbol
    d = sympy.diff(spec.expr, symbol)
    failures = accuracy_failures(
        param_grad(spec, name, params),
        d,
        sympy.diff(d, sx),
        subs_key(spec, params),
        points_for(spec, params),
        rtol=1e-9,
    )
    assert not failures, f"∂{spec.name}/∂{name} {params}:\n  " + "\n  ".join(failures[:8])


@pytest.mark.parametrize(("spec", "name", "params"), cases())
def test_parameter_gradient_of_a_sum_matches_sympy(spec, name, params):
    checked(spec)
    d = sympy.diff(spec.expr, spec.params[name].symbol)
    points = [p for p in points_for(spec, params) if abs(p) <= 100]
    key = subs_key(spec, params)
    want = [true_value(d, key, p) for p in points]
    p = torch.tensor(float(spec.params[name].default), dtype=torch.float64, requires_grad=True)
    y = spec(torch.tensor(points, dtype=torch.float64), **{name: p})
    (got,) = torch.autograd.grad(y.sum(), p)
    total, scale = mpmath.fsum(want), mpmath.fsum(abs(w) for w in want)
    assert abs(got.item() - total) <= 1e-10 * max(scale, 1e-300), (
        f"∂Σ{spec.name}/∂{name}: autograd {got.item()!r}, sympy {mpmath.nstr(total, 17)}"
    )


# ---------------------------------------------------------------------------------------------- (b) channels
def channel_values(spec: Activation, name: str, channels: int) -> torch.Tensor:
    d = float(spec.params[name].default)
    values = [d * (1 + 0.02 * c) if d != 0 else 0.02 * c for c in range(channels)]
    return torch.tensor(values, dtype=torch.float64)


@pytest.mark.parametrize(("spec", "name", "params"), cases())
def test_per_channel_parameter_broadcasts_along_dim_1(spec, name, params):
    checked(spec)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(3, 4, 5, generator=gen, dtype=torch.float64) * 3
    values = channel_values(spec, name, 4)
    w = values.clone().requires_grad_(True)
    y = spec(x, **{name: w})
    assert y.shape == x.shape, (
        f"{spec.name}: {name} of 4 values gave shape {tuple(y.shape)} for x {tuple(x.shape)}"
    )
    y.sum().backward()
    for c in range(4):
        t = values[c].clone().requires_grad_(True)
        yc = spec(x[:, c], **{name: t})
        torch.testing.assert_close(y[:, c], yc.detach(), rtol=1e-13, atol=0, msg=f"{spec.name}: channel {c}")
        (gc,) = torch.autograd.grad(yc.sum(), t)
        torch.testing.assert_close(
            w.grad[c], gc, rtol=1e-12, atol=1e-300, msg=f"∂/∂{name}[{c}] of {spec.name}"
        )
    with pytest.raises(ValueError):
        spec(x, **{name: channel_values(spec, name, 5)})  # 5 values, 4 channels


# ---------------------------------------------------------------------------------------------- (c) module
def adam_steps(module: torch.nn.Module, steps: int, x: torch.Tensor, target: torch.Tensor, opt) -> None:
    for _ in range(steps):
        opt.zero_grad()
        (module(x) - target).square().mean().backward()
        opt.step()


@pytest.mark.parametrize("spec", LEARNABLE, ids=lambda s: s.name)
def test_module_parameters_train_with_adam(spec):
    checked(spec)
    module = spec.module()
    named = dict(module.named_parameters())
    wanted = {n: module_name(spec, n) for n in spec.extra["learnable"]}
    for name, mname in wanted.items():
        assert mname in named, (
            f"{spec.name}: learnable {name!r} is not a module parameter {mname!r}; it has {list(named)} (map other "
            f"names in extra['module_parameters'])"
        )
        assert named[mname].requires_grad, f"{spec.name}: module parameter {mname!r} does not require grad"
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(64, 4, generator=gen) * 2
    target = torch.randn(64, 4, generator=gen)
    before = {m: named[m].detach().clone() for m in wanted.values()}
    opt = torch.optim.Adam(module.parameters(), lr=1e-2)
    adam_steps(module, 1, x, target, opt)
    for m in wanted.values():
        moved = not torch.equal(named[m].detach(), before[m])
        assert moved != (m in inert(spec)), (
            f"{spec.name}.{m}: {'unchanged' if not moved else 'changed'} by 1 step"
        )
    adam_steps(module, 2, x, target, opt)
    for m in wanted.values():
        assert not torch.equal(named[m].detach(), before[m]), f"{spec.name}.{m}: unchanged after 3 Adam steps"


# ---------------------------------------------------------------------------------------------- (d) stacked
@pytest.mark.parametrize("spec", LEARNABLE, ids=lambda s: s.name)
def test_stacked_trainer_trains_every_activation_parameter(spec):
    checked(spec)
    members = [Member(spec.name, 0), Member(spec.name, 1)]
    model = StackedMLP(members, hidden=(8, 8), n_in=6, n_out=3)
    acts = [a for layer in model.acts for a in layer]
    assert acts and all(isinstance(a, GroupActivation) and a.learnable for a in acts), (
        f"{spec.name}: the stacked MLP's activation groups hold no learnable parameters"
    )
    wanted = {module_name(spec, n) for n in spec.extra["learnable"]}
    for a in acts:
        assert wanted <= set(a.param_names), f"{spec.name}: stacked parameters {a.param_names}, want {wanted}"
    gen = torch.Generator().manual_seed(0)
    x, y = torch.randn(96, 6, generator=gen) * 2, torch.randint(0, 3, (96,), generator=gen)  # 3 batches
    trainer = StackedTrainer(model, x, y, batch_size=32, lr=1e-2, use_graph=False)
    stacked = [
        (f"layer {i}.{n}", p)
        for i, a in enumerate(acts)
        for n, p in zip(a.param_names, a.stacked, strict=True)
    ]
    before = [p.detach().clone() for _, p in stacked]
    trainer.begin_epoch()
    trainer.step()
    for (label, p), b in zip(stacked, before, strict=True):
        for m in range(len(members)):
            moved = not torch.equal(p[m].detach(), b[m])
            expected = label.split(".")[-1] not in inert(spec)
            assert moved == expected, (
                f"{spec.name} {label}, model {m}: {'changed' if moved else 'unchanged'} by 1 step"
            )
    trainer.step()
    trainer.step()
    for (label, p), b in zip(stacked, before, strict=True):
        for m in range(len(members)):
            assert not torch.equal(p[m].detach(), b[m]), (
                f"{spec.name} {label}, model {m}: unchanged after 3 steps"
            )
