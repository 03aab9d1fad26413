"""The per-library calls, as data: for each actref activation, the call each library ships for it.

A `Call` names the activation it is compared with, the library, the code a user writes, how to build it
(`path`, `kind`), arguments it always takes (`kwargs`: required arguments, and the float64 dtype of a layer's
own parameters), and one non-default `Setting`: library arguments and the actref parameters that should give
the same function. When the library's default differs from actref's (= torch's), the setting is the one that
restores actref's default (its `ref` is empty), so a "different default" verdict names the parameter.

Calls of one library for one activation after the first are aliases (`alias_of` the first's code): the same
function under another name (jax's `hard_silu`, transformers' `gelu_new`/`gelu_fast`, torch's nn modules).
Activations that no library here ships have no calls; the results file lists them as not shipped.

The defaults themselves are never written here: the run reads each call's signature from the library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from actref.frameworks.names import LIBRARIES


@dataclass(frozen=True)
class Eval:
    """An argument value that is library code, e.g. an initializer (evaluated with the library imported)."""

    code: str


@dataclass(frozen=True)
class FromSpec:
    """An argument value taken from actref's default of one of the activation's parameters."""

    param: str


@dataclass(frozen=True)
class Setting:
    """Library arguments, and the actref parameters ({} = actref's defaults) that should match them."""

    kwargs: Mapping[str, Any]
    ref: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    activation: str
    library: str
    code: str  # what a user writes, e.g. "jax.nn.gelu(x)"
    path: str  # the object to resolve: "jax.nn.gelu", "transformers.activations.ACT2FN"
    kind: str = "function"  # function | factory | module | item | keras_layer | flax_module
    arg: Any = None  # the factory's argument (a timm name) or the item's key (an ACT2FN key)
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    setting: Setting | None = None
    no_setting: str = ""  # why there is no non-default setting
    alias_of: str | None = None
    note: str = ""  # what differs, in words, where the numbers show a difference
    mistaken_for: str | None = None  # an activation its name suggests: measured against that one too

    @property
    def key(self) -> str:
        return f"{self.activation}|{self.library}|{self.code}"


NO_PARAMS = "no parameters"
KINDS = ("function", "factory", "module", "item", "keras_layer", "flax_module")


# ---------------------------------------------------------------------------------------------- torch
def _torch() -> list[Call]:
    out: list[Call] = []

    def add(act, fn, module, setting=None, no_setting=NO_PARAMS, kwargs=None, mkwargs=None, note=""):
        code_kw = "".join(f", {k}={v!r}" for k, v in (kwargs or {}).items())
        out.append(
            Call(
                act,
                "torch",
                f"F.{fn}(x{code_kw})",
                f"torch.nn.functional.{fn}",
                kwargs=kwargs or {},
                setting=setting,
                no_setting=no_setting if setting is None else "",
                note=note,
            )
        )
        if module:
            mk = "".join(f"{k}={v!r}" for k, v in (mkwargs or {}).items())
            ms = None
            if setting is not None:
                ms = Setting({**(mkwargs or {}), **setting.kwargs}, setting.ref)
            out.append(
                Call(
                    act,
                    "torch",
                    f"nn.{module}({mk})(x)",
                    f"torch.nn.{module}",
                    kind="module",
                    kwargs=mkwargs or {},
                    setting=ms,
                    no_setting=no_setting if ms is None else "",
                    alias_of=out[-1].code,
                )
            )

    s = Setting
    add("relu", "relu", "ReLU")
    add("relu6", "relu6", "ReLU6")
    add("leaky_relu", "leaky_relu", "LeakyReLU", s({"negative_slope": 0.2}, {"negative_slope": 0.2}))
    add("elu", "elu", "ELU", s({"alpha": 0.5}, {"alpha": 0.5}))
    add("celu", "celu", "CELU", s({"alpha": 0.5}, {"alpha": 0.5}))
    add("selu", "selu", "SELU")
    add("gelu", "gelu", "GELU")
    add("gelu_tanh", "gelu", "GELU", kwargs={"approximate": "tanh"}, mkwargs={"approximate": "tanh"})
    add("silu", "silu", "SiLU", no_setting="no β: F.silu is β = 1 only")
    add("mish", "mish", "Mish")
    add(
        "hardsigmoid",
        "hardsigmoid",
        "Hardsigmoid",
        note="Its backward uses 1/6 rounded to float32 (0.16666667163) even in float64.",
    )
    add("hardswish", "hardswish", "Hardswish")
    add(
        "hardtanh",
        "hardtanh",
        "Hardtanh",
        s({"min_val": -2.0, "max_val": 3.0}, {"min_val": -2.0, "max_val": 3.0}),
    )
    add("hardshrink", "hardshrink", "Hardshrink", s({"lambd": 1.5}, {"lambd": 1.5}))
    add("softshrink", "softshrink", "Softshrink", s({"lambd": 1.5}, {"lambd": 1.5}))
    add("tanhshrink", "tanhshrink", "Tanhshrink")
    add(
        "threshold",
        "threshold",
        None,
        s({"threshold": 1.0, "value": -2.0}, {"threshold": 1.0, "value": -2.0}),
        kwargs={"threshold": 0.0, "value": 0.0},
    )
    add(
        "softplus",
        "softplus",
        "Softplus",
        s({"beta": 2.0}, {"beta": 2.0}),
        note="F.softplus returns x where βx > threshold (20 by default) instead of x + log1p(exp(−x)).",
    )
    add("sigmoid", "sigmoid", "Sigmoid")
    add("tanh", "tanh", "Tanh")
    add("softsign", "softsign", "Softsign")
    add("logsigmoid", "logsigmoid", "LogSigmoid")
    add("rrelu", "rrelu", None, s({"lower": 0.2, "upper": 0.4}, {"lower": 0.2, "upper": 0.4}))
    out.append(
        Call(
            "rrelu",
            "torch",
            "nn.RReLU()(x)",
            "torch.nn.RReLU",
            kind="module",
            alias_of="F.rrelu(x)",
            no_setting="a module is built in training mode",
            note="nn.RReLU() is built in training mode: it draws a random negative slope in "
            "[1/8, 1/3] for every element; call .eval() for the fixed slope (1/8 + 1/3)/2.",
        )
    )
    out.append(
        Call(
            "prelu",
            "torch",
            "nn.PReLU()(x)",
            "torch.nn.PReLU",
            kind="module",
            setting=Setting({"init": 0.1}, {"weight": 0.1}),
        )
    )
    out.append(
        Call(
            "prelu",
            "torch",
            "F.prelu(x, torch.tensor([0.25]))",
            "torch.nn.functional.prelu",
            kwargs={"weight": Eval("torch.tensor([0.25], dtype=torch.float64)")},
            alias_of="nn.PReLU()(x)",
            setting=Setting({"weight": Eval("torch.tensor([0.1], dtype=torch.float64)")}, {"weight": 0.1}),
        )
    )
    out.append(
        Call(
            "identity", "torch", "nn.Identity()(x)", "torch.nn.Identity", kind="module", no_setting=NO_PARAMS
        )
    )
    for act, fn in (("softmax", "softmax"), ("log_softmax", "log_softmax"), ("softmin", "softmin")):
        out.append(
            Call(
                act,
                "torch",
                f"F.{fn}(x, dim=-1)",
                f"torch.nn.functional.{fn}",
                kwargs={"dim": -1},
                setting=Setting({"dim": 0}, {"dim": 0}),
                note=f"F.{fn}'s dim defaults to None, which picks dim=1 for 2-D input (with a warning).",
            )
        )
    out.append(
        Call("glu", "torch", "F.glu(x)", "torch.nn.functional.glu", setting=Setting({"dim": 0}, {"dim": 0}))
    )
    return out


# ---------------------------------------------------------------------------------------------- jax / flax
JAX_NAMES = {
    # actref name: (jax.nn name, setting or None, aliases)
    "relu": ("relu", None, ()),
    "relu6": ("relu6", None, ()),
    "leaky_relu": ("leaky_relu", Setting({"negative_slope": 0.2}, {"negative_slope": 0.2}), ()),
    "elu": ("elu", Setting({"alpha": 0.5}, {"alpha": 0.5}), ()),
    "celu": ("celu", Setting({"alpha": 0.5}, {"alpha": 0.5}), ()),
    "selu": ("selu", None, ()),
    "gelu": ("gelu", Setting({"approximate": False}), ()),
    "gelu_tanh": ("gelu", None, ()),
    "silu": ("silu", None, ("swish",)),
    "mish": ("mish", None, ()),
    "hardsigmoid": ("hard_sigmoid", None, ()),
    "hardswish": ("hard_swish", None, ("hard_silu",)),
    "hardtanh": ("hard_tanh", None, ()),
    "softplus": ("softplus", None, ()),
    "sigmoid": ("sigmoid", None, ()),
    "tanh": ("tanh", None, ()),
    "softsign": ("soft_sign", None, ()),
    "logsigmoid": ("log_sigmoid", None, ()),
    "identity": ("identity", None, ()),
    "squareplus": ("squareplus", Setting({"b": 1.0}, {"b": 1.0}), ()),
    "sparse_plus": ("sparse_plus", None, ()),
    "sparse_sigmoid": ("sparse_sigmoid", None, ()),
    "softmax": ("softmax", Setting({"axis": 0}, {"dim": 0}), ()),
    "log_softmax": ("log_softmax", Setting({"axis": 0}, {"dim": 0}), ()),
    "glu": ("glu", Setting({"axis": 0}, {"dim": 0}), ()),
}
NOTES = {
    (
        "gelu",
        "jax",
    ): "jax.nn.gelu's approximate defaults to True: the tanh form, not F.gelu's exact erf form.",
    ("gelu", "flax"): "flax.linen.gelu is jax.nn.gelu: approximate=True by default.",
}


# What flax.linen re-exports from jax.nn (flax 0.12): the others (mish, squareplus, sparse_plus, identity, ...)
# are not there.
FLAX_NAMES = {
    "celu",
    "elu",
    "gelu",
    "glu",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_sign",
    "softmax",
    "softplus",
    "swish",
    "tanh",
}


def _jax_like(library: str, prefix: str, path: str) -> list[Call]:
    out = []
    for act, (name, setting, aliases) in JAX_NAMES.items():
        if library == "flax" and name not in FLAX_NAMES:
            continue
        primary = f"{prefix}.{name}(x)"
        out.append(
            Call(
                act,
                library,
                primary,
                f"{path}.{name}",
                setting=setting,
                no_setting="" if setting else NO_PARAMS,
                note=NOTES.get((act, library), ""),
            )
        )
        for alias in aliases:
            if library == "flax" and alias not in FLAX_NAMES:
                continue
            out.append(
                Call(
                    act,
                    library,
                    f"{prefix}.{alias}(x)",
                    f"{path}.{alias}",
                    setting=setting,
                    no_setting="" if setting else NO_PARAMS,
                    alias_of=primary,
                )
            )
    return out


def _flax() -> list[Call]:
    out = _jax_like("flax", "flax.linen", "flax.linen")
    out.append(
        Call(
            "prelu",
            "flax",
            "flax.linen.PReLU()",
            "flax.linen.PReLU",
            kind="flax_module",
            kwargs={"param_dtype": Eval("jax.numpy.float64")},
            setting=Setting({"negative_slope_init": 0.25}),
            note="flax.linen.PReLU starts its slope at 0.01; torch's nn.PReLU at 0.25.",
        )
    )
    return out


# ---------------------------------------------------------------------------------------------- keras
KERAS_NAMES = {
    "relu": ("relu", None, ()),
    "relu6": ("relu6", None, ()),
    "leaky_relu": ("leaky_relu", Setting({"negative_slope": 0.01}), ()),
    "elu": ("elu", Setting({"alpha": 0.5}, {"alpha": 0.5}), ()),
    "celu": ("celu", Setting({"alpha": 0.5}, {"alpha": 0.5}), ()),
    "selu": ("selu", None, ()),
    "gelu": ("gelu", None, ()),
    "gelu_tanh": ("gelu", None, ()),
    "silu": ("silu", None, ("swish",)),
    "mish": ("mish", None, ()),
    "hardsigmoid": ("hard_sigmoid", None, ()),
    "hardswish": ("hard_swish", None, ("hard_silu",)),
    "hardtanh": ("hard_tanh", None, ()),
    "hardshrink": ("hard_shrink", Setting({"threshold": 1.5}, {"lambd": 1.5}), ()),
    "softshrink": ("soft_shrink", Setting({"threshold": 1.5}, {"lambd": 1.5}), ()),
    "tanhshrink": ("tanh_shrink", None, ()),
    "threshold": (
        "threshold",
        Setting({"threshold": 1.0, "default_value": -2.0}, {"threshold": 1.0, "value": -2.0}),
        (),
    ),
    "softplus": ("softplus", None, ()),
    "sigmoid": ("sigmoid", None, ()),
    "tanh": ("tanh", None, ()),
    "softsign": ("softsign", None, ()),
    "logsigmoid": ("log_sigmoid", None, ()),
    "identity": ("linear", None, ()),
    "exponential": ("exponential", None, ()),
    "squareplus": ("squareplus", Setting({"b": 1.0}, {"b": 1.0}), ()),
    "sparse_plus": ("sparse_plus", None, ()),
    "sparse_sigmoid": ("sparse_sigmoid", None, ()),
    "softmax": ("softmax", Setting({"axis": 0}, {"dim": 0}), ()),
    "log_softmax": ("log_softmax", Setting({"axis": 0}, {"dim": 0}), ()),
    "glu": ("glu", Setting({"axis": 0}, {"dim": 0}), ()),
    "sparsemax": ("sparsemax", Setting({"axis": 0}, {"dim": 0}), ()),
}
KERAS_NOTES = {
    "sparsemax": "Keras 3.15.1's sparsemax (every backend) takes its threshold from the sum of all the cumulative "
    "sums in the support instead of the k-th one: its output is wrong unless the support is a single element.",
    "tanh": "keras.activations.tanh (keras.ops.tanh) returns float32 for float64 input in Keras 3.15.1.",
}
KERAS_KWARGS = {"gelu_tanh": {"approximate": True}, "threshold": {"threshold": 0.0, "default_value": 0.0}}


def _keras_like(
    library: str, names: Mapping[str, tuple], prefix: str, kwargs: Mapping[str, dict]
) -> list[Call]:
    out = []
    for act, (name, setting, aliases) in names.items():
        kw = kwargs.get(act, {})
        code_kw = "".join(f", {k}={v!r}" for k, v in kw.items())
        primary = f"{prefix}.{name}(x{code_kw})"
        note = KERAS_NOTES.get(act, "") if library == "keras" else ""
        if act == "leaky_relu":
            note = f"{prefix}.leaky_relu's negative_slope defaults to 0.2; torch's to 0.01."
        if act == "hardsigmoid" and library == "tf_keras":
            note = "Keras 2's hard_sigmoid is clip(0.2·x + 0.5, 0, 1); Keras 3 and torch use relu6(x + 3)/6."
        out.append(
            Call(
                act,
                library,
                primary,
                f"{prefix}.{name}",
                kwargs=kw,
                setting=setting,
                no_setting="" if setting else NO_PARAMS,
                note=note,
            )
        )
        for alias in aliases:
            out.append(
                Call(
                    act,
                    library,
                    f"{prefix}.{alias}(x{code_kw})",
                    f"{prefix}.{alias}",
                    kwargs=kw,
                    setting=setting,
                    no_setting="" if setting else NO_PARAMS,
                    alias_of=primary,
                )
            )
    return out


def _keras() -> list[Call]:
    out = _keras_like("keras", KERAS_NAMES, "keras.activations", KERAS_KWARGS)
    out.append(
        Call(
            "leaky_relu",
            "keras",
            "keras.layers.LeakyReLU()",
            "keras.layers.LeakyReLU",
            kind="keras_layer",
            setting=Setting({"negative_slope": 0.01}),
            alias_of="keras.activations.leaky_relu(x)",
            note="keras.layers.LeakyReLU's negative_slope defaults to 0.3, its function's to 0.2.",
        )
    )
    out.append(
        Call(
            "prelu",
            "keras",
            "keras.layers.PReLU()",
            "keras.layers.PReLU",
            kind="keras_layer",
            setting=Setting({"alpha_initializer": Eval("keras.initializers.Constant(0.25)")}),
            note="keras.layers.PReLU starts its slope at zero (alpha_initializer='Zeros'): it is ReLU "
            "until trained; torch's nn.PReLU starts at 0.25.",
        )
    )
    return out


TF_KERAS_NAMES = {
    "relu": ("relu", None, ()),
    "elu": ("elu", Setting({"alpha": 0.5}, {"alpha": 0.5}), ()),
    "selu": ("selu", None, ()),
    "gelu": ("gelu", None, ()),
    "gelu_tanh": ("gelu", None, ()),
    "silu": ("swish", None, ()),
    "mish": ("mish", None, ()),
    "hardsigmoid": ("hard_sigmoid", None, ()),
    "softplus": ("softplus", None, ()),
    "sigmoid": ("sigmoid", None, ()),
    "tanh": ("tanh", None, ()),
    "softsign": ("softsign", None, ()),
    "identity": ("linear", None, ()),
    "exponential": ("exponential", None, ()),
    "softmax": ("softmax", Setting({"axis": 0}, {"dim": 0}), ()),
}


def _tf_keras() -> list[Call]:
    out = _keras_like(
        "tf_keras", TF_KERAS_NAMES, "tf_keras.activations", {"gelu_tanh": {"approximate": True}}
    )
    out.append(
        Call(
            "leaky_relu",
            "tf_keras",
            "tf_keras.layers.LeakyReLU()",
            "tf_keras.layers.LeakyReLU",
            kind="keras_layer",
            setting=Setting({"alpha": 0.01}),
            note="Keras 2's LeakyReLU layer defaults to alpha=0.3; torch's slope is 0.01.",
        )
    )
    out.append(
        Call(
            "prelu",
            "tf_keras",
            "tf_keras.layers.PReLU()",
            "tf_keras.layers.PReLU",
            kind="keras_layer",
            setting=Setting({"alpha_initializer": Eval("tf_keras.initializers.Constant(0.25)")}),
            note="Keras 2's PReLU also starts its slope at zero.",
        )
    )
    return out


# ---------------------------------------------------------------------------------------------- tensorflow
def _tensorflow() -> list[Call]:
    out: list[Call] = []

    def add(act, path, setting=None, kwargs=None, alias_of=None, note=""):
        short = path.replace("tensorflow.", "tf.")
        code_kw = "".join(f", {k}={v!r}" for k, v in (kwargs or {}).items())
        out.append(
            Call(
                act,
                "tensorflow",
                f"{short}(x{code_kw})",
                path,
                kwargs=kwargs or {},
                setting=setting,
                no_setting="" if setting else NO_PARAMS,
                alias_of=alias_of,
                note=note,
            )
        )

    add("relu", "tensorflow.nn.relu")
    add("relu6", "tensorflow.nn.relu6")
    add(
        "leaky_relu",
        "tensorflow.nn.leaky_relu",
        Setting({"alpha": 0.01}),
        note="tf.nn.leaky_relu's alpha defaults to 0.2; torch's negative_slope to 0.01.",
    )
    add("elu", "tensorflow.nn.elu")
    add(
        "selu",
        "tensorflow.nn.selu",
        note="TF's gradient of selu at 0 and just below it (x = −1e-30) is 1.0507, the positive side's slope; "
        "torch's is 1.7581.",
    )
    add(
        "gelu",
        "tensorflow.nn.gelu",
        note="tf.nn.gelu is off by up to 5e-9 in float64, while its formula written out, "
        "0.5·x·tf.math.erfc(−x/√2), is exact to an ulp.",
    )
    add(
        "gelu_tanh",
        "tensorflow.nn.gelu",
        kwargs={"approximate": True},
        note="tf.nn.gelu(approximate=True) is off by up to 9e-10 in float64.",
    )
    add("silu", "tensorflow.nn.silu", Setting({"beta": 2.0}, {"beta": 2.0}))
    add("silu", "tensorflow.nn.swish", Setting({"beta": 2.0}, {"beta": 2.0}), alias_of="tf.nn.silu(x)")
    add("softplus", "tensorflow.nn.softplus")
    add("softplus", "tensorflow.math.softplus", alias_of="tf.nn.softplus(x)")
    add("sigmoid", "tensorflow.nn.sigmoid")
    add("sigmoid", "tensorflow.math.sigmoid", alias_of="tf.nn.sigmoid(x)")
    add("tanh", "tensorflow.nn.tanh")
    add("tanh", "tensorflow.math.tanh", alias_of="tf.nn.tanh(x)")
    add("softsign", "tensorflow.nn.softsign")
    add("logsigmoid", "tensorflow.math.log_sigmoid")
    add("softmax", "tensorflow.nn.softmax", Setting({"axis": 0}, {"dim": 0}))
    add("log_softmax", "tensorflow.nn.log_softmax", Setting({"axis": 0}, {"dim": 0}))
    add("crelu", "tensorflow.nn.crelu", Setting({"axis": 0}, {"dim": 0}))
    return out


# ---------------------------------------------------------------------------------------------- timm
def _timm() -> list[Call]:
    out = []
    fns = {
        "relu": "relu",
        "relu6": "relu6",
        "leaky_relu": "leaky_relu",
        "elu": "elu",
        "celu": "celu",
        "selu": "selu",
        "gelu": "gelu",
        "gelu_tanh": "gelu_tanh",
        "quick_gelu": "quick_gelu",
        "silu": "silu",
        "mish": "mish",
        "hardsigmoid": "hard_sigmoid",
        "hardswish": "hard_swish",
        "hard_mish": "hard_mish",
        "sigmoid": "sigmoid",
        "tanh": "tanh",
    }
    settings = {
        "leaky_relu": Setting({"negative_slope": 0.2}, {"negative_slope": 0.2}),
        "elu": Setting({"alpha": 0.5}, {"alpha": 0.5}),
        "celu": Setting({"alpha": 0.5}, {"alpha": 0.5}),
    }
    aliases = {"silu": ("swish",), "hardsigmoid": ("hardsigmoid",), "hardswish": ("hardswish",)}
    for act, name in fns.items():
        primary = f"get_act_fn({name!r})(x)"
        st = settings.get(act)
        out.append(
            Call(
                act,
                "timm",
                primary,
                "timm.layers.get_act_fn",
                kind="factory",
                arg=name,
                setting=st,
                no_setting="" if st else NO_PARAMS,
            )
        )
        for alias in aliases.get(act, ()):
            out.append(
                Call(
                    act,
                    "timm",
                    f"get_act_fn({alias!r})(x)",
                    "timm.layers.get_act_fn",
                    kind="factory",
                    arg=alias,
                    setting=st,
                    no_setting="" if st else NO_PARAMS,
                    alias_of=primary,
                )
            )
    out.append(
        Call(
            "prelu",
            "timm",
            "get_act_layer('prelu')()",
            "timm.layers.get_act_layer",
            kind="factory",
            arg="prelu",
            setting=Setting({"init": 0.1}, {"weight": 0.1}),
        )
    )
    out.append(
        Call(
            "identity",
            "timm",
            "get_act_layer('identity')()",
            "timm.layers.get_act_layer",
            kind="factory",
            arg="identity",
            no_setting=NO_PARAMS,
        )
    )
    out.append(
        Call(
            "star_relu",
            "timm",
            "timm.models.metaformer.StarReLU()",
            "timm.models.metaformer.StarReLU",
            kind="module",
            setting=Setting({"scale_value": FromSpec("scale"), "bias_value": FromSpec("bias")}),
            note="timm's StarReLU starts at scale 1 and bias 0; the MetaFormer paper's values are "
            "0.8944 and −0.4472.",
        )
    )
    return out


# ---------------------------------------------------------------------------------------------- transformers
def _transformers() -> list[Call]:
    out = []
    groups = {
        "gelu": ["gelu", "gelu_python"],
        "gelu_tanh": ["gelu_new", "gelu_pytorch_tanh", "gelu_python_tanh", "gelu_fast", "gelu_accurate"],
        "quick_gelu": ["quick_gelu"],
        "relu": ["relu"],
        "relu6": ["relu6"],
        "leaky_relu": ["leaky_relu"],
        "silu": ["silu", "swish"],
        "mish": ["mish"],
        "hardswish": ["hardswish"],
        "sigmoid": ["sigmoid"],
        "tanh": ["tanh"],
        "identity": ["linear"],
        "prelu": ["prelu"],
        "squared_relu": ["relu2"],
        "clipped_gelu": ["gelu_10"],
        "laplace": ["laplace"],
        "xielu": ["xielu"],
    }
    settings = {
        "leaky_relu": Setting({"negative_slope": 0.2}, {"negative_slope": 0.2}),
        "prelu": Setting({"init": 0.1}, {"weight": 0.1}),
        "clipped_gelu": Setting({"min": -1.0, "max": 2.0}, {"min": -1.0, "max": 2.0}),
        "xielu": Setting({"dtype": Eval("torch.float64")}),
    }
    no_settings = {"laplace": "mu and sigma are arguments of forward(), not of the module"}
    notes = {
        "laplace": "LaplaceActivation.forward writes mu = 0.707107 and sigma = 0.282095 (6 digits) for 1/√2 and "
        "1/(2√π).",
        "xielu": "XIELUActivation keeps alpha_p, alpha_n, beta and eps in bfloat16 unless given dtype=.",
        "gelu_fast": "gelu_fast writes √(2/π) as 0.7978845608 and 0.044715·x³ as 0.044715·x·x·x.",
        "gelu_accurate": "gelu_accurate is the tanh form with √(2/π) computed as math.sqrt(2 / math.pi).",
    }
    for act, keys in groups.items():
        primary = f"ACT2FN[{keys[0]!r}](x)"
        st = settings.get(act)
        for i, key in enumerate(keys):
            out.append(
                Call(
                    act,
                    "transformers",
                    f"ACT2FN[{key!r}](x)",
                    "transformers.activations.ACT2FN",
                    kind="item",
                    arg=key,
                    setting=st,
                    no_setting="" if st else no_settings.get(act, NO_PARAMS),
                    alias_of=primary if i else None,
                    note=notes.get(key, ""),
                    mistaken_for="gelu" if act in ("gelu_tanh", "clipped_gelu") else None,
                )
            )
    return out


# ---------------------------------------------------------------------------------------------- mlx
MLX_FLOAT32_ACCURATE = (
    "MLX's float64 exp and erf on its CPU are accurate to about float32's precision (exp off by ~3e-8, erf by "
    "~1e-7 here)."
)
MLX_TRANSCENDENTAL = {
    "elu",
    "celu",
    "selu",
    "gelu",
    "gelu_approx",
    "gelu_fast_approx",
    "silu",
    "mish",
    "softplus",
    "sigmoid",
    "log_sigmoid",
    "softmax",
    "log_softmax",
    "softmin",
    "glu",
}


def _mlx() -> list[Call]:
    out: list[Call] = []

    def add(act, name, setting=None, alias_of=None, note=""):
        out.append(
            Call(
                act,
                "mlx",
                f"mlx.nn.{name}(x)",
                f"mlx.nn.{name}",
                setting=setting,
                no_setting="" if setting else NO_PARAMS,
                alias_of=alias_of,
                note=note,
                mistaken_for="gelu" if name.startswith("gelu_") else None,
            )
        )

    add("relu", "relu")
    add("relu6", "relu6")
    add("squared_relu", "relu2")
    add("leaky_relu", "leaky_relu", Setting({"negative_slope": 0.2}, {"negative_slope": 0.2}))
    add("elu", "elu", Setting({"alpha": 0.5}, {"alpha": 0.5}))
    add(
        "celu",
        "celu",
        Setting({"alpha": 0.5}, {"alpha": 0.5}),
        note="Its autodiff gives f′(0) = 0 (mx.maximum and mx.minimum pass no gradient at the tie); CELU's "
        "f′(0) is 1.",
    )
    add("selu", "selu", note="mlx.nn.selu writes its constants as 1.67326 and 1.0507 (5 digits).")
    add("gelu", "gelu")
    add("gelu_tanh", "gelu_approx")
    add(
        "quick_gelu", "gelu_fast_approx", note="mlx.nn.gelu_fast_approx is x·σ(1.702x), quick GELU: not GELU."
    )
    add("silu", "silu")
    add("mish", "mish")
    add("hardswish", "hardswish")
    add(
        "hardtanh", "hard_tanh", Setting({"min_val": -2.0, "max_val": 3.0}, {"min_val": -2.0, "max_val": 3.0})
    )
    add("hardshrink", "hard_shrink", Setting({"lambd": 1.5}, {"lambd": 1.5}))
    add("softshrink", "softshrink", Setting({"lambd": 1.5}, {"lambd": 1.5}))
    add("softplus", "softplus")
    add("sigmoid", "sigmoid")
    add("tanh", "tanh")
    add("softsign", "softsign")
    add("logsigmoid", "log_sigmoid")
    add(
        "step",
        "step",
        Setting({"threshold": 1.0}, {"threshold": 1.0}),
        note="mlx.nn.step is 1 at the jump (x >= threshold), returns int32, and maps nan to 0.",
    )
    add("softmax", "softmax", Setting({"axis": 0}, {"dim": 0}))
    add("log_softmax", "log_softmax", Setting({"axis": 0}, {"dim": 0}))
    add("softmin", "softmin", Setting({"axis": 0}, {"dim": 0}))
    add("glu", "glu", Setting({"axis": 0}, {"dim": 0}))
    out.append(
        Call(
            "prelu",
            "mlx",
            "mlx.nn.PReLU()(x)",
            "mlx.nn.PReLU",
            kind="module",
            setting=Setting({"init": 0.1}, {"weight": 0.1}),
        )
    )
    return out


# ---------------------------------------------------------------------------------------------- entmax
def _entmax() -> list[Call]:
    return [
        Call(
            "sparsemax",
            "entmax",
            "entmax.sparsemax(x)",
            "entmax.sparsemax",
            setting=Setting({"dim": 0}, {"dim": 0}),
        ),
        Call(
            "entmax15",
            "entmax",
            "entmax.entmax15(x)",
            "entmax.entmax15",
            setting=Setting({"dim": 0}, {"dim": 0}),
        ),
    ]


def all_calls() -> list[Call]:
    """Every call, in library order (LIBRARIES), then as written."""
    out = (
        _torch()
        + _jax_like("jax", "jax.nn", "jax.nn")
        + _flax()
        + _keras()
        + _tensorflow()
        + _tf_keras()
        + _timm()
        + _transformers()
        + _mlx()
        + _entmax()
    )
    keys = [c.key for c in out]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"duplicate calls: {duplicates}")
    unknown = sorted({c.library for c in out} - set(LIBRARIES))
    if unknown:
        raise ValueError(f"calls for unknown libraries: {unknown}")
    return out


def calls_for(activation: str, libraries: list[str] | None = None) -> list[Call]:
    return [
        c for c in all_calls() if c.activation == activation and (libraries is None or c.library in libraries)
    ]
