"""The stacked trainer against plain torch.nn training, statistics against scipy, results IO, the pipeline."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
import torch
from scipy import stats as scipy_stats

import actref
from actref import data
from actref.experiments import configs, results, stats
from actref.experiments.cnn import StackedCNN
from actref.experiments.configs import Member
from actref.experiments.stacked import StackedMLP, StackedTrainer, per_model_loss
from actref.site import i18n

torch.set_num_threads(1)  # tiny tensors: threads only add contention on a shared machine


@pytest.fixture(scope="module")
def small_data():
    return data.load("cpu", subset=(640, 256, 256))


def reference_mlp(stack: StackedMLP, m: int) -> torch.nn.Sequential:
    """Model m of the stack as a plain nn.Sequential with nn.Linear layers and the spec's own module."""
    spec = actref.get(stack.members[m].activation)
    layers: list[torch.nn.Module] = []
    n = len(stack.weights)
    for layer, (w, b) in enumerate(zip(stack.weights, stack.biases, strict=True)):
        linear = torch.nn.Linear(w.shape[1], w.shape[2])
        with torch.no_grad():
            linear.weight.copy_(w[m].t())
            linear.bias.copy_(b[m, 0])
        layers.append(linear)
        if layer < n - 1:
            layers.append(spec.module())
    return torch.nn.Sequential(*layers)


def test_stacked_mlp_matches_plain_torch_training(small_data):
    members = [Member(a, s) for a in ("relu", "tanh", "prelu") for s in (0, 1)]
    stack = StackedMLP(members, (32, 16))
    references = [reference_mlp(stack, m) for m in range(len(members))]
    optimizers = [torch.optim.Adam(r.parameters(), lr=1e-2) for r in references]
    trainer = StackedTrainer(stack, small_data.train_x, small_data.train_y, batch_size=64, lr=1e-2)
    trainer.begin_epoch()
    for step in range(4):
        idx = trainer.batch_indices(step).clone()
        with torch.no_grad():
            stacked_loss = per_model_loss(stack(small_data.train_x[idx]), small_data.train_y[idx])
        trainer.step()
        for m, (ref, opt) in enumerate(zip(references, optimizers, strict=True)):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(
                ref(small_data.train_x[idx[m]]), small_data.train_y[idx[m]]
            )
            loss.backward()
            opt.step()
            assert loss.item() == pytest.approx(stacked_loss[m].item(), abs=1e-5)
    for m, ref in enumerate(references):
        linears = [layer for layer in ref if isinstance(layer, torch.nn.Linear)]
        for w, linear in zip(stack.weights, linears, strict=True):
            torch.testing.assert_close(w[m].t(), linear.weight, atol=1e-5, rtol=1e-5)
        if members[m].activation == "prelu":  # the learnable slope trained per model too
            slopes = [
                p for layer in ref if not isinstance(layer, torch.nn.Linear) for p in layer.parameters()
            ]
            for layer, slope in enumerate(slopes):
                stacked_slope = stack.acts[layer][2].stacked[0][m - 4]
                torch.testing.assert_close(stacked_slope, slope.detach(), atol=1e-5, rtol=1e-5)


