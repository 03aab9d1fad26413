"""Figures and measured tables for the guides, computed at build time on the CPU in a few seconds each.

Each public function takes the site context and returns markdown (see actref.site.directives):
`<!-- actref:guides.gradient_flow -->` in a guide becomes a figure plus the numbers behind it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from actref import catalog

if TYPE_CHECKING:
    from actref.registry import Activation

# ---------------------------------------------------------------------------------------------- helpers


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _style(ax) -> None:
    """Mid-tone colours on a transparent background read well in both the light and the dark theme."""
    ax.set_facecolor("none")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    for spine in ("left", "bottom"):
        ax.spines[spine].set_color("#888888")
    ax.tick_params(colors="#888888")
    ax.xaxis.label.set_color("#888888")
    ax.yaxis.label.set_color("#888888")
    ax.title.set_color("#888888")
    ax.grid(alpha=0.25)


def _save(fig, path: Path) -> None:
    fig.savefig(path, format="svg", transparent=True, bbox_inches="tight")
    _plt().close(fig)


def _finish_single(fig, ax, path: Path) -> None:
    """Legend, style and save for a one-axes guide figure."""
    ax.legend(fontsize=8, frameon=False, labelcolor="#888888")
    _style(ax)
    _save(fig, path)


def _deep_mlp(spec: Activation, depth: int, width: int, gain_scale: float = 1.0, seed: int = 0):
    """A plain MLP of `depth` square layers, initialised with the spec's recommended scheme."""
    g = torch.Generator().manual_seed(seed)
    layers = []
    for _ in range(depth):
        w = torch.empty(width, width, dtype=torch.float64)
        std = spec.init.std(width, width) * gain_scale
        w.normal_(0.0, std, generator=g)
        layers.append(w.requires_grad_())
    return layers


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "| " + " | ".join(headers) + " |\n| " + " | ".join("---" for _ in headers) + " |\n"
    return head + "".join("| " + " | ".join(r) + " |\n" for r in rows)


def _figure(ctx, name: str, inputs: object, make: Callable[[Path], None], alt: str) -> str:
    return f"![{alt}]({ctx.asset(f'guides/{name}.svg', inputs, make)})"


# ---------------------------------------------------------------------------------------------- collapse


