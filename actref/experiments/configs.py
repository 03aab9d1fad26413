"""The experiments, as data: which models are trained together, on what, for how long.

An experiment is a list of variants. A variant is one stack: models that share an architecture and a learning
rate, one per (activation, seed), trained together. Activation lists are read from the registry when a config is
built, so a newly registered activation joins every experiment without an edit here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import torch

from actref import catalog

STANDARD_HIDDEN = (256, 128)
SEEDS = (0, 1, 2, 3, 4)

# Activations that the trainer does not use as hidden units: they normalise across features (softmax) or are
# studied in the `gated` experiment, where the layer widths are matched to their parameter count.
NOT_HIDDEN_UNITS = ("softmax", "log_softmax")
GATED = ("glu", "reglu", "geglu", "swiglu", "bilinear", "maxout", "crelu")
# Each gated unit against the elementwise activation it builds on.
GATED_COUNTERPARTS = {
    "glu": "sigmoid",
    "reglu": "relu",
    "geglu": "gelu",
    "swiglu": "silu",
    "bilinear": "identity",
    "maxout": "relu",
    "crelu": "relu",
}
DEPTH_ACTIVATIONS = (
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "mish",
    "tanh",
    "sigmoid",
    "softplus",
    "identity",
)
LR_ACTIVATIONS = ("relu", "leaky_relu", "relu6", "prelu", "elu", "selu", "gelu", "silu", "tanh", "sigmoid")
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
DEPTHS = (2, 4, 8, 16, 32, 64)
# The depth sweep's CPU budget (issue 15): 10 000 training images and 10 epochs keep 12 variants × 55 models
# under 90 minutes on 2 cores; the validation and test splits stay whole.
DEPTH_SUBSET = (10000, 10000, 10000)
DEPTH_EPOCHS = 10
# The CNN's activations: the classic eleven of the depth sweep, PReLU in place of the identity.
CNN_ACTIVATIONS = (
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "mish",
    "tanh",
    "sigmoid",
    "softplus",
)
# The depth claim (plain deep ReLU nets need normalisation) comes from SGD-trained networks (He et al. 2015);
# Adam's per-parameter step scaling hides vanishing gradients, so the sweep runs both.
SGD_LR, SGD_MOMENTUM = 1e-2, 0.9
OPTIMIZERS = ("adam", "sgd")


@dataclass(frozen=True)
class Member:
    """One model of a stack: an activation, a seed, and (optionally) an initialisation other than the spec's."""

    activation: str
    seed: int
    init: tuple[str, float] | None = None  # (scheme, gain); None = the spec's recommended init

    @property
    def init_label(self) -> str:
        spec_init = catalog.get(self.activation).init
        scheme, gain = self.init or (spec_init.scheme, spec_init.gain)
        return f"{scheme} (gain {gain:.3g})"


@dataclass(frozen=True)
class Variant:
    """One stack: the same architecture and learning rate for every (activation, seed) in it."""

    name: str
    activations: tuple[str, ...]
    arch: str = "mlp"  # "mlp" or "cnn"
    hidden: tuple[int, ...] = (
        STANDARD_HIDDEN  # widths after each hidden activation (MLP) or conv channels (CNN)
    )
    lr: float = 1e-3
    inits: tuple[tuple[str, float] | None, ...] | None = None  # per activation (signal experiment)
    optimizer: str = "adam"  # "adam", or "sgd" (momentum SGD_MOMENTUM)

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {self.optimizer!r}; valid: {', '.join(OPTIMIZERS)}.")

    def members(self, seeds: tuple[int, ...]) -> list[Member]:
        inits = self.inits or (None,) * len(self.activations)
        return [
            Member(act, seed, init)
            for act, init in zip(self.activations, inits, strict=True)
            for seed in seeds
        ]


