"""actref.experiments.verdicts: each verdict, on small hand-built results dicts, going every way it can.

The numbers are chosen so the answer is obvious by eye (e.g. 90% against 50% over five seeds), so each test
checks the rule, not the statistics library.
"""

from __future__ import annotations

import pytest

from actref.experiments import verdicts

HIGH = [0.90, 0.91, 0.90, 0.91, 0.90]
LOW = [0.50, 0.51, 0.50, 0.51, 0.50]
NOISY = [0.70, 0.60, 0.80, 0.65, 0.75]


def _runs(accuracies: dict[str, list[float]], variant: str = "v", key: str = "test_acc") -> list[dict]:
    return [
        {"activation": a, "variant": variant, "seed": s, key: v, "curve": [v], "diverged": False}
        for a, values in accuracies.items()
        for s, v in enumerate(values)
    ]


def _result(accuracies: dict[str, list[float]]) -> dict:
    return {"runs": _runs(accuracies), "variants": [{"name": "v"}]}


@pytest.mark.parametrize(
    ("relu", "sigmoid", "expected"),
    [(HIGH, LOW, "supported"), (LOW, HIGH, "not supported"), (NOISY, list(reversed(NOISY)), "inconclusive")],
)
def test_converges_faster_reads_the_first_epoch(relu, sigmoid, expected):
    verdict, evidence = verdicts.converges_faster(
        _result({"relu": relu, "sigmoid": sigmoid}), [("relu", "sigmoid")]
    )
    assert verdict == expected
    assert "relu − sigmoid" in evidence and "after epoch 1" in evidence


def test_converges_faster_ignores_the_test_accuracy():
    runs = _runs({"relu": HIGH, "sigmoid": LOW})
    for r in runs:  # epoch 1 says the opposite of the final test accuracy
        r["curve"] = [0.1] if r["activation"] == "relu" else [0.9]
    assert verdicts.converges_faster({"runs": runs}, [("relu", "sigmoid")])[0] == "not supported"
    assert verdicts.beats_on_test({"runs": runs}, [("relu", "sigmoid")])[0] == "supported"


def test_a_claim_with_parts_needs_every_part():
    result = _result({"silu": HIGH, "gelu": HIGH, "relu": LOW, "mish": LOW})
    assert verdicts.beats_on_test(result, [("silu", "relu"), ("gelu", "relu")])[0] == "supported"
    both = verdicts.beats_on_test(result, [("silu", "relu"), ("mish", "silu")])
    assert both[0] == "not supported"  # one contradicted part decides
    missing = verdicts.beats_on_test(result, [("silu", "relu"), ("swiglu", "relu")])
    assert missing[0] == "inconclusive" and "swiglu or relu was not measured" in missing[1]


def _signal(selu_var: list[float], selu_mean: float) -> dict:
    def run(activation, init, var, mean):
        return {
            "activation": activation,
            "init": init,
            "act_mean": [0.0] * (len(var) - 1) + [mean],
            "act_var": var,
            "grad_mean": [0.0] * len(var),
            "grad_var": [1.0] * len(var),
        }

    return {
        "runs": [
            run("selu", "lecun:1.0", selu_var, selu_mean),
            run("relu", "kaiming:1.414", [1.0, 4.0, 9.0], 2.0),
        ]
    }


def test_selu_self_normalises_either_way():
    ok = verdicts.selu_self_normalises(_signal([1.0, 1.1, 0.9], 0.02))
    assert ok[0] == "supported" and "relu + kaiming" in ok[1]
    assert (
        verdicts.selu_self_normalises(_signal([1.0, 2.5, 0.9], 0.02))[0] == "not supported"
    )  # a layer at 2.5×
    assert verdicts.selu_self_normalises(_signal([1.0, 1.1, 0.9], 0.5))[0] == "not supported"  # mean drifts
    no_selu = {"runs": _signal([1.0], 0.0)["runs"][1:]}
    assert verdicts.selu_self_normalises(no_selu)[0] == "inconclusive"