def test_stacked_cnn_matches_plain_torch_training(small_data):
    members = [Member(a, s) for a in ("relu", "elu") for s in (0, 1)]
    stack = StackedCNN(members, (3, 4))
    references = []
    for m, member in enumerate(members):
        spec = actref.get(member.activation)
        convs = []
        for layer, (cin, cout) in enumerate(((1, 3), (3, 4))):
            conv = torch.nn.Conv2d(cin, cout, 3, padding=1)
            with torch.no_grad():
                conv.weight.copy_(stack.conv_w[layer][m * cout : (m + 1) * cout])
                conv.bias.copy_(stack.conv_b[layer][m * cout : (m + 1) * cout])
            convs.append(conv)
        fc = torch.nn.Linear(4 * 49, 10)
        with torch.no_grad():
            fc.weight.copy_(stack.fc_w[m].t())
            fc.bias.copy_(stack.fc_b[m, 0])
        references.append(
            torch.nn.Sequential(
                torch.nn.Unflatten(1, (1, 28, 28)),
                convs[0],
                spec.module(),
                torch.nn.MaxPool2d(2),
                convs[1],
                spec.module(),
                torch.nn.MaxPool2d(2),
                torch.nn.Flatten(),
                fc,
            )
        )
    optimizers = [torch.optim.Adam(r.parameters(), lr=1e-2) for r in references]
    trainer = StackedTrainer(stack, small_data.train_x, small_data.train_y, batch_size=32, lr=1e-2)
    trainer.begin_epoch()
    for step in range(3):
        idx = trainer.batch_indices(step).clone()
        trainer.step()
        for m, (ref, opt) in enumerate(zip(references, optimizers, strict=True)):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(
                ref(small_data.train_x[idx[m]]), small_data.train_y[idx[m]]
            ).backward()
            opt.step()
    for m, ref in enumerate(references):
        torch.testing.assert_close(stack.fc_w[m].t(), ref[8].weight, atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(stack.conv_w[0][m * 3 : (m + 1) * 3], ref[1].weight, atol=1e-5, rtol=1e-5)


def test_a_model_does_not_depend_on_its_stack_mates(small_data):
    """Init, data order and updates of (relu, seed 0) are the same alone and beside other models."""
    alone = StackedMLP([Member("relu", 0)], (16,))
    together = StackedMLP([Member("relu", 0), Member("sigmoid", 0), Member("sigmoid", 3)], (16,))
    for model in (alone, together):
        trainer = StackedTrainer(model, small_data.train_x, small_data.train_y, batch_size=64)
        trainer.begin_epoch()
        for _ in range(3):
            trainer.step()
    for a, b in zip(alone.weights, together.weights, strict=True):
        torch.testing.assert_close(a[0], b[0], atol=1e-6, rtol=1e-6)
    assert not torch.equal(together.weights[0][1], together.weights[0][2])  # seeds give distinct models


def test_init_follows_the_spec():
    members = [Member("relu", s) for s in range(8)] + [Member("tanh", s) for s in range(8)]
    stack = StackedMLP(members, (256, 128))
    w = stack.weights[1]  # 256 → 128
    relu_std = w[:8].std().item()
    tanh_std = w[8:].std().item()
    assert relu_std == pytest.approx(actref.get("relu").init.std(256, 128), rel=0.02)
    assert tanh_std == pytest.approx(actref.get("tanh").init.std(256, 128), rel=0.02)
    lecun = StackedMLP([Member("selu", 0, ("lecun", 1.0))], (256,))
    assert lecun.weights[1].std().item() == pytest.approx(1 / 256**0.5, rel=0.05)


def test_divergence_is_per_model(small_data):
    stack = StackedMLP([Member("relu", 0), Member("relu", 1)], (16,))
    with torch.no_grad():
        stack.weights[0][1].fill_(float("nan"))
    trainer = StackedTrainer(stack, small_data.train_x, small_data.train_y, batch_size=64)
    outcome = trainer.train(1, (small_data.val_x, small_data.val_y), (small_data.test_x, small_data.test_y))
    assert outcome.diverged.tolist() == [False, True]
    assert torch.isfinite(stack.weights[0][0]).all()
    assert outcome.test_acc[0] > 0.2  # chance is 0.1


def test_dead_units_and_grad_norms(small_data):
    stack = StackedMLP([Member("relu", 0), Member("tanh", 0)], (16, 8))
    with torch.no_grad():
        stack.biases[0][0].fill_(-1e3)  # every first-layer ReLU of model 0 is dead
    trainer = StackedTrainer(stack, small_data.train_x, small_data.train_y, batch_size=64, lr=0.0)
    dead = trainer.dead_fraction(small_data.val_x)
    assert dead[0].item() >= 16 / 24 and dead[1].item() < 1
    norms = trainer.layer_grad_norms(small_data.val_x[:64], small_data.val_y[:64])
    assert norms.shape == (2, 3) and norms[0, 0] == 0  # no gradient reaches weights behind dead units


def test_gated_widths_match_parameter_count():
    target = configs.parameter_count(*configs.layer_widths(configs.STANDARD_HIDDEN, 1.0))
    for name in configs.GATED:
        if name not in actref.names():
            continue
        hidden = configs.matched_hidden(name)
        stack = StackedMLP([Member(name, 0)], hidden)
        count = sum(p[0].numel() for p in stack.parameters())
        assert abs(count - target) / target < 0.01, (name, hidden, count)
        assert stack(torch.zeros(3, 784)).shape == (1, 3, 10)


def test_every_config_builds():
    for name in configs.CONFIGS:
        config = configs.get_config(name)
        assert config.to_dict()["name"] == name
        json.dumps(config.to_dict())
    mlp = configs.get_config("fashion_mnist_mlp")
    assert set(mlp.variants[0].activations) == {
        s.name for s in actref.all_specs() if s.elementwise and s.name not in configs.NOT_HIDDEN_UNITS
    }
    assert len(mlp.seeds) >= 5 and mlp.epochs == 10 and mlp.batch_size == 128


# ---------------------------------------------------------------------------------------------- stats
def test_stats_match_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0.88, 0.01, 5), rng.normal(0.87, 0.02, 7)
    mean, std, lo, hi = stats.mean_std_ci(a)
    assert mean == pytest.approx(a.mean()) and std == pytest.approx(a.std(ddof=1))
    ref_lo, ref_hi = scipy_stats.t.interval(0.95, len(a) - 1, loc=a.mean(), scale=scipy_stats.sem(a))
    assert (lo, hi) == pytest.approx((ref_lo, ref_hi))
    assert stats.welch_p(a, b) == pytest.approx(scipy_stats.ttest_ind(a, b, equal_var=False).pvalue)
    rows = stats.summarise({"relu": list(b), "gelu": list(a), "bad": [math.nan, math.nan]}, {"bad": 2})
    assert [r.name for r in rows] == ["gelu", "relu", "bad"]
    assert rows[0].rank == 1 and rows[1].p_value is None and rows[2].rank is None and rows[2].diverged == 2
    assert stats.compare(a + 0.05, a)[0] == "supported"
    assert stats.compare(a - 0.05, a)[0] == "not supported"
    assert stats.compare(a, a)[0] == "inconclusive"