@dataclass(frozen=True)
class ExperimentConfig:
    """An experiment: its variants, seeds, schedule, data subset and what to measure besides accuracy."""

    name: str
    title: str
    description: str
    variants: tuple[Variant, ...]
    seeds: tuple[int, ...] = SEEDS
    epochs: int = 20
    batch_size: int = 128
    kind: str = "train"  # "train" (Fashion-MNIST) or "signal" (forward/backward statistics at init)
    subset: tuple[int, int, int] | None = None  # (train, val, test) sizes; None = the full splits
    measure: tuple[str, ...] = ()  # "grad_norms", "dead_units"
    signal_batch: int = 1024  # depth and width of a signal stack are its variant's `hidden`
    smoke: bool = False
    reductions: str = ""  # what was cut to fit the CPU budget, and why the question is still answered

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def n_models(self) -> int:
        return sum(len(v.activations) for v in self.variants) * len(self.seeds)


def _registered(names) -> tuple[str, ...]:
    known = set(catalog.names())
    return tuple(n for n in names if n in known)


def elementwise_activations() -> tuple[str, ...]:
    """Every registered elementwise activation usable as a hidden unit, sorted by name."""
    return tuple(
        s.name for s in catalog.all_specs() if s.elementwise and s.name not in NOT_HIDDEN_UNITS + GATED
    )


def fashion_mnist_mlp() -> ExperimentConfig:
    return ExperimentConfig(
        name="fashion_mnist_mlp",
        title="Fashion-MNIST, MLP 784-256-128-10",
        description="Every elementwise activation in an MLP 784-256-128-10, Adam lr 1e-3, batch 128, "
        "10 epochs, 5 seeds, each activation's recommended initialisation.",
        variants=(Variant("mlp", elementwise_activations()),),
        epochs=10,
        reductions="10 epochs instead of 20, so that every elementwise activation × 5 seeds trains in one run "
        "within 90 minutes on 2 CPU cores. The networks are near their best validation accuracy by then "
        "(88.6% ± 0.3 for ReLU at 10 epochs in the GPU anchor runs), and every activation gets the same schedule.",
    )


def fashion_mnist_cnn() -> ExperimentConfig:
    return ExperimentConfig(
        name="fashion_mnist_cnn",
        title="Fashion-MNIST, small CNN",
        description="conv 3×3 (8) → act → max-pool → conv 3×3 (16) → act → max-pool → linear 784→10; eleven "
        "activations, Adam lr 1e-3, batch 128, 10 epochs on 10 000 training images, 5 seeds.",
        variants=(Variant("cnn", _registered(CNN_ACTIVATIONS), arch="cnn", hidden=(8, 16)),),
        epochs=10,
        subset=(10000, 10000, 10000),
        reductions="Sized to well under 90 minutes on 2 CPU cores (benchmarks/cnn_cpu_cost.py): 8 and 16 channels "
        "instead of 32 and 64, eleven activations instead of all, 10 000 of the 50 000 training images (as in the "
        "depth sweep) and 10 epochs. "
        "The question it answers — does the MLP's ranking of these activations carry over to convolutions? — "
        "needs the same activations in both, not a state-of-the-art CNN.",
    )


def depth() -> ExperimentConfig:
    acts = _registered(DEPTH_ACTIVATIONS)
    return ExperimentConfig(
        name="depth",
        title="Depth: plain MLPs of 2 to 64 hidden layers",
        description=f"Plain MLPs with {', '.join(map(str, DEPTHS[:-1]))} and {DEPTHS[-1]} hidden layers of width "
        f"128, no normalisation, each trained twice: with Adam (lr 1e-3) and with SGD (lr {SGD_LR:g}, momentum "
        f"{SGD_MOMENTUM:g}); {DEPTH_EPOCHS} epochs on {DEPTH_SUBSET[0]:,} training images, 5 seeds; gradient "
        "norm per layer at init, after the first epoch and after training.",
        variants=tuple(
            Variant(
                f"depth{d}" + ("" if opt == "adam" else "_sgd"),
                acts,
                hidden=(128,) * d,
                **({} if opt == "adam" else {"lr": SGD_LR, "optimizer": "sgd"}),
            )
            for opt in OPTIMIZERS
            for d in DEPTHS
        ),
        epochs=DEPTH_EPOCHS,
        subset=DEPTH_SUBSET,
        measure=("grad_norms",),
        reductions=f"{DEPTH_SUBSET[0]:,} of the 50 000 training images and {DEPTH_EPOCHS} epochs instead of 20, "
        "to fit 90 minutes on 2 CPU cores. The claims are about whether a plain deep network trains at all and "
        "how gradients shrink through depth: a network that cannot fit 10 000 images in 10 epochs does not "
        "converge, and the gradient norms at initialisation do not depend on the data size.",
    )


