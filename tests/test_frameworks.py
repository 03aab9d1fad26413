"""Framework equivalents (actref.frameworks): the committed results/frameworks.json is real, its verdicts follow
from its numbers, every trap the issue names is measured, and every trap's code runs with the real library.

The libraries come from the `peers` extra (and tf-keras, see the Makefile). A missing one fails here: nothing
is skipped.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

import actref
from actref.frameworks import calls as calls_data
from actref.frameworks import demos, libraries, measure
from actref.frameworks import results as fw_results

RESULT = fw_results.load()


@pytest.fixture(scope="module")
def loaded():
    """Every library, imported the right way (triton before tensorflow, keras on jax, x64)."""
    return {key: libraries.load(key) for key in libraries.LIBRARIES}


def rows_by_call(result: dict) -> dict[tuple[str, str], dict]:
    return {(name, row["call"]): row for name, e in result["activations"].items() for row in e["rows"]}


def test_every_library_is_installed_and_keras_runs_on_jax(loaded):
    assert set(loaded) == set(libraries.LIBRARIES)
    assert libraries.keras_backend() == "jax"
    assert all(v is not None for v in libraries.installed_versions().values())


def test_results_file_is_committed_for_these_versions_and_every_activation():
    assert RESULT is not None, "results/frameworks.json is missing: python -m actref frameworks run"
    reasons = fw_results.stale_reasons(RESULT)
    assert not [r for r in reasons if not r.startswith("changed since measured")], reasons
    assert set(RESULT["provenance"]["libraries"]) == set(libraries.LIBRARIES)
    for key in ("versions", "keras_backend", "device", "created"):
        assert RESULT["provenance"][key]
    errors = [
        (n, r["call"], r["error"]) for (n, _), r in rows_by_call(RESULT).items() if r["verdict"] == "error"
    ]
    assert errors == []


def test_every_call_is_in_the_file():
    have = rows_by_call(RESULT)
    want = {(c.activation, c.code) for c in calls_data.all_calls() if c.activation in actref.names()}
    assert want == set(have)


def test_signatures_are_the_same_on_every_run():
    """A default that is an object must not carry its memory address into the file (flax's `parent=`)."""
    row = rows_by_call(RESULT)[("prelu", "flax.linen.PReLU()")]
    assert "_Sentinel object>" in row["signature"]
    assert measure.MEMORY_ADDRESS.search(json.dumps(RESULT)) is None


# A sample of pairs, recomputed: one call of each library, and the issue's traps.
SAMPLE = [
    ("relu", "F.relu(x)"),
    ("softmax", "jax.nn.softmax(x)"),
    ("glu", "flax.linen.glu(x)"),
    ("hardswish", "keras.activations.hard_silu(x)"),
    ("silu", "tf.nn.silu(x)"),
    ("elu", "tf_keras.activations.elu(x)"),
    ("hard_mish", "get_act_fn('hard_mish')(x)"),
    ("xielu", "ACT2FN['xielu'](x)"),
    ("softplus", "mlx.nn.softplus(x)"),
    ("entmax15", "entmax.entmax15(x)"),
    ("gelu", "jax.nn.gelu(x)"),
    ("leaky_relu", "keras.activations.leaky_relu(x)"),
    ("leaky_relu", "tf.nn.leaky_relu(x)"),
    ("gelu_tanh", "ACT2FN['gelu_fast'](x)"),
    ("quick_gelu", "mlx.nn.gelu_fast_approx(x)"),
    ("softplus", "F.softplus(x)"),
    ("hardsigmoid", "tf_keras.activations.hard_sigmoid(x)"),
]
NUMBERS = ("max_abs", "max_rel", "max_err")


def close(a: float, b: float) -> bool:
    """Equal up to an ulp or two of the library's arithmetic on another CPU."""
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b)) + 64 * 2.2e-16


@pytest.mark.parametrize(("name", "code"), SAMPLE, ids=[f"{n}:{c}" for n, c in SAMPLE])
def test_recomputed_pair_matches_the_committed_numbers(loaded, name, code):
    call = next(c for c in calls_data.calls_for(name) if c.code == code)
    spec = actref.get(name)
    versus = actref.get(call.mistaken_for) if call.mistaken_for else None
    fresh = measure.measure(call, spec, versus)
    committed = rows_by_call(RESULT)[(name, code)]
    assert fresh["verdict"] == committed["verdict"]
    assert fresh["defaults"] == committed["defaults"]
    assert fresh["signature"] == committed["signature"]
    for part in ("forward", "derivative"):
        for key in NUMBERS:
            assert close(fresh[part][key], committed[part][key]), (
                part,
                key,
                fresh[part][key],
                committed[part][key],
            )
    if committed.get("setting"):
        for key in NUMBERS:
            assert close(fresh["setting"]["forward"][key], committed["setting"]["forward"][key])
    assert fresh["conventions"]["differ"] == committed["conventions"]["differ"]


def test_every_verdict_follows_from_its_numbers():
    checked = 0
    for (name, code), row in rows_by_call(RESULT).items():
        setting = row.get("setting")
        want = measure.verdict(
            row["forward"],
            setting and setting["forward"],
            bool(setting and setting["restores_actref_defaults"]),
        )
        assert row["verdict"] == want, (name, code)
        assert row["derivative_verdict"] == measure.closeness(row["derivative"]), (name, code)
        if want == "different default":
            assert row["different_defaults"] == sorted(setting["kwargs"]) and not setting["ref"]
        else:
            assert row["different_defaults"] == []
        if want == "same":
            assert row["forward"]["max_err"] <= measure.SAME_ULPS * row["forward"]["eps"]
            assert row["forward"]["eps"] == measure.EPS64 or row["dtype"] != "float64"
        checked += 1
    assert checked > 200


