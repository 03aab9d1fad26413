"""Many models trained as one: stacked weights, batched matmuls (or grouped convolutions), one Adam step.

Model m of a stack owns slice m of every parameter: `weights[l][m]` is its layer-l weight. Nothing mixes
across m: the matmuls are batched over m, each activation is applied to its own models' slice, the loss is the
sum over models of each model's mean cross-entropy (so model m's gradient is exactly its own), and Adam works
elementwise (so one optimizer over the stack keeps a separate state per model). Each model draws its own data
order from its own generator. tests/test_experiments.py checks all of this against plain torch.nn training.

On CUDA the whole step (batch gather, forward, backward, Adam) is captured once in a CUDA graph and replayed,
with the data, the per-model permutations and every metric resident on the GPU: there is no host sync until the
end. On the CPU the same step runs eagerly. The stacked CNN is in actref/experiments/cnn.py.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch.func import functional_call, vmap

from actref import catalog
from actref.experiments.configs import SGD_MOMENTUM, Member, layer_widths, output_ratio
from actref.registry import Activation, Init


def member_seed(member: Member, purpose: str) -> int:
    """A stable 63-bit seed for one model's `purpose` ("init", "order"), independent of the stack it is in."""
    key = f"{member.activation}|{member.seed}|{member.init}|{purpose}".encode()
    return zlib.crc32(key) * 2**31 + zlib.crc32(key[::-1])


def member_init(member: Member) -> Init:
    """The initialisation a model uses: its explicit override, or the spec's recommendation."""
    if member.init is not None:
        return Init(*member.init)
    return catalog.get(member.activation).init


def hidden_unit(spec: Activation) -> Callable[[torch.Tensor], torch.Tensor] | torch.nn.Module:
    """The callable applied to hidden features (last dim for an MLP) for `spec` at its default parameters.

    Activations with their own module (learnable PReLU, RReLU with its training-mode noise) use it; the rest use
    torch's built-in (same function, fastest kernel), falling back to our from-scratch forward.
    """
    params = dict(spec.defaults)
    if "dim" in params:
        params["dim"] = -1
    if spec.module_factory is not None:
        return spec.module(**{k: v for k, v in params.items() if k != "dim"} if spec.elementwise else params)
    fn = spec.builtin if spec.builtin is not None else spec.forward
    if not params:
        return fn
    return lambda h: fn(h, **params)


class GroupActivation(torch.nn.Module):
    """One activation applied to the models [start, stop) of a stack, with per-model copies of its parameters."""

    def __init__(self, spec: Activation, start: int, stop: int):
        super().__init__()
        self.spec, self.start, self.stop = spec, start, stop
        unit = hidden_unit(spec)
        self.unit = unit
        self.learnable = isinstance(unit, torch.nn.Module) and any(True for _ in unit.parameters())
        if self.learnable:
            names = [n for n, _ in unit.named_parameters()]
            self.param_names = names
            self.stacked = torch.nn.ParameterList(
                torch.nn.Parameter(p.detach().unsqueeze(0).repeat(stop - start, *([1] * p.dim())).clone())
                for _, p in unit.named_parameters()
            )
            # The module's own parameters stay out of the optimizer: each model uses its slice of `stacked`.
            for p in unit.parameters():
                p.requires_grad_(False)

    def forward(self, h: torch.Tensor, model_dim: int = 0) -> torch.Tensor:
        """Apply to `h`, whose dim `model_dim` indexes this group's models."""
        if not self.learnable:
            return self.unit(h)
        params = dict(zip(self.param_names, self.stacked, strict=True))
        return vmap(
            lambda p, x: functional_call(self.unit, p, (x,)), in_dims=(0, model_dim), out_dims=model_dim
        )(params, h)