def learning_rate() -> ExperimentConfig:
    acts = _registered(LR_ACTIVATIONS)
    return ExperimentConfig(
        name="learning_rate",
        title="Learning-rate sweep",
        description="The standard MLP at Adam learning rates from 1e-4 to 1e-1, 10 epochs, 5 seeds; the "
        "fraction of hidden units never active on the validation set.",
        variants=tuple(Variant(f"lr{lr:g}", acts, lr=lr) for lr in LEARNING_RATES),
        epochs=10,
        measure=("dead_units",),
    )


def self_normalisation() -> ExperimentConfig:
    pairs = [
        ("selu", ("lecun", 1.0)),
        ("selu", ("kaiming", 2**0.5)),
        ("relu", ("kaiming", 2**0.5)),
        ("relu", ("xavier", 1.0)),
        ("tanh", ("xavier", 5 / 3)),
        ("tanh", ("xavier", 1.0)),
        ("sigmoid", ("xavier", 1.0)),
        ("elu", ("kaiming", 2**0.5)),
        ("gelu", ("kaiming", 2**0.5)),
        ("silu", ("kaiming", 2**0.5)),
    ]
    known = set(catalog.names())
    pairs = [p for p in pairs if p[0] in known]
    return ExperimentConfig(
        name="self_normalisation",
        title="Self-normalisation through 64 layers",
        description="Mean and variance of the activations and of the backpropagated gradients in each of 64 "
        "layers of width 256 at initialisation, for N(0, 1) inputs (batch 1024), 5 seeds.",
        variants=(
            Variant(
                "signal", tuple(a for a, _ in pairs), hidden=(256,) * 64, inits=tuple(i for _, i in pairs)
            ),
        ),
        kind="signal",
        epochs=0,
    )


def gated() -> ExperimentConfig:
    gated_acts = _registered(GATED)
    counterparts = _registered(dict.fromkeys(GATED_COUNTERPARTS[g] for g in gated_acts))
    variants = [Variant("elementwise", counterparts)]
    variants += [Variant(g, (g,), hidden=matched_hidden(g)) for g in gated_acts]
    return ExperimentConfig(
        name="gated",
        title="Gated units and maxout at matched parameter count",
        description="GLU variants, maxout and CReLU in the MLP, with hidden widths scaled so each network has "
        "(within 1%) the parameters of the elementwise 784-256-128-10 MLP; 20 epochs, 5 seeds.",
        variants=tuple(variants),
    )


def output_ratio(activation: str) -> float:
    """Output features per input feature of an activation along the last dim (½ for GLU, 2 for CReLU)."""
    spec = catalog.get(activation)
    if spec.elementwise:
        return 1.0
    width = 24
    params = {"dim": -1} if "dim" in spec.params else {}
    return spec(torch.zeros(2, width), **params).shape[-1] / width


def parameter_count(widths_in: list[int], widths_out: list[int]) -> int:
    return sum(i * o + o for i, o in zip(widths_in, widths_out, strict=True))