def _depth(shallow: dict[str, list[float]], deep: dict[str, list[float]], deep_diverged: int = 0) -> dict:
    runs = _runs(shallow, "d2") + _runs(deep, "d50")
    for r in runs[::-1]:
        if deep_diverged and r["variant"] == "d50" and r["activation"] == "relu":
            r["diverged"], r["test_acc"] = True, None
            deep_diverged -= 1
    return {
        "runs": runs,
        "variants": [{"name": "d2", "hidden": [64] * 2}, {"name": "d50", "hidden": [64] * 50}],
    }


def test_shallow_nets_do_not_care_by_the_spread():
    close = [[0.880, 0.881, 0.882], [0.884, 0.885, 0.886]]
    result = _depth({"relu": close[0], "tanh": close[1], "identity": LOW}, {"relu": LOW, "tanh": HIGH})
    verdict, evidence = verdicts.shallow_nets_do_not_care(result)
    assert verdict == "supported" and "nonlinear activations only" in evidence  # identity is left out
    apart = _depth({"relu": HIGH, "tanh": LOW}, {"relu": LOW, "tanh": HIGH})
    assert verdicts.shallow_nets_do_not_care(apart)[0] == "not supported"
    middle = _depth({"relu": [0.90] * 3, "tanh": [0.88] * 3}, {"relu": LOW})
    assert verdicts.shallow_nets_do_not_care(middle)[0] == "inconclusive"  # 2 points: between the bounds
    assert verdicts.shallow_nets_do_not_care(_depth({"relu": HIGH}, {"relu": HIGH}))[0] == "inconclusive"


def test_deep_relu_fails_either_way():
    assert verdicts.deep_relu_fails(_depth({"relu": HIGH}, {"relu": [0.1] * 5}))[0] == "supported"
    diverged = verdicts.deep_relu_fails(_depth({"relu": HIGH}, {"relu": HIGH}, deep_diverged=3))
    assert diverged[0] == "supported" and "3/5 runs diverged" in diverged[1]
    assert verdicts.deep_relu_fails(_depth({"relu": HIGH}, {"relu": [0.88] * 5}))[0] == "not supported"
    assert verdicts.deep_relu_fails(_depth({"relu": HIGH}, {"relu": [0.7] * 5}))[0] == "inconclusive"
    assert verdicts.deep_relu_fails(_depth({"tanh": HIGH}, {"tanh": HIGH}))[0] == "inconclusive"


def _learning_rates(dead: dict[float, list[float]]) -> dict:
    runs = []
    for lr, fractions in dead.items():
        runs += [{"activation": "relu", "variant": f"lr{lr}", "dead_fraction": f} for f in fractions]
    return {"runs": runs, "variants": [{"name": f"lr{lr}", "lr": lr} for lr in dead]}


def test_large_lr_kills_relus_either_way():
    many = _learning_rates({1e-3: [0.01, 0.02, 0.01], 1e-1: [0.40, 0.45, 0.42]})
    verdict, evidence = verdicts.large_lr_kills_relus(many)
    assert verdict == "supported" and "lr 0.1: 42.33%" in evidence
    assert verdicts.large_lr_kills_relus(_learning_rates({1e-3: [0.01] * 3, 1e-1: [0.02] * 3}))[0] == (
        "not supported"
    )
    some = _learning_rates({1e-3: [0.01, 0.02, 0.01], 1e-1: [0.10, 0.12, 0.11]})
    assert verdicts.large_lr_kills_relus(some)[0] == "inconclusive"  # more dead, but under 20%
    assert verdicts.large_lr_kills_relus({"runs": [], "variants": []})[0] == "inconclusive"


