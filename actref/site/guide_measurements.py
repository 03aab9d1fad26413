"""The numbers the guides show, computed at build time on the CPU in a few seconds each.

Pure computations (no drawing, no markdown): actref.site.guides caches their results under a key that
covers this module's source and the specs they use, so redrawing a guide's figure never recomputes them.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import torch

from actref import catalog

if TYPE_CHECKING:
    from actref.registry import Activation

GRADIENT_WIDTH = 128  # units per layer of the gradient-flow networks


def one_thread(fn):
    """Run `fn` with one torch thread: its tensors are tiny, so more threads only contend with the rest of
    the build (on a busy 2-core machine, a guide's training took minutes instead of seconds)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_num_threads(before)

    return wrapper


def deep_mlp(spec: Activation, depth: int, width: int, gain_scale: float = 1.0, seed: int = 0):
    """A plain MLP of `depth` square layers, initialised with the spec's recommended scheme."""
    g = torch.Generator().manual_seed(seed)
    layers = []
    for _ in range(depth):
        w = torch.empty(width, width, dtype=torch.float64)
        std = spec.init.std(width, width) * gain_scale
        w.normal_(0.0, std, generator=g)
        layers.append(w.requires_grad_())
    return layers


def spirals(n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    t = torch.rand(n, generator=g) * 3 * math.pi + 0.5
    label = torch.randint(0, 2, (n,), generator=g)
    sign = label * 2 - 1
    pts = torch.stack([t * torch.cos(t) * sign, t * torch.sin(t) * sign], 1) / 10
    return pts + 0.02 * torch.randn(n, 2, generator=g), label


def train_classifier(act: str, x, y, steps: int = 600, seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    spec = catalog.get(act)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 64), spec.module(), torch.nn.Linear(64, 64), spec.module(), torch.nn.Linear(64, 2)
    )
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return model


def layer_grad_norms(spec, depth: int, width: int, gain_scale: float = 1.0, batch: int = 256) -> list[float]:
    """‖∂L/∂W_l‖ for each layer of a freshly initialised deep MLP on N(0, 1) inputs, L = mean of outputs²."""
    ws = deep_mlp(spec, depth, width, gain_scale)
    h = torch.randn(batch, width, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    for w in ws:
        h = spec(h @ w.T)
    (h.pow(2).mean()).backward()
    return [w.grad.norm().item() for w in ws]


def forward_moments(spec, depth: int, width: int = 256, batch: int = 1024, mean0=0.0, std0=1.0, post=False):
    """Mean and variance at each layer of a freshly initialised deep MLP.

    post=False: of the pre-activations W·h, one entry per layer. post=True: of the activations f(W·h), with
    the input's moments first (layer 0).
    """
    ws = deep_mlp(spec, depth, width)
    g = torch.Generator().manual_seed(2)
    h = mean0 + std0 * torch.randn(batch, width, dtype=torch.float64, generator=g)
    means, variances = ([h.mean().item()], [h.var().item()]) if post else ([], [])
    with torch.no_grad():
        for w in ws:
            z = h @ w.T
            h = spec(z)
            watched = h if post else z
            means.append(watched.mean().item())
            variances.append(watched.var().item())
    return means, variances


def dead_fraction_after_training(act: str, lr: float, seed: int = 0, steps: int = 300) -> tuple[float, float]:
    """(fraction of hidden units never active on held-out data, held-out accuracy) after Adam training.

    The task is synthetic and image-like: inputs in [0, 1] (non-negative, as pixels are), 4 classes from a
    random linear teacher, a 64-256-256-4 network, batch 64.
    """
    g = torch.Generator().manual_seed(seed)
    teacher = torch.randn(64, 4, generator=g)
    x, xv = torch.rand(4096, 64, generator=g), torch.rand(2048, 64, generator=g)
    y, yv = ((x - 0.5) @ teacher).argmax(1), ((xv - 0.5) @ teacher).argmax(1)
    torch.manual_seed(seed)
    spec = catalog.get(act)
    hidden = [torch.nn.Linear(64, 256), torch.nn.Linear(256, 256)]
    for layer in hidden:
        spec.init.apply_(layer.weight)
    model = torch.nn.Sequential(hidden[0], spec.module(), hidden[1], spec.module(), torch.nn.Linear(256, 4))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for step in range(steps):
        idx = torch.arange(step * 64, step * 64 + 64) % 4096
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
        if not torch.isfinite(loss):
            return float("nan"), float("nan")
        loss.backward()
        opt.step()
    with torch.no_grad():
        pre1 = hidden[0](xv)
        pre2 = hidden[1](spec(pre1))
        accuracy = (model(xv).argmax(1) == yv).float().mean().item()
    never_active = torch.cat([(pre1 <= 0).all(0), (pre2 <= 0).all(0)])
    return never_active.float().mean().item(), accuracy


# ---------------------------------------------------------------------------------------------- per guide
@one_thread
def spiral_classifiers(acts: list[str]) -> tuple[dict[str, float], dict[str, torch.nn.Module]]:
    """Test accuracy on two spirals of the same 3-layer network with each activation, and the models."""
    x, y = spirals(800)
    xt, yt = spirals(800, seed=1)
    models = {a: train_classifier(a, x, y) for a in acts}
    return {a: (models[a](xt).argmax(1) == yt).float().mean().item() for a in acts}, models


@one_thread
def gradient_norms(cases: tuple[tuple[str, float, str], ...], depth: int) -> dict[str, list[float]]:
    """label → per-layer gradient norms at initialisation, for each (activation, gain scale, label)."""
    return {label: layer_grad_norms(catalog.get(a), depth, GRADIENT_WIDTH, s) for a, s, label in cases}


@one_thread
def variance_through_depth(names: list[str], depth: int) -> dict[str, tuple[list[float], list[float]]]:
    """name → (means, variances) of the pre-activations at each layer, with the spec's recommended init."""
    return {n: forward_moments(catalog.get(n), depth) for n in names}


@one_thread
def selu_moments(starts: list[tuple[float, float]]) -> list[tuple[list[float], list[float]]]:
    """For each (input mean, input std): the activations' means and variances through 32 SELU layers."""
    spec = catalog.get("selu")
    return [forward_moments(spec, 32, width=512, mean0=m0, std0=s0, post=True) for m0, s0 in starts]


@one_thread
def dead_fractions(acts: list[str], lrs: tuple[float, ...]) -> dict[str, list[tuple[float, float]]]:
    """activation → (never-active fraction, accuracy) after training at each learning rate."""
    return {a: [dead_fraction_after_training(a, lr) for lr in lrs] for a in acts}