# ---------------------------------------------------------------------------------------------- results
def test_atomic_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "r.json"
    results.write_json_atomic(path, {"good": 1})

    class Boom:
        pass

    with pytest.raises(TypeError):
        results.write_json_atomic(path, {"bad": Boom()})
    assert json.loads(path.read_text()) == {"good": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary file left behind


def test_config_hash_tracks_config():
    a = configs.get_config("smoke")
    assert results.config_hash(a) == results.config_hash(configs.get_config("smoke"))
    assert results.config_hash(a) != results.config_hash(configs.get_config("depth", smoke=True))
    assert results.is_stale({"provenance": {"config_hash": "0"}}, a)


# ---------------------------------------------------------------------------------------------- pipeline
class FakeContext:
    """The part of actref.site.Context the providers use."""

    def __init__(self, tmp_path, mode="smoke"):
        self.tmp_path = tmp_path
        self.experiments_mode = mode
        self.page_src = "comparisons/fashion_mnist.md"
        self.assets: list[str] = []
        self.lang = "en"

    def _(self, message, **fields):
        return i18n.translate(self.lang, message, **fields)

    def asset(self, name, inputs, make, **dependencies):
        path = self.tmp_path / "generated" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        make(path)
        assert path.stat().st_size > 0
        self.assets.append(name)
        return "../generated/" + name


def test_smoke_pipeline_end_to_end(tmp_path, monkeypatch):
    from actref.experiments import runner
    from actref.site import claims_page
    from actref.site import experiment_pages as report

    monkeypatch.setattr(results, "SMOKE_DIR", tmp_path / "smoke")
    config = configs.get_config("smoke")
    result = runner.run_experiment(config, "cpu")
    assert result["provenance"]["mode"] == "smoke"
    assert {r["activation"] for r in result["runs"]} == set(config.variants[0].activations)
    assert all(len(r["curve"]) == 1 for r in result["runs"])
    path = results.write_json_atomic(tmp_path / "smoke.json", result)
    assert results.read_json(path)["experiment"] == "smoke"

    ctx = FakeContext(tmp_path)
    page = report.comparison(ctx, "fashion_mnist_mlp")
    assert "smoke" in page.lower() and "[ReLU](../activations/relu.md)" in page
    assert "not GPU results" in page or "CPU" in page
    assert report.activation_markdown(ctx, "relu")
    headers, cells = report.table_columns(ctx)
    assert headers and "relu" in cells and len(cells["relu"]) == len(headers)
    claims = claims_page.table(ctx)
    assert "ReLU" in claims and ("supported" in claims or "inconclusive" in claims)
    assert ctx.assets


def test_cached_mode_without_results_says_so(tmp_path, monkeypatch):
    from actref.site import claims_page
    from actref.site import experiment_pages as report

    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path / "none")
    report.clear_cache()
    ctx = FakeContext(tmp_path, mode="cached")
    page = report.comparison(ctx, "fashion_mnist_mlp")
    assert "No results committed yet" in page and "python -m actref experiments run" in page
    assert report.table_columns(ctx)[0] == []
    assert "not yet measured" in claims_page.table(ctx)
    report.clear_cache()


def test_cli_list_and_show(capsys, tmp_path, monkeypatch):
    from actref.experiments import cli

    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "fashion_mnist_mlp" in out and "smoke" in out
    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path)
    assert cli.main(["show", "fashion_mnist_mlp"]) == 1
    assert "No results" in capsys.readouterr().err