def test_selu_gradients_must_neither_vanish_nor_explode():
    result = _signal([1.0, 1.1, 0.9], 0.02)
    result["runs"][0]["grad_var"] = [100.0, 10.0, 1.0]  # 100× larger at the first layer: exploding
    verdict, evidence = verdicts.selu_self_normalises(result)
    assert verdict == "not supported" and "first layer / at the last 100" in evidence
    result["runs"][0]["grad_var"] = [2.0, 1.5, 1.0]
    assert verdicts.selu_self_normalises(result)[0] == "supported"


def _two_optimizers(adam_deep: list[float], sgd_deep: list[float]) -> dict:
    adam, sgd = _depth({"relu": HIGH}, {"relu": adam_deep}), _depth({"relu": HIGH}, {"relu": sgd_deep})
    for r in sgd["runs"]:
        r["variant"] += "_sgd"
    variants = [dict(v, optimizer="adam") for v in adam["variants"]]
    variants += [dict(v, name=v["name"] + "_sgd", optimizer="sgd") for v in sgd["variants"]]
    return {"runs": adam["runs"] + sgd["runs"], "variants": variants}


def test_deep_relu_verdict_follows_sgd_and_reports_adam():
    verdict, evidence = verdicts.deep_relu_fails_by_optimizer(_two_optimizers(HIGH, [0.1] * 5))
    assert verdict == "supported" and "SGD + momentum:" in evidence and "Adam:" in evidence
    assert "The optimizers disagree: SGD says supported, Adam says not supported" in evidence
    assert verdicts.deep_relu_fails_by_optimizer(_two_optimizers([0.1] * 5, HIGH))[0] == "not supported"
    adam_only = _depth({"relu": HIGH}, {"relu": [0.1] * 5})  # results from before the SGD arm
    assert verdicts.deep_relu_fails_by_optimizer(adam_only)[0] == "supported"


def _gradients(ratios: dict[str, float]) -> dict:
    runs = []
    for activation, ratio in ratios.items():
        for seed in range(3):
            norms = [ratio, 0.5, 1.0]  # first weight matrix / last = ratio
            runs.append(
                {
                    "activation": activation,
                    "seed": seed,
                    "variant": "d32",
                    "grad_norms_init": norms,
                    "grad_norms_epoch1": norms,
                }
            )
    return {
        "runs": runs,
        "variants": [{"name": "d2", "hidden": [8] * 2}, {"name": "d32", "hidden": [8] * 32}],
    }


def test_relu_solved_vanishing_gradients_either_way():
    verdict, evidence = verdicts.relu_solved_vanishing_gradients(
        _gradients({"relu": 0.8, "sigmoid": 1e-6, "tanh": 1e-2})
    )
    assert verdict == "supported" and "32 hidden layers" in evidence and "relu 0.8" in evidence
    assert (
        verdicts.relu_solved_vanishing_gradients(_gradients({"relu": 1e-3, "sigmoid": 1e-6}))[0]
        == "not supported"
    )
    assert (
        verdicts.relu_solved_vanishing_gradients(_gradients({"relu": 0.8, "sigmoid": 0.5}))[0]
        == "inconclusive"
    )
    assert verdicts.relu_solved_vanishing_gradients(_gradients({"tanh": 0.8}))[0] == "inconclusive"


def test_a_gradient_that_underflowed_to_zero_has_vanished():
    # 64 sigmoid layers: the first layer's gradient norm is exactly 0 in float32 (depth.json, every seed).
    result = _gradients({"relu": 1.5, "sigmoid": 0.0})
    assert verdicts.gradient_ratio(result, "sigmoid") == 0.0
    verdict, evidence = verdicts.relu_solved_vanishing_gradients(result)
    assert verdict == "supported" and "sigmoid 0" in evidence


def _lr_sweep(dead_relu: float, acc: dict[str, list[float]]) -> dict:
    runs = []
    for activation, values in acc.items():
        for seed, value in enumerate(values):
            runs.append(
                {
                    "activation": activation,
                    "seed": seed,
                    "variant": "lr0.03",
                    "test_acc": value,
                    "diverged": False,
                    "dead_fraction": dead_relu if activation == "relu" else 0.0,
                }
            )
    return {"runs": runs, "variants": [{"name": "lr0.03", "lr": 0.03}]}


