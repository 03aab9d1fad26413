"""The traps' code: for a call that is not what a porter from torch expects, a short block that shows the
mismatch and its fix. `python -m actref frameworks run` copies each into its row of results/frameworks.json, the
site prints it under "Porting between frameworks", and tests/test_frameworks.py runs every one.

Keyed by Call.key ("activation|library|code").
"""

from __future__ import annotations

X64 = """import jax

jax.config.update("jax_enable_x64", True)  # float64, as torch's double
"""
KERAS = """import os

os.environ.setdefault("KERAS_BACKEND", "jax")  # before importing keras, tensorflow or tf_keras
"""

DEMOS: dict[str, str] = {
    "gelu|jax|jax.nn.gelu(x)": X64
    + """import jax.numpy as jnp
import torch
import torch.nn.functional as F

x = torch.linspace(-4, 4, 801, dtype=torch.float64)
want = F.gelu(x).numpy()
assert abs(jax.nn.gelu(jnp.asarray(x.numpy())) - want).max() > 4e-4  # the tanh approximation
assert abs(jax.nn.gelu(jnp.asarray(x.numpy()), approximate=False) - want).max() < 1e-15
""",
    "leaky_relu|keras|keras.activations.leaky_relu(x)": KERAS
    + """import keras
import numpy as np
import torch
import torch.nn.functional as F

x = np.linspace(-4, 4, 81)
want = F.leaky_relu(torch.from_numpy(x)).numpy()  # slope 0.01
assert np.abs(np.asarray(keras.activations.leaky_relu(x)) - want).max() > 0.7  # slope 0.2
assert np.allclose(keras.activations.leaky_relu(x, negative_slope=0.01), want, atol=1e-6)
""",
    "leaky_relu|keras|keras.layers.LeakyReLU()": KERAS
    + """import keras
import numpy as np

x = np.array([-10.0, 1.0])
assert np.allclose(keras.layers.LeakyReLU()(x), [-3.0, 1.0])  # the layer's slope is 0.3
assert np.allclose(keras.layers.LeakyReLU(negative_slope=0.01)(x), [-0.1, 1.0])
""",
    "leaky_relu|tensorflow|tf.nn.leaky_relu(x)": """import numpy as np
import tensorflow as tf
import torch
import torch.nn.functional as F

x = np.linspace(-4, 4, 81)
want = F.leaky_relu(torch.from_numpy(x)).numpy()  # slope 0.01
assert np.abs(tf.nn.leaky_relu(x).numpy() - want).max() > 0.7  # alpha 0.2
got = tf.nn.leaky_relu(x, alpha=0.01).numpy()
assert np.abs(got - want).max() < 1e-8  # alpha is stored as a float32: 0.009999999776482582
""",
    "leaky_relu|tf_keras|tf_keras.layers.LeakyReLU()": """import numpy as np
import tf_keras

x = np.array([-10.0, 1.0])
assert np.allclose(tf_keras.layers.LeakyReLU()(x), [-3.0, 1.0])  # Keras 2's layer: alpha 0.3
assert np.allclose(tf_keras.layers.LeakyReLU(alpha=0.01)(x), [-0.1, 1.0])
""",
    "gelu_tanh|transformers|ACT2FN['gelu_new'](x)": """import torch
import torch.nn.functional as F
from transformers.activations import ACT2FN

x = torch.linspace(-4, 4, 801, dtype=torch.float64)
assert (ACT2FN["gelu_new"](x) - F.gelu(x)).abs().max() > 4e-4  # GPT-2's tanh form, not erf
assert (ACT2FN["gelu_new"](x) - F.gelu(x, approximate="tanh")).abs().max() < 1e-15
""",
    "gelu_tanh|transformers|ACT2FN['gelu_fast'](x)": """import torch
import torch.nn.functional as F
from transformers.activations import ACT2FN

x = torch.linspace(-4, 4, 801, dtype=torch.float64)
assert (ACT2FN["gelu_fast"](x) - F.gelu(x)).abs().max() > 4e-4  # the tanh form again
tanh_form = F.gelu(x, approximate="tanh")
assert 1e-13 < (ACT2FN["gelu_fast"](x) - tanh_form).abs().max() < 1e-11  # √(2/π) rounded to 0.7978845608
""",
    "quick_gelu|mlx|mlx.nn.gelu_fast_approx(x)": """import mlx.core as mx
import mlx.nn
import numpy as np
import torch
import torch.nn.functional as F

x = np.linspace(-4, 4, 801)
got = np.array(mlx.nn.gelu_fast_approx(mx.array(x, dtype=mx.float64)))
t = torch.from_numpy(x)
assert np.abs(got - F.gelu(t).numpy()).max() > 0.02  # not GELU: x·σ(1.702x)
assert np.abs(got - (t * torch.sigmoid(1.702 * t)).numpy()).max() < 1e-6  # quick GELU (MLX: ~1e-8 in float64)
""",
    "softplus|torch|F.softplus(x)": """import math

import torch
import torch.nn.functional as F

x = torch.tensor([25.0], dtype=torch.float64)
exact = 25.0 + math.log1p(math.exp(-25.0))  # 25.000000000013888
assert F.softplus(x).item() == 25.0  # above threshold=20 it returns x
assert F.softplus(x, threshold=40.0).item() == exact
""",
    "hardsigmoid|tf_keras|tf_keras.activations.hard_sigmoid(x)": """import numpy as np
import tensorflow as tf
import tf_keras
import torch
import torch.nn.functional as F

x = np.array([-2.5, 1.0, 2.5])
keras2 = tf_keras.activations.hard_sigmoid(tf.constant(x)).numpy()  # clip(0.2·x + 0.5, 0, 1)
assert np.allclose(keras2, [0.0, 0.7, 1.0])
assert np.allclose(F.hardsigmoid(torch.from_numpy(x)).numpy(), [1 / 12, 2 / 3, 11 / 12])  # relu6(x + 3)/6
assert np.allclose(np.clip(x / 6 + 0.5, 0, 1), [1 / 12, 2 / 3, 11 / 12])  # the fix: write torch's form
""",
    "prelu|keras|keras.layers.PReLU()": KERAS
    + """import keras
import numpy as np

x = np.array([[-4.0, 2.0]])
assert np.allclose(keras.layers.PReLU()(x), [[0.0, 2.0]])  # slope starts at 0: ReLU until trained
layer = keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25))
assert np.allclose(layer(x), [[-1.0, 2.0]])  # torch's nn.PReLU() start
""",
    "prelu|flax|flax.linen.PReLU()": X64
    + """import flax.linen as nn
import jax.numpy as jnp

x = jnp.array([-4.0, 2.0])
module = nn.PReLU()
assert jnp.allclose(module.apply(module.init(jax.random.PRNGKey(0), x), x), jnp.array([-0.04, 2.0]))
module = nn.PReLU(negative_slope_init=0.25)  # torch's nn.PReLU() start
assert jnp.allclose(module.apply(module.init(jax.random.PRNGKey(0), x), x), jnp.array([-1.0, 2.0]))
""",
    "star_relu|timm|timm.models.metaformer.StarReLU()": """import torch
from timm.models.metaformer import StarReLU

x = torch.tensor([-1.0, 2.0])
assert torch.allclose(StarReLU()(x), torch.tensor([0.0, 4.0]))  # scale 1, bias 0
paper = StarReLU(scale_value=0.8944, bias_value=-0.4472)  # MetaFormer's values
assert torch.allclose(paper(x), torch.tensor([-0.4472, 0.8944 * 4 - 0.4472]))
""",
    "rrelu|torch|nn.RReLU()(x)": """import torch
import torch.nn.functional as F

x = -torch.ones(1000, dtype=torch.float64)
module = torch.nn.RReLU()  # a new module is in training mode
assert module(x).unique().numel() > 1  # a random slope per element
assert torch.equal(module.eval()(x), F.rrelu(x))  # eval(): the fixed slope (1/8 + 1/3)/2
""",
    "sparsemax|keras|keras.activations.sparsemax(x)": KERAS
    + """import entmax
import keras
import numpy as np
import torch

x = np.array([[0.5, 0.5, 0.5, 0.5]])
assert np.allclose(entmax.sparsemax(torch.from_numpy(x), dim=-1).numpy(), 0.25)  # the projection on the simplex
assert np.allclose(keras.activations.sparsemax(x), 0.0)  # Keras 3.15.1: its threshold sums every cumulative sum
""",
    "step|mlx|mlx.nn.step(x)": """import mlx.core as mx
import mlx.nn

x = mx.array([-1.0, 0.0, 1.0])
assert mlx.nn.step(x).tolist() == [0, 1, 1]  # 1 at the jump: x >= threshold
assert mx.where(x > 0, 1, 0).tolist() == [0, 0, 1]  # 0 at the jump, as actref's step
""",
    "gelu|mlx|mlx.nn.gelu(x)": """import math

import mlx.core as mx
import mlx.nn

x = mx.array([-3.0], dtype=mx.float64)
exact = -3.0 * 0.5 * math.erfc(3.0 / math.sqrt(2.0))
assert abs(mlx.nn.gelu(x).item() - exact) > 1e-8  # MLX's float64 erf is accurate to ~1e-7 only
assert abs(mlx.nn.gelu(x.astype(mx.float32)).item() - exact) < 1e-6  # float32 precision either way
""",
    "selu|mlx|mlx.nn.selu(x)": """import mlx.core as mx
import mlx.nn
import torch

x = 1e4
assert abs(mlx.nn.selu(mx.array([x], dtype=mx.float64)).item() - 10507.0) < 1e-6  # λ written as 1.0507
assert abs(torch.selu(torch.tensor([x], dtype=torch.float64)).item() - 10507.009873554805) < 1e-9
""",
    "gelu|tensorflow|tf.nn.gelu(x)": """import math

import tensorflow as tf

x = tf.constant([-1.0 - 1 / 3], dtype=tf.float64)
exact = float(x[0]) * 0.5 * math.erfc(-float(x[0]) / math.sqrt(2.0))
assert abs(tf.nn.gelu(x).numpy()[0] - exact) > 1e-9  # TF's float64 gelu: ~5e-9 off
written_out = 0.5 * x * tf.math.erfc(-x / math.sqrt(2.0))  # the same formula, by hand
assert abs(written_out.numpy()[0] - exact) < 1e-15
""",
    "tanh|keras|keras.activations.tanh(x)": KERAS
    + X64
    + """import jax.numpy as jnp
import keras

x = jnp.asarray([0.5], dtype=jnp.float64)
assert keras.activations.tanh(x).dtype == jnp.float32  # Keras 3.15.1 narrows float64 to float32 here
assert jax.nn.tanh(x).dtype == jnp.float64  # the fix: jax.nn.tanh (or jnp.tanh) keeps float64
""",
}