def layer_widths(hidden: tuple[int, ...], ratio: float, n_in: int = 784, n_out: int = 10):
    """(ins, outs) of the linear layers when each hidden activation maps `out` features to `ratio`·out.

    For ratio < 1 (GLU: ½, maxout: 1/k) the linear layer is widened so the activation returns exactly h; for
    ratio > 1 (CReLU: 2) it is narrowed, and the activation's actual output width feeds the next layer.
    """
    ins, outs = [n_in], []
    for h in hidden:
        if ratio < 1:
            out = h * round(1 / ratio)
            ins.append(h)
        else:
            out = max(1, round(h / ratio))
            ins.append(round(out * ratio))
        outs.append(out)
    outs.append(n_out)
    return ins, outs


def matched_hidden(activation: str, base: tuple[int, ...] = STANDARD_HIDDEN) -> tuple[int, ...]:
    """Hidden widths (after the activation) giving the parameter count of the elementwise `base` MLP."""
    ratio = output_ratio(activation)
    target = parameter_count(*layer_widths(base, 1.0))

    def count(scale: float) -> tuple[int, tuple[int, ...]]:
        hidden = tuple(max(1, round(h * scale)) for h in base)
        return parameter_count(*layer_widths(hidden, ratio)), hidden

    lo, hi = 0.05, 4.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if count(mid)[0] < target:
            lo = mid
        else:
            hi = mid
    best = min((count(lo), count(hi)), key=lambda c: abs(c[0] - target))[1]
    return tuple(layer_widths(best, ratio)[0][1:])  # the widths the activations actually output


def shrink_for_smoke(config: ExperimentConfig) -> ExperimentConfig:
    """A seconds-on-the-CPU version of `config`: 1 seed, 1 epoch, a data subset, narrow layers."""
    variants = []
    for v in config.variants:
        if config.kind == "signal":
            variants.append(dataclasses.replace(v, hidden=(64,) * 16))
        elif v.arch == "cnn":
            few = _registered(("relu", "tanh", "gelu", "sigmoid")) or v.activations[:4]
            variants.append(dataclasses.replace(v, activations=few, hidden=(4, 8)))
        else:
            variants.append(dataclasses.replace(v, hidden=tuple(max(2, h // 4) for h in v.hidden)))
    if config.name == "learning_rate":
        variants = variants[1::3]
    seeds = config.seeds[:1] if config.kind == "train" else config.seeds[:2]
    return dataclasses.replace(
        config,
        description=(
            f"Smoke version ({len(seeds)} seeds, 16 layers of width 64, batch 256) of: {config.description}"
            if config.kind == "signal"
            else f"Smoke version ({len(seeds)} seed, 1 epoch, 2000/1000/1000 train/val/test images, layers a "
            f"quarter as wide) of: {config.description}"
        ),
        variants=tuple(variants),
        seeds=seeds,
        epochs=min(config.epochs, 1),
        subset=(2000, 1000, 1000),
        signal_batch=256,
        smoke=True,
    )


def smoke() -> ExperimentConfig:
    """Every elementwise activation, 1 seed, 1 epoch, 2k/1k/1k samples: the whole pipeline in seconds."""
    return dataclasses.replace(
        shrink_for_smoke(fashion_mnist_mlp()),
        name="smoke",
        title="Smoke test (CPU, data subset)",
        description="Every elementwise activation in a narrow MLP, 1 seed, 1 epoch, 2000/1000/1000 "
        "train/val/test images. It proves the pipeline runs; its numbers mean nothing.",
    )


CONFIGS: dict[str, Callable[[], ExperimentConfig]] = {
    "fashion_mnist_mlp": fashion_mnist_mlp,
    "fashion_mnist_cnn": fashion_mnist_cnn,
    "depth": depth,
    "learning_rate": learning_rate,
    "self_normalisation": self_normalisation,
    "gated": gated,
    "smoke": smoke,
}


def get_config(name: str, smoke: bool = False) -> ExperimentConfig:
    """The config called `name`; `smoke=True` shrinks it to run in seconds on the CPU."""
    if name not in CONFIGS:
        raise KeyError(f"Unknown experiment {name!r}; valid: {', '.join(CONFIGS)}.")
    config = CONFIGS[name]()
    return shrink_for_smoke(config) if smoke and not config.smoke else config