def _groups(members: list[Member]) -> list[tuple[str, int, int]]:
    """Contiguous runs of one activation: (name, start, stop)."""
    out: list[tuple[str, int, int]] = []
    for i, m in enumerate(members):
        if out and out[-1][0] == m.activation:
            out[-1] = (m.activation, out[-1][1], i + 1)
        else:
            out.append((m.activation, i, i + 1))
    if len({name for name, _, _ in out}) != len(out):
        raise ValueError(
            "Members of one activation must be contiguous in the stack; sort them by activation."
        )
    return out


class StackedModel(torch.nn.Module):
    """Common parts of the stacked MLP and CNN: members, activation groups per hidden layer."""

    members: list[Member]

    def widest_layer(self) -> int:
        """Floats per sample and model in the widest hidden layer (sizes the evaluation chunks)."""
        raise NotImplementedError

    def _make_activations(self, n_hidden: int) -> None:
        self.groups = _groups(self.members)
        self.acts = torch.nn.ModuleList(
            torch.nn.ModuleList(GroupActivation(catalog.get(name), a, b) for name, a, b in self.groups)
            for _ in range(n_hidden)
        )

    def activate(self, layer: int, z: torch.Tensor, model_dim: int = 0, per_model: int = 1) -> torch.Tensor:
        """Each group's activation on its own slice of `z` along `model_dim` (`per_model` entries per model)."""
        acts = self.acts[layer]
        # torch.split, not narrow: its backward is one cat, where each narrow's backward fills a full-size zero
        # tensor (quadratic in the number of activations).
        sizes = [(act.stop - act.start) * per_model for act in acts]
        pieces = torch.split(z, sizes, model_dim) if len(acts) > 1 else (z,)
        parts = []
        for act, part in zip(acts, pieces, strict=True):
            n = act.stop - act.start
            if not act.learnable:
                parts.append(act(part))
            elif per_model == 1:
                parts.append(act(part, model_dim))
            else:  # split the fused model·channel dim so that each model sees its own channels
                shape = list(part.shape)
                shape[model_dim : model_dim + 1] = [n, per_model]
                parts.append(act(part.reshape(shape), model_dim).flatten(model_dim, model_dim + 1))
        if len(parts) == 1:
            return parts[0]
        return torch.cat(parts, model_dim)


class StackedMLP(StackedModel):
    """M MLPs n_in → hidden… → n_out. Weights are [M, in, out], biases [M, 1, out]; input [M, B, in] or [B, in]."""

    def __init__(self, members: list[Member], hidden: tuple[int, ...], n_in: int = 784, n_out: int = 10):
        super().__init__()
        self.members = list(members)
        ratios = {output_ratio(m.activation) for m in self.members}
        if len(ratios) != 1:
            raise ValueError(f"A stack needs activations with one output ratio; got {sorted(ratios)}.")
        self.ins, self.outs = layer_widths(hidden, ratios.pop(), n_in, n_out)
        M = len(self.members)
        self.weights = torch.nn.ParameterList(
            torch.nn.Parameter(torch.empty(M, i, o)) for i, o in zip(self.ins, self.outs, strict=True)
        )
        self.biases = torch.nn.ParameterList(torch.nn.Parameter(torch.zeros(M, 1, o)) for o in self.outs)
        with torch.no_grad():
            for m, member in enumerate(self.members):
                g = torch.Generator().manual_seed(member_seed(member, "init"))
                init = member_init(member)
                for w, i, o in zip(self.weights, self.ins, self.outs, strict=True):
                    # Drawn as nn.Linear's [out, in] and stored transposed for h @ W.
                    w[m] = torch.randn(o, i, generator=g).mul_(init.std(i, o)).t()
        self._make_activations(len(hidden))

    def widest_layer(self) -> int:
        return max(self.outs)

    def forward(self, x: torch.Tensor, record: dict | None = None) -> torch.Tensor:
        """Logits [M, B, n_out]. `record` (a dict) collects the pre- and post-activations of every hidden layer."""
        h = x
        last = len(self.weights) - 1
        for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = torch.baddbmm(b, h, w) if h.dim() == 3 else torch.matmul(h, w) + b
            if layer == last:
                return z
            h = self.activate(layer, z)
            if record is not None:
                record.setdefault("pre", []).append(z)
                record.setdefault("post", []).append(h)
        raise AssertionError("unreachable")