def test_the_traps_of_the_issue_are_measured():
    rows = rows_by_call(RESULT)
    gelu = rows[("gelu", "jax.nn.gelu(x)")]
    assert gelu["verdict"] == "different default" and gelu["different_defaults"] == ["approximate"]
    assert gelu["defaults"]["approximate"] == "True" and gelu["forward"]["max_abs"] > 4e-4
    for code, param in (
        ("keras.activations.leaky_relu(x)", "negative_slope"),
        ("tf.nn.leaky_relu(x)", "alpha"),
    ):
        row = rows[("leaky_relu", code)]
        assert row["verdict"] == "different default" and row["different_defaults"] == [param]
        assert row["defaults"][param] == "0.2"
    assert rows[("leaky_relu", "F.leaky_relu(x)")]["defaults"]["negative_slope"] == "0.01"
    for key in ("gelu_new", "gelu_fast"):
        row = rows[("gelu_tanh", f"ACT2FN['{key}'](x)")]
        assert row["versus"]["activation"] == "gelu" and row["versus"]["forward"]["max_abs"] > 4e-4
        assert row["verdict"] in ("same", "approximation") and row["forward"]["max_err"] < 1e-11
    mlx = rows[("quick_gelu", "mlx.nn.gelu_fast_approx(x)")]
    assert mlx["verdict"] in ("same", "approximation") and mlx["forward"]["max_err"] < 1e-6
    assert mlx["versus"]["forward"]["max_abs"] > 0.02
    softplus = rows[("softplus", "F.softplus(x)")]
    assert softplus["verdict"] == "approximation" and softplus["forward"]["at"] > 20
    assert softplus["defaults"]["threshold"] == "20"
    assert rows[("hardsigmoid", "keras.activations.hard_sigmoid(x)")]["verdict"] == "same"
    assert rows[("hardsigmoid", "tf_keras.activations.hard_sigmoid(x)")]["verdict"] == "different definition"


def test_aliases_name_a_first_call_of_the_same_library():
    for name, entry in RESULT["activations"].items():
        firsts = {r["call"]: r["library"] for r in entry["rows"] if not r.get("alias_of")}
        for row in entry["rows"]:
            if row.get("alias_of"):
                assert firsts.get(row["alias_of"]) == row["library"], (name, row["call"])


@pytest.mark.parametrize("key", sorted(demos.DEMOS))
def test_trap_code_runs_with_the_real_library(loaded, key):
    name, _, code = key.split("|", 2)
    committed = rows_by_call(RESULT)[(name, code)]
    assert committed["demo"] == demos.DEMOS[key]
    exec(compile(demos.DEMOS[key], key, "exec"), {"__name__": "__main__"})


def test_show_prints_one_activations_rows(capsys):
    from actref.frameworks import cli

    assert cli.main(["show", "gelu_new"]) == 0
    out = capsys.readouterr().out
    assert "jax.nn.gelu(x)" in out and "ACT2FN['gelu_fast'](x)" in out and "keras backend jax" in out


def test_show_names_an_unknown_activation_without_a_traceback(capsys):
    from actref.frameworks import cli

    assert cli.main(["show", "gelu_fst"]) == 2
    err = capsys.readouterr().err
    assert "Unknown activation 'gelu_fst'" in err and "Traceback" not in err
    assert cli.main(["show", "snake"]) == 0
    assert "none of the measured libraries ships it" in capsys.readouterr().out


def test_other_versions_make_the_file_stale():
    other = json.loads(json.dumps(RESULT))
    other["provenance"]["versions"]["jax"] = "0.0.1"
    reasons = fw_results.stale_reasons(other)
    assert any(r.startswith("jax: made with 0.0.1") for r in reasons)
    del other["activations"]["relu"]
    assert any("not measured: " in r and "relu" in r for r in fw_results.stale_reasons(other))


def test_run_writes_the_file_atomically_with_provenance(loaded, tmp_path):
    from actref.frameworks import cli

    out = tmp_path / "frameworks.json"
    assert cli.main(["run", "--activations", "relu6", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert list(result["activations"]) == ["relu6"]
    assert result["provenance"]["versions"]["keras"] == libraries.installed_versions()["keras"]
    assert [p.name for p in tmp_path.iterdir()] == ["frameworks.json"]  # no temporary file left


def test_the_site_section_imports_none_of_the_libraries():
    code = (
        "import sys, types\n"
        "from actref.site import framework_pages, i18n\n"
        "en = lambda message, **fields: i18n.translate('en', message, **fields)\n"
        "ctx = types.SimpleNamespace(page_src='activations/gelu.md', _=en)\n"
        "text = framework_pages.activation_markdown(ctx, 'gelu')\n"
        "assert '`jax.nn.gelu(x)` is not `torch.nn.functional.gelu(x)`' in text or '`jax.nn.gelu(x)` is not `F.gelu(x)`' in text, text\n"
        "assert 'pass `approximate=False`' in text, text\n"
        "page = types.SimpleNamespace(page_src='frameworks/index.md', _=en)\n"
        "assert framework_pages.matrix(page) and framework_pages.traps(page)\n"
        "bad = sorted(m for m in ('jax', 'flax', 'keras', 'tensorflow', 'tf_keras', 'mlx', 'timm', 'transformers',"
        " 'entmax') if m in sys.modules)\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