def test_leaky_units_survive_large_learning_rates_either_way():
    better = _lr_sweep(0.3, {"relu": LOW, "leaky_relu": HIGH, "prelu": HIGH})
    verdict, evidence = verdicts.leaky_units_survive_large_learning_rates(better)
    assert verdict == "supported" and "lr 0.03" in evidence and "relu 30.00%" in evidence
    worse = _lr_sweep(0.3, {"relu": HIGH, "leaky_relu": LOW, "prelu": HIGH})
    assert verdicts.leaky_units_survive_large_learning_rates(worse)[0] == "not supported"
    alive = _lr_sweep(0.01, {"relu": LOW, "leaky_relu": HIGH, "prelu": HIGH})
    assert verdicts.leaky_units_survive_large_learning_rates(alive) == (
        "inconclusive",
        "at no learning rate did 10% of ReLUs die",
    )


def test_learns_faster_and_generalises_better_needs_both():
    def result(first, final):
        runs = []
        for activation in ("elu", "relu"):
            for seed in range(5):
                runs.append(
                    {
                        "activation": activation,
                        "seed": seed,
                        "variant": "v",
                        "diverged": False,
                        "curve": [first[activation][seed], 0.9],
                        "test_acc": final[activation][seed],
                    }
                )
        return {"runs": runs}

    both = result({"elu": HIGH, "relu": LOW}, {"elu": HIGH, "relu": LOW})
    assert verdicts.learns_faster_and_generalises_better(both, "elu", "relu")[0] == "supported"
    only_faster = result({"elu": HIGH, "relu": LOW}, {"elu": LOW, "relu": HIGH})
    assert verdicts.learns_faster_and_generalises_better(only_faster, "elu", "relu")[0] == "not supported"


def test_reported_margins_are_quoted_beside_ours():
    result = _result({"mish": HIGH, "relu": LOW})
    verdict, evidence = verdicts.beats_with_reported_margins(
        result, [("mish", "relu")], "Misra: +1.671 points"
    )
    assert verdict == "supported" and evidence.endswith("Reported: Misra: +1.671 points")


def _cost(times: dict[str, float], device_type: str = "cpu") -> dict:
    return {
        "provenance": {"device_type": device_type, "device_name": "Test device"},
        "rows": [
            {"activation": a, "impl": "builtin", "dtype": "float32", "fwd_bwd_ms": t}
            for a, t in times.items()
        ]
        + [{"activation": "relu", "impl": "eager", "dtype": "float32", "fwd_bwd_ms": 100.0}],
    }


def test_costs_more_than_either_way():
    verdict, evidence = verdicts.costs_more_than(
        _cost({"relu": 1.0, "sigmoid": 1.3, "tanh": 1.5}), ("sigmoid", "tanh")
    )
    assert (
        verdict == "supported" and "the difference is small" in evidence and "CPU (Test device)" in evidence
    )
    big = verdicts.costs_more_than(_cost({"relu": 1.0, "sigmoid": 3.0, "tanh": 1.5}), ("sigmoid", "tanh"))
    assert big[0] == "supported" and "not small" in big[1]
    cheaper = verdicts.costs_more_than(_cost({"relu": 1.0, "sigmoid": 0.8, "tanh": 1.5}), ("sigmoid", "tanh"))
    assert cheaper[0] == "not supported" and "0.80×" in cheaper[1]
    assert verdicts.costs_more_than(_cost({"relu": 1.0, "sigmoid": 1.02, "tanh": 1.5}), ("sigmoid", "tanh"))[
        0
    ] == ("inconclusive")
    assert verdicts.costs_more_than(_cost({"relu": 1.0}), ("sigmoid",))[0] == "inconclusive"