def per_model_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of each model: logits [M, B, C], labels [M, B] → [M]."""
    M, B, C = logits.shape
    return F.cross_entropy(logits.reshape(M * B, C), y.reshape(M * B), reduction="none").view(M, B).mean(1)


@dataclass
class StackOutcome:
    """What a trained stack measured, as CPU tensors (one row per model)."""

    train_loss: torch.Tensor  # [M, epochs], mean training loss of each epoch
    val_acc: torch.Tensor  # [M, epochs], validation accuracy after each epoch
    test_acc: torch.Tensor  # [M], after the last epoch
    diverged: torch.Tensor  # [M] bool: a non-finite training loss at some step
    epoch_seconds: list[float]  # cumulative seconds at the end of each epoch
    train_seconds: float
    grad_norms_init: torch.Tensor | None = None  # [M, layers]
    grad_norms_epoch1: torch.Tensor | None = None
    grad_norms_final: torch.Tensor | None = None  # [M, layers], after the last epoch
    dead_fraction: torch.Tensor | None = None  # [M]


class StackedTrainer:
    """Adam on a stack of models, each with its own data order; CUDA-graph captured on CUDA."""

    def __init__(
        self,
        model: StackedModel,
        train_x: torch.Tensor,
        train_y: torch.Tensor,
        batch_size: int = 128,
        lr: float = 1e-3,
        use_graph: bool | None = None,
        optimizer: str = "adam",
    ):
        self.model = model
        self.members = model.members
        self.device = train_x.device
        self.train_x, self.train_y = train_x, train_y
        self.batch_size = batch_size
        n = len(train_y)
        # Static shapes for the graph: the last partial batch is dropped; a new order each epoch covers it.
        self.steps_per_epoch = n // batch_size
        if self.steps_per_epoch == 0:
            raise ValueError(f"batch_size {batch_size} exceeds the {n} training samples.")
        M = len(self.members)
        cuda = self.device.type == "cuda"
        self.use_graph = cuda if use_graph is None else use_graph
        self.perm = torch.empty(M, n, dtype=torch.long, device=self.device)
        self.generators = [
            torch.Generator(device=self.device).manual_seed(member_seed(m, "order")) for m in self.members
        ]
        self.step_index = torch.zeros((), dtype=torch.long, device=self.device)
        self.offsets = torch.arange(batch_size, device=self.device)
        self.loss_sum = torch.zeros(M, device=self.device)
        self.diverged = torch.zeros(M, dtype=torch.bool, device=self.device)
        trainable = [p for p in model.parameters() if p.requires_grad]
        if optimizer == "adam":
            # Fused Adam: one pass over every tensor (on the CPU too, where the foreach version's separate sqrt
            # and div passes cost as much as the matmuls); capturable keeps its step count on the GPU.
            options = {"fused": True, "capturable": True} if cuda else {"fused": True}
            self.optimizer = torch.optim.Adam(trainable, lr=lr, **options)
        elif optimizer == "sgd":
            self.optimizer = torch.optim.SGD(trainable, lr=lr, momentum=SGD_MOMENTUM, fused=True)
        else:
            raise ValueError(f"Unknown optimizer {optimizer!r}; valid: 'adam', 'sgd'.")
        self.graph: torch.cuda.CUDAGraph | None = None
        self.progress: dict | None = None  # the metrics of train(), so far (see state_dict)

    # ------------------------------------------------------------------ data order
    def begin_epoch(self) -> None:
        """Draw each model's permutation of the training set for the next epoch (on the device, no sync)."""
        n = self.perm.shape[1]
        for row, g in zip(self.perm, self.generators, strict=True):
            torch.randperm(n, generator=g, device=self.device, out=row)
        self.step_index.zero_()

    def batch_indices(self, step: int) -> torch.Tensor:
        """[M, B] training indices of `step` in the current epoch (for tests and references)."""
        return self.perm[:, step * self.batch_size : (step + 1) * self.batch_size]

    # ------------------------------------------------------------------ the step
    def _step_body(self) -> None:
        positions = self.step_index * self.batch_size + self.offsets
        idx = self.perm.index_select(1, positions)  # [M, B]
        loss = per_model_loss(self.model(self.train_x[idx]), self.train_y[idx])
        # Summing the per-model means keeps each model's gradient exactly its own.
        loss.sum().backward()
        self.optimizer.step()
        with torch.no_grad():
            self.loss_sum += loss.detach()
            self.diverged |= ~torch.isfinite(loss.detach())
            self.step_index += 1

    def _capture(self) -> None:
        params = [p for p in self.model.parameters() if p.requires_grad]
        snapshot = [p.detach().clone() for p in params]
        # A resumed trainer already has optimizer state: the warm-up must not leave its mark on it.
        state_snapshot = {
            id(p): {k: v.detach().clone() for k, v in st.items() if torch.is_tensor(v)}
            for p, st in self.optimizer.state.items()
        }
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):  # warm-up allocates Adam's state outside the graph
            for _ in range(3):
                self.optimizer.zero_grad(set_to_none=True)
                self._step_body()
        torch.cuda.current_stream().wait_stream(stream)
        self.graph = torch.cuda.CUDAGraph()
        self.optimizer.zero_grad(set_to_none=True)
        with torch.cuda.graph(self.graph):
            self._step_body()
        # Undo the warm-up in place (the graph holds these very tensors): initial weights, fresh Adam state.
        with torch.no_grad():
            for p, s in zip(params, snapshot, strict=True):
                p.copy_(s)
            for p, state in self.optimizer.state.items():
                saved = state_snapshot.get(id(p), {})
                for key, value in state.items():
                    if torch.is_tensor(value):
                        value.copy_(saved[key]) if key in saved else value.zero_()
            self.loss_sum.zero_()
            self.diverged.zero_()
            self.step_index.zero_()

    def step(self) -> None:
        """One Adam step of every model on its next batch."""
        if self.use_graph:
            if self.graph is None:
                self._capture()
            self.graph.replay()
        else:
            self.optimizer.zero_grad(set_to_none=True)
            self._step_body()

    # ------------------------------------------------------------------ measurements (no host sync)
    def _chunk(self) -> int:
        M = len(self.members)
        per_sample = self.model.widest_layer()
        return max(1, min(4096, int(2e8 // (M * per_sample))))

    @torch.no_grad()
    def accuracy(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """[M] accuracy of every model on (x, y), on the device."""
        self.model.eval()
        correct = torch.zeros(len(self.members), device=self.device)
        step = self._chunk()
        for i in range(0, len(y), step):
            logits = self.model(x[i : i + step])
            correct += (logits.argmax(-1) == y[i : i + step]).sum(1)
        self.model.train()
        return correct / len(y)

    def layer_grad_norms(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """[M, layers]: the gradient norm of each weight matrix on one shared batch (MLP only)."""
        logits = self.model(x)
        loss = per_model_loss(logits, y.expand(len(self.members), -1)).sum()
        grads = torch.autograd.grad(loss, list(self.model.weights))
        return torch.stack([g.flatten(1).norm(dim=1) for g in grads], 1).detach()

    @torch.no_grad()
    def dead_fraction(self, x: torch.Tensor) -> torch.Tensor:
        """[M]: fraction of hidden units whose pre-activation is ≤ 0 on every sample of x (MLP only)."""
        self.model.eval()
        ever = None
        step = self._chunk()
        for i in range(0, len(x), step):
            record: dict = {}
            self.model(x[i : i + step], record=record)
            active = [(z > 0).any(1) for z in record["pre"]]
            ever = active if ever is None else [a | b for a, b in zip(ever, active, strict=True)]
        self.model.train()
        dead = sum((~a).sum(1) for a in ever)
        return dead / sum(a.shape[1] for a in ever)

    def _sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    # ------------------------------------------------------------------ resumable state
    def state_dict(self) -> dict:
        """Everything a resumed train() needs to continue bit for bit: weights, optimizer state, each model's
        data-order generator, the global RNG (RReLU's training noise), divergence flags and metrics so far."""
        if self.progress is None:
            raise RuntimeError("state_dict() is taken between epochs of train(); train() has not started.")
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "generators": [g.get_state() for g in self.generators],
            "cpu_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state(self.device) if self.device.type == "cuda" else None,
            "diverged": self.diverged.detach().cpu().clone(),
            "progress": {
                k: (v.detach().cpu().clone() if torch.is_tensor(v) else v) for k, v in self.progress.items()
            },
        }

    def load_state_dict(self, state: dict) -> None:
        """Restore a state_dict() taken from a trainer of the same stack (same members, shapes and optimizer)."""
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        if len(state["generators"]) != len(self.generators):
            raise ValueError(
                f"checkpoint has {len(state['generators'])} generators, the stack {len(self.generators)}."
            )
        for g, g_state in zip(self.generators, state["generators"], strict=True):
            g.set_state(g_state)
        torch.set_rng_state(state["cpu_rng"])
        if state["cuda_rng"] is not None and self.device.type == "cuda":
            torch.cuda.set_rng_state(state["cuda_rng"], self.device)
        self.diverged.copy_(state["diverged"])
        self.progress = {
            k: (v.to(self.device) if torch.is_tensor(v) else v) for k, v in state["progress"].items()
        }

    # ------------------------------------------------------------------ training
    def train(
        self,
        epochs: int,
        val: tuple[torch.Tensor, torch.Tensor],
        test: tuple[torch.Tensor, torch.Tensor],
        measure: tuple[str, ...] = (),
        on_epoch: Callable[[int], None] | None = None,
        resume: dict | None = None,
    ) -> StackOutcome:
        """Train for `epochs` (continuing from a state_dict() when `resume` is given), measuring on the device;
        one host sync at the end. `on_epoch(epoch)` runs after each epoch, when state_dict() may be taken."""
        M = len(self.members)
        probe = (val[0][:512], val[1][:512])
        if resume is not None:
            self.load_state_dict(resume)
        else:
            self.progress = {
                "epochs_done": 0,
                "seconds_before": 0.0,  # training time of the earlier, interrupted parts of this run
                "epoch_seconds": [],
                "train_loss": torch.zeros(M, epochs, device=self.device),
                "val_acc": torch.zeros(M, epochs, device=self.device),
                "grad_norms_init": self.layer_grad_norms(*probe) if "grad_norms" in measure else None,
                "grad_norms_epoch1": None,
            }
        progress = self.progress
        cuda = self.device.type == "cuda"
        events = []
        self._sync()
        start = time.perf_counter()
        if cuda:
            start_event = torch.cuda.Event(enable_timing=True)
            start_event.record()
        before = progress["seconds_before"]
        for epoch in range(progress["epochs_done"], epochs):
            self.begin_epoch()
            for _ in range(self.steps_per_epoch):
                self.step()
            progress["train_loss"][:, epoch] = self.loss_sum / self.steps_per_epoch
            self.loss_sum.zero_()
            progress["val_acc"][:, epoch] = self.accuracy(*val)
            if epoch == 0 and "grad_norms" in measure:
                progress["grad_norms_epoch1"] = self.layer_grad_norms(*probe)
            progress["epochs_done"] = epoch + 1
            if cuda:
                events.append(torch.cuda.Event(enable_timing=True))
                events[-1].record()
            else:
                progress["epoch_seconds"].append(before + time.perf_counter() - start)
            progress["seconds_before"] = before + time.perf_counter() - start
            if on_epoch is not None:
                on_epoch(epoch)
        test_acc = self.accuracy(*test)
        grad_norms_final = self.layer_grad_norms(*probe) if "grad_norms" in measure else None
        dead = self.dead_fraction(val[0]) if "dead_units" in measure else None
        self._sync()
        train_seconds = before + time.perf_counter() - start
        if cuda:
            progress["epoch_seconds"] += [before + start_event.elapsed_time(e) / 1000 for e in events]

        def cpu(key):
            return None if progress[key] is None else progress[key].cpu()

        train_loss = progress["train_loss"].cpu()
        return StackOutcome(
            train_loss=train_loss,
            val_acc=cpu("val_acc"),
            test_acc=test_acc.cpu(),
            diverged=self.diverged.cpu() | ~torch.isfinite(train_loss).all(1),
            epoch_seconds=list(progress["epoch_seconds"]),
            train_seconds=train_seconds,
            grad_norms_init=cpu("grad_norms_init"),
            grad_norms_epoch1=cpu("grad_norms_epoch1"),
            grad_norms_final=None if grad_norms_final is None else grad_norms_final.cpu(),
            dead_fraction=None if dead is None else dead.cpu(),
        )


def signal_statistics(
    members: list[Member], depth: int, width: int, batch: int, device: str | torch.device = "cpu"
) -> dict[str, torch.Tensor]:
    """Per model and layer, at initialisation: mean and variance of the activations, and of the gradients
    with respect to each pre-activation when a N(0, 1) cotangent is backpropagated from the last layer.
    Returns tensors [M, depth] under "act_mean", "act_var", "grad_mean", "grad_var".
    """
    model = StackedMLP(members, (width,) * depth, n_in=width, n_out=1).to(device)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(batch, width, generator=g).to(device)
    record: dict = {}
    model(x, record=record)
    top = record["post"][-1]
    cotangent = torch.randn(top.shape, generator=g).to(device)
    grads = torch.autograd.grad(top, record["pre"], grad_outputs=cotangent)

    def stats(tensors):
        t = torch.stack([z.detach().flatten(1) for z in tensors], 1)  # [M, depth, B·width]
        return t.mean(-1).cpu(), t.var(-1).cpu()

    act_mean, act_var = stats(record["post"])
    grad_mean, grad_var = stats(grads)
    return {"act_mean": act_mean, "act_var": act_var, "grad_mean": grad_mean, "grad_var": grad_var}


# glibc's mallopt parameters (malloc.h): the most chunks served by mmap, and the free heap kept before trimming.
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4


def keep_freed_memory() -> bool:
    """Make glibc serve every allocation from its heap and keep freed memory there; True where it applied.

    A stacked step allocates and frees tensors of 20–200 MB (the gathered batch, each weight gradient). glibc
    maps each one over 32 MB afresh with mmap and unmaps it when freed, so every step page-faults through all of
    them again: measured on this project's 2-core CPU, 21% of a 140-model step (170 → 135 ms). With mmap off and
    no trimming, the second step reuses the first step's pages. The process keeps its peak memory until it exits.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (macOS, musl): the default allocator stays
        return False
    # mallopt takes a C int: a larger Python int would be silently truncated (2**62 becomes 0, "trim always").
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, 2**31 - 1))


@contextlib.contextmanager
def configured(device: torch.device) -> Iterator[dict]:
    """configure_device for the duration of a `with` block: subnormals are kept again afterwards, so the
    process (a test session, a notebook) gets IEEE arithmetic back. Yields the settings for the provenance."""
    settings = configure_device(device)
    try:
        yield settings
    finally:
        if settings.get("flush_denormal"):
            torch.set_flush_denormal(False)


def configure_device(device: torch.device) -> dict:
    """Set up `device` for training and return what was set (for the provenance).

    CUDA: TF32 matmuls and convolutions (the anchors in DESIGN.md were measured with them). CPU: subnormal
    floats flushed to zero (x86 cores compute on them many times slower, and deep sigmoid or tanh stacks make
    them; values below 1.2e-38 change no accuracy) and freed memory kept for reuse (keep_freed_memory).
    """
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        return {}
    return {"flush_denormal": torch.set_flush_denormal(True), "heap_allocator": keep_freed_memory()}