def _spirals(n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    t = torch.rand(n, generator=g) * 3 * math.pi + 0.5
    label = torch.randint(0, 2, (n,), generator=g)
    sign = label * 2 - 1
    pts = torch.stack([t * torch.cos(t) * sign, t * torch.sin(t) * sign], 1) / 10
    return pts + 0.02 * torch.randn(n, 2, generator=g), label


def _train_classifier(act: str, x, y, steps: int = 600, seed: int = 0) -> torch.nn.Module:
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


def linear_collapse(ctx) -> str:
    """Train the same 3-layer network with identity, tanh and ReLU on two spirals; show the decision regions."""
    acts = ["identity", "tanh", "relu"]
    x, y = _spirals(800)
    xt, yt = _spirals(800, seed=1)
    models: dict[str, torch.nn.Module] = {}

    def accuracies() -> dict[str, float]:
        for a in acts:
            models[a] = _train_classifier(a, x, y)
        return {a: (models[a](xt).argmax(1) == yt).float().mean().item() for a in acts}

    acc = ctx.cached("linear_collapse", {"acts": acts}, accuracies)

    def make(path: Path) -> None:
        for a in acts:  # the accuracies may come from the cache while the figure is redrawn
            if a not in models:
                models[a] = _train_classifier(a, x, y)
        plt = _plt()
        fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
        grid = torch.stack(
            torch.meshgrid(torch.linspace(-1.1, 1.1, 200), torch.linspace(-1.1, 1.1, 200), indexing="xy"), -1
        )
        for ax, a in zip(axes, acts, strict=True):
            with torch.no_grad():
                z = models[a](grid.reshape(-1, 2)).softmax(1)[:, 1].reshape(200, 200)
            ax.contourf(grid[..., 0], grid[..., 1], z, levels=20, cmap="coolwarm", alpha=0.6)
            ax.scatter(xt[:, 0], xt[:, 1], c=yt, cmap="coolwarm", s=4, edgecolors="none")
            ax.set_title(f"{catalog.get(a).title}: test acc {acc[a]:.0%}")
            ax.set_xticks([])
            ax.set_yticks([])
            _style(ax)
        _save(fig, path)

    fig = _figure(ctx, "linear_collapse", {"acts": acts, "acc": acc}, make, "Decision regions on two spirals")
    rows = [[catalog.get(a).title, f"{acc[a]:.1%}"] for a in acts]
    return fig + "\n\n" + _table(["activation", "test accuracy (two spirals, measured at build time)"], rows)


# ---------------------------------------------------------------------------------------------- gradients


def _layer_grad_norms(spec, depth: int, width: int, gain_scale: float = 1.0, batch: int = 256) -> list[float]:
    """‖∂L/∂W_l‖ for each layer of a freshly initialised deep MLP on N(0, 1) inputs, L = mean of outputs²."""
    ws = _deep_mlp(spec, depth, width, gain_scale)
    h = torch.randn(batch, width, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    for w in ws:
        h = spec(h @ w.T)
    (h.pow(2).mean()).backward()
    return [w.grad.norm().item() for w in ws]


GRADIENT_CASES = (
    ("sigmoid", 1.0, "sigmoid, Xavier"),
    ("tanh", 1.0, "tanh, Xavier (gain 5/3)"),
    ("relu", 1.0, "ReLU, Kaiming"),
    ("relu", 1.5, "ReLU, Kaiming × 1.5"),
    ("relu", 0.7, "ReLU, Kaiming × 0.7"),
)


def gradient_flow(ctx, depth: str = "30") -> str:
    """Per-layer gradient norms at initialisation, for saturating and non-saturating units."""
    depth_n = int(depth)
    norms = ctx.cached(
        f"gradient_flow_{depth_n}",
        {"cases": GRADIENT_CASES},
        lambda: {label: _layer_grad_norms(catalog.get(a), depth_n, 128, s) for a, s, label in GRADIENT_CASES},
    )

    def make(path: Path) -> None:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(7, 3.8))
        for label, ns in norms.items():
            ax.semilogy(range(1, depth_n + 1), ns, marker=".", label=label)
        ax.set_xlabel("layer (1 = closest to the input)")
        ax.set_ylabel("‖∂L/∂W‖ at initialisation")
        _finish_single(fig, ax, path)

    fig = _figure(ctx, f"gradient_flow_{depth_n}", {"norms": norms}, make, "Gradient norm per layer")
    rows = [[label, f"{ns[0]:.3g}", f"{ns[-1]:.3g}", f"{ns[0] / ns[-1]:.3g}"] for label, ns in norms.items()]
    return (
        fig
        + "\n\n"
        + _table(
            ["network", "‖∂L/∂W₁‖ (first layer)", f"‖∂L/∂W{depth_n}‖ (last layer)", "first / last"], rows
        )
    )


# ---------------------------------------------------------------------------------------------- variance


def _forward_moments(spec, depth: int, width: int = 256, batch: int = 1024, mean0=0.0, std0=1.0, post=False):
    """Mean and variance at each layer of a freshly initialised deep MLP.

    post=False: of the pre-activations W·h, one entry per layer. post=True: of the activations f(W·h), with
    the input's moments first (layer 0).
    """
    ws = _deep_mlp(spec, depth, width)
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


VARIANCE_CASES = ("relu", "tanh", "selu", "silu", "gelu", "sigmoid")


def activation_variance(ctx, depth: str = "64") -> str:
    """Variance of pre-activations through depth, each activation with the init its spec recommends."""
    depth_n = int(depth)
    names = [n for n in VARIANCE_CASES if n in catalog.names()]
    moments = ctx.cached(
        f"activation_variance_{depth_n}",
        {"names": names},
        lambda: {n: _forward_moments(catalog.get(n), depth_n) for n in names},
    )

    def make(path: Path) -> None:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(7, 3.8))
        for n, (_, v) in moments.items():
            spec = catalog.get(n)
            ax.semilogy(range(1, depth_n + 1), v, label=f"{spec.title} + {spec.init.describe()}")
        ax.set_xlabel("layer")
        ax.set_ylabel("Var[pre-activation]")
        _finish_single(fig, ax, path)

    fig = _figure(ctx, f"activation_variance_{depth_n}", {"m": moments}, make, "Variance through depth")
    rows = [
        [catalog.get(n).title, catalog.get(n).init.describe(), f"{v[0]:.3g}", f"{v[-1]:.3g}"]
        for n, (_, v) in moments.items()
    ]
    return (
        fig
        + "\n\n"
        + _table(["activation", "initialisation", "Var at layer 1", f"Var at layer {depth_n}"], rows)
    )