def test_cli_unknown_config_names_the_valid_ones(capsys):
    from actref.experiments import cli

    assert cli.main(["run", "--config", "nope", "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert "'nope'" in err and "fashion_mnist_mlp" in err and "smoke" in err


# ---------------------------------------------------------------------------------------------- CUDA
@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (CUDA-graph path)")
def test_cuda_graph_matches_eager():
    d = data.load("cuda", subset=(1024, 256, 256))
    members = [Member(a, s) for a in ("relu", "gelu", "prelu") for s in (0, 1)]
    stacks = [StackedMLP(members, (64, 32)).cuda() for _ in range(2)]
    torch.backends.cuda.matmul.allow_tf32 = False
    outcomes = []
    for stack, graph in zip(stacks, (True, False), strict=True):
        trainer = StackedTrainer(stack, d.train_x, d.train_y, batch_size=64, use_graph=graph)
        outcomes.append(trainer.train(2, (d.val_x, d.val_y), (d.test_x, d.test_y)))
    for a, b in zip(stacks[0].weights, stacks[1].weights, strict=True):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(outcomes[0].train_loss, outcomes[1].train_loss, atol=1e-4, rtol=1e-4)


# ---------------------------------------------------------------------------------------------- the CPU budget
def test_budget_estimate_scales_with_the_schedule():
    from actref.experiments import budget

    config = configs.get_config("smoke")
    (one,) = budget.estimate(config, "cpu", steps=2)
    assert one.step_seconds > 0 and one.eval_seconds > 0 and one.n_models == config.n_models
    longer = dataclasses.replace(config, epochs=3)
    (three,) = budget.estimate(longer, "cpu", steps=2)
    # Three epochs cost about three times one (each estimate times its own steps: allow the machine's noise).
    assert 1.5 < three.seconds / one.seconds < 6
    assert "within the 90-minute budget" in budget.describe(config, [one])


def test_run_refuses_a_config_over_the_budget(monkeypatch, tmp_path, capsys):
    from actref.experiments import budget, cli

    tiny = dataclasses.replace(configs.get_config("smoke"), smoke=False, name="smoke")
    monkeypatch.setattr(configs, "get_config", lambda name, smoke=False: tiny)
    monkeypatch.setattr(budget, "BUDGET_SECONDS", 0)
    code = cli.main(["run", "--config", "smoke", "--device", "cpu", "--out", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "over the 0-minute budget" in err and "--allow-long" in err and not list(tmp_path.iterdir())


def test_holm_adjustment_matches_the_sequential_rejection_rule():
    """Adjusted p < α exactly where Holm's step-down procedure rejects at α (Holm 1979), for several α."""
    rng = np.random.default_rng(1)
    for _ in range(50):
        p = list(rng.uniform(0, 0.2, rng.integers(1, 30)) ** 2)
        adjusted = stats.holm(p)
        order = sorted(range(len(p)), key=lambda i: p[i])
        for alpha in (0.01, 0.05, 0.1):
            rejected = set()
            for rank, i in enumerate(order):  # reject while p₍ⱼ₎ ≤ α / (m − j + 1)
                if p[i] > alpha / (len(p) - rank):
                    break
                rejected.add(i)
            assert {i for i, a in enumerate(adjusted) if a <= alpha} == rejected
        assert all(a >= q for a, q in zip(adjusted, p, strict=True))
    rows = stats.summarise(
        {"relu": [0.88, 0.881, 0.879], "a": [0.90, 0.901, 0.899], "b": [0.87, 0.872, 0.871]}
    )
    by_name = {r.name: r for r in rows}
    assert by_name["relu"].p_holm is None
    assert by_name["a"].p_holm == pytest.approx(2 * min(by_name["a"].p_value, by_name["b"].p_value)) or (
        by_name["b"].p_holm == pytest.approx(2 * min(by_name["a"].p_value, by_name["b"].p_value))
    )


def test_rank_correlation_of_identical_and_reversed_rankings():
    rng = np.random.default_rng(2)
    means = np.linspace(0.80, 0.90, 8)
    a = {f"act{i}": list(m + rng.normal(0, 1e-4, 5)) for i, m in enumerate(means)}
    same = {k: list(np.asarray(v) + 0.01) for k, v in a.items()}
    reversed_ = {f"act{i}": list(m + rng.normal(0, 1e-4, 5)) for i, m in enumerate(means[::-1])}
    r = stats.rank_correlation(a, same, resamples=200)
    assert r.rho == pytest.approx(1.0) and r.ci_low > 0.9 and r.p_value < 0.001 and len(r.names) == 8
    assert stats.rank_correlation(a, reversed_, resamples=200).rho == pytest.approx(-1.0)
    # Noise as large as the differences: the interval must widen to include much weaker agreement.
    noisy = {k: list(np.mean(v) + rng.normal(0, 0.3, 5)) for k, v in a.items()}
    wide = stats.rank_correlation(a, noisy, resamples=200)
    assert wide.ci_high - wide.ci_low > 0.5
    one_seed = stats.rank_correlation({k: v[:1] for k, v in a.items()}, {k: v[:1] for k, v in same.items()})
    assert one_seed.rho == pytest.approx(1.0) and math.isnan(one_seed.ci_low)
    only_two = stats.rank_correlation({"x": [1.0], "y": [2.0]}, {"x": [1.0], "y": [2.0]})
    assert math.isnan(only_two.rho)