def selu_fixed_point(ctx) -> str:
    """SELU with LeCun init pulls badly scaled inputs back to mean 0, variance 1."""
    spec = catalog.get("selu")
    starts = [(0.0, 1.0), (1.0, 2.0), (-0.5, 0.3), (0.5, 3.0)]
    computed = ctx.cached(
        "selu_fixed_point",
        {"starts": starts},
        lambda: [_forward_moments(spec, 32, width=512, mean0=m0, std0=s0, post=True) for m0, s0 in starts],
    )
    runs = dict(zip(starts, computed, strict=True))

    def make(path: Path) -> None:
        plt = _plt()
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.4))
        for (m0, s0), (m, v) in runs.items():
            a1.plot(m, label=f"input mean {m0}, std {s0}")
            a2.plot(v)
        a1.set_xlabel("layer (0 = input)")
        a1.set_ylabel("mean of activations")
        a2.set_xlabel("layer (0 = input)")
        a2.set_ylabel("variance of activations")
        a1.legend(fontsize=8, framealpha=0.85, labelcolor="#555555")
        for a in (a1, a2):
            _style(a)
        _save(fig, path)

    fig = _figure(ctx, "selu_fixed_point", {"runs": runs}, make, "SELU moments through depth")
    rows = [[f"{m0}, {s0}", f"{m[-1]:+.3f}", f"{v[-1]:.3f}"] for (m0, s0), (m, v) in runs.items()]
    return (
        fig
        + "\n\n"
        + _table(["input mean, std", "activation mean at layer 32", "activation variance at layer 32"], rows)
    )


# ---------------------------------------------------------------------------------------------- dying ReLU


def _dead_fraction_after_training(
    act: str, lr: float, seed: int = 0, steps: int = 300
) -> tuple[float, float]:
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


DYING_LRS = (0.001, 0.003, 0.01, 0.03, 0.1)


def dying_relu(ctx) -> str:
    """Never-active unit fraction after training at several learning rates, ReLU against its variants."""
    acts = [a for a in ("relu", "leaky_relu", "elu") if a in catalog.names()]
    runs = ctx.cached(
        "dying_relu",
        {"acts": acts, "lrs": DYING_LRS},
        lambda: {a: [_dead_fraction_after_training(a, lr) for lr in DYING_LRS] for a in acts},
    )

    def make(path: Path) -> None:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(6, 3.4))
        for a, rs in runs.items():
            ax.plot(DYING_LRS, [r[0] for r in rs], marker="o", label=catalog.get(a).title)
        ax.set_xscale("log")
        ax.set_xlabel("Adam learning rate")
        ax.set_ylabel("fraction of hidden units never active")
        _finish_single(fig, ax, path)

    fig = _figure(ctx, "dying_relu", {"runs": runs}, make, "Never-active units against learning rate")
    headers = ["activation", *[f"lr {lr:g}" for lr in DYING_LRS]]

    def cell(r: tuple[float, float]) -> str:
        return "diverged" if math.isnan(r[0]) else f"{r[0]:.0%} never active, {r[1]:.0%} acc."

    rows = [[catalog.get(a).title, *(cell(r) for r in rs)] for a, rs in runs.items()]
    return fig + "\n\n" + _table(headers, rows)
