"""actref.cost: saved-bytes accounting, roofline arithmetic, result files, CLI and the site providers.

No timing is asserted anywhere: timings vary run to run and machine to machine.
"""

import json
import pathlib

import pytest
import torch

import actref
from actref import __main__ as actref_main
from actref import fast
from actref.cost import bench as cost
from actref.cost import cli as cost_cli
from actref.site import cost_figures, cost_pages, i18n

ROOT = pathlib.Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- saved bytes
class SavesTwo(torch.autograd.Function):
    """A hand-countable case: saves two fp32 tensors the size of x (8 bytes per element)."""

    @staticmethod
    def forward(ctx, x):
        a, b = x * 2, x * 3
        ctx.save_for_backward(a, b)
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad * 5


class SavesXTwice(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x, x[: x.numel() // 2])  # a view shares x's storage: counted once
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        return grad


@pytest.mark.parametrize(
    ("fn", "dtype", "expected"),
    [
        (SavesTwo.apply, torch.float32, 8.0),
        (SavesTwo.apply, torch.bfloat16, 4.0),
        (SavesXTwice.apply, torch.float32, 4.0),
        (lambda x: x * 2.0, torch.float32, 0.0),  # multiplying by a constant needs nothing saved
        (torch.relu, torch.float32, 4.0),  # the built-in saves its output
        (torch.exp, torch.float32, 4.0),
        (
            lambda x: x * torch.sigmoid(x),
            torch.float32,
            8.0,
        ),  # x and σ(x); sigmoid's own save is the same σ(x)
    ],
    ids=["two-fp32", "two-bf16", "view-counted-once", "scale", "relu", "exp", "x-sigmoid-x"],
)
def test_saved_bytes_hand_counted(fn, dtype, expected):
    x = torch.randn(4096, dtype=dtype)
    assert cost.saved_bytes_per_element(fn, x) == expected


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_lean_saves_one_input_sized_tensor(dtype):
    x = torch.randn(4096, dtype=dtype)
    for spec in ("relu", "silu", "gelu", "tanh"):
        lean = fast.implementations(spec, include_compiled=False)["lean"]
        assert cost.saved_bytes_per_element(lean, x) == x.element_size(), spec


# --------------------------------------------------------------------------- roofline arithmetic
def test_ideal_bytes():
    assert cost.ideal_bytes_per_element(torch.float32) == 20
    assert cost.ideal_bytes_per_element("bfloat16") == 10


def test_pct_roofline_synthetic():
    # 2^20 fp32 elements: 20 MiB ideal; at 2e12 B/s a copy-speed kernel needs 10.48576 µs.
    ideal = 20 * 2**20
    assert cost.pct_roofline(ideal, 2e12, ideal / 2e12) == pytest.approx(100.0)
    assert cost.pct_roofline(ideal, 2e12, 4 * ideal / 2e12) == pytest.approx(25.0)
    with pytest.raises(ValueError):
        cost.pct_roofline(ideal, 2e12, 0.0)


# --------------------------------------------------------------------------- the run and its file
@pytest.fixture(scope="module")
def tiny_results():
    return cost.run(activations=["relu", "silu"], device="cpu", elements=2**12, warmup=0, repeats=1)


def test_run_rows_and_provenance(tiny_results):
    cost.validate(tiny_results)
    rows = tiny_results["rows"]
    assert {(r["activation"], r["impl"], r["dtype"]) for r in rows} == {
        (a, i, d)
        for a in ("relu", "silu")
        for i in ("builtin", "eager", "lean")
        for d in ("float32", "bfloat16")
    }
    assert all(r["device"] == "cpu" and r["fwd_bwd_ms"] > 0 for r in rows)
    lean = [r for r in rows if r["impl"] == "lean"]
    assert {r["saved_bytes_per_element"] for r in lean if r["dtype"] == "float32"} == {4.0}
    assert {r["saved_bytes_per_element"] for r in lean if r["dtype"] == "bfloat16"} == {2.0}
    p = tiny_results["provenance"]
    assert set(cost.PROVENANCE_KEYS) <= set(p) and p["device_type"] == "cpu" and p["cuda"] is None
    assert p["device_name"].startswith("cpu")
    # pct_roofline is the stated formula of the row's own numbers.
    bandwidth = p["copy_bandwidth_gb_per_s"] * 1e9
    r = rows[0]
    expected = cost.pct_roofline(
        cost.ideal_bytes_per_element(r["dtype"]) * 2**12, bandwidth, r["fwd_bwd_ms"] / 1e3
    )
    assert r["pct_roofline"] == pytest.approx(expected)


def test_results_round_trip(tiny_results, tmp_path):
    path = cost.write_atomic(tiny_results, tmp_path / "cost.json")
    assert cost.load(path) == json.loads(json.dumps(tiny_results))
    assert [p.name for p in tmp_path.iterdir()] == ["cost.json"]  # no temporary file left behind


def test_interrupted_write_keeps_the_old_file(tiny_results, tmp_path, monkeypatch):
    path = cost.write_atomic(tiny_results, tmp_path / "cost.json")
    before = path.read_text()

    def broken_dump(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cost.json, "dump", broken_dump)
    with pytest.raises(KeyboardInterrupt):
        cost.write_atomic(tiny_results, path)
    assert path.read_text() == before and [p.name for p in tmp_path.iterdir()] == ["cost.json"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["provenance"].pop("git_commit"), "git_commit"),
        (lambda r: r["rows"][0].pop("pct_roofline"), "pct_roofline"),
        (lambda r: r["rows"][0].update(impl="magic"), "magic"),
        (lambda r: r["rows"][0].update(fwd_ms=-1.0), "fwd_ms"),
        (lambda r: r.pop("rows"), "rows"),
    ],
)
def test_validate_names_the_problem(tiny_results, mutate, message):
    broken = json.loads(json.dumps(tiny_results))
    mutate(broken)
    with pytest.raises(ValueError, match=message):
        cost.validate(broken)


def test_staleness_and_merge(tiny_results):
    results = json.loads(json.dumps(tiny_results))
    stale = cost.stale_activations(results)
    assert "relu" not in stale and "silu" not in stale  # measured with the current code
    results["provenance"]["activation_hashes"]["relu"] = "changed"
    assert "relu" in cost.stale_activations(results)
    fresh = json.loads(json.dumps(tiny_results))
    fresh["rows"] = [r for r in fresh["rows"] if r["activation"] == "relu"]
    merged = cost.merge(results, fresh)
    assert sorted({r["activation"] for r in merged["rows"]}) == ["relu", "silu"]
    assert len(merged["rows"]) == len(tiny_results["rows"])


def test_summary_picks_what_best_picks(tiny_results):
    summary = {s["activation"]: s for s in cost.summary_rows(tiny_results)}
    assert summary["silu"]["best_impl"] != "builtin"  # F.silu(−inf) is nan, so never chosen
    for s in summary.values():
        assert s["from_scratch_penalty"] > 0
    assert "best impl % of roofline" in cost.format_table(tiny_results)


def test_cli_run_and_show(tmp_path, capsys):
    out = tmp_path / "c.json"
    argv = ["run", "--device", "cpu", "--activations", "relu", "--elements", "4096", "--repeats", "1"]
    assert cost_cli.main([*argv, "--warmup", "0", "--dtypes", "float32", "--out", str(out)]) == 0
    assert cost.load(out)["rows"]
    capsys.readouterr()
    assert cost_cli.main(["show", str(out)]) == 0
    assert "relu" in capsys.readouterr().out
    assert actref_main.main(["cost", "show", str(tmp_path / "missing.json")]) == 1


def test_cli_rejects_vector_activations(tmp_path):
    with pytest.raises(ValueError, match="not elementwise"):
        cost.run(activations=["softmax"], device="cpu", elements=64, repeats=1)


# --------------------------------------------------------------------------- the site providers
class FakeContext:
    def __init__(self, root, page_src="activations/relu.md", mode="cached"):
        self.root, self.page_src, self.experiments_mode = root, page_src, mode
        self.assets = []
        self.lang = "en"

    def _(self, message, **fields):
        return i18n.translate(self.lang, message, **fields)

    def asset(self, name, inputs, make, **dependencies):
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        json.dumps(inputs)  # the site hashes the inputs: they must serialise
        make(path)
        self.assets.append(path)
        return f"../generated/{name}"


@pytest.fixture
def results_dir(tmp_path, monkeypatch, tiny_results):
    monkeypatch.setattr(fast, "RESULTS_DIR", tmp_path / "results")
    cost_pages._CACHE.clear()
    yield tmp_path / "results"
    cost_pages._CACHE.clear()


def test_provider_without_gpu_results_says_so(results_dir, tiny_results, tmp_path):
    cost.write_atomic(tiny_results, results_dir / "cost_cpu.json")
    ctx = FakeContext(tmp_path / "site")
    md = cost_pages.activation_markdown(ctx, "relu")
    assert "Measured on the **CPU**" in md and "no GPU cost results are committed" in md
    assert "| torch built-in" in md and "`fast=True`" in md
    assert ctx.assets and ctx.assets[0].read_text().lstrip().startswith(("<?xml", "<svg"))
    assert "Not measured" in cost_pages.activation_markdown(ctx, "softmax")
    assert "no row there yet" in cost_pages.activation_markdown(ctx, "tanh")
    headers, cells = cost_pages.table_columns(ctx)
    assert set(cells) == set(actref.names()) and all(len(c) == len(headers) for c in cells.values())
    page = cost_pages.page(FakeContext(tmp_path / "site", "comparisons/cost.md"))
    assert "../activations/relu.md" in page and "no GPU cost results are committed" in page


def test_provider_prefers_gpu_results(results_dir, tiny_results, tmp_path):
    gpu = json.loads(json.dumps(tiny_results))
    gpu["provenance"].update(device_type="cuda", device_name="Test GPU", cuda="12.8")
    for r in gpu["rows"]:
        r["device"] = "cuda"
    cost.write_atomic(gpu, results_dir / "cost.json")
    md = cost_pages.activation_markdown(FakeContext(tmp_path / "site"), "silu")
    assert "committed GPU results" in md and "Test GPU" in md and "No GPU" not in md


def test_no_results_at_all(results_dir, tmp_path):
    assert "No cost results" in cost_pages.activation_markdown(FakeContext(tmp_path), "relu")
    assert cost_pages.table_columns(FakeContext(tmp_path)) == ([], {})


def test_committed_cpu_results_are_labelled_cpu():
    path = ROOT / "results" / "cost_cpu.json"
    if not path.is_file():
        pytest.skip("results/cost_cpu.json not committed yet")
    results = cost.load(path)
    p = results["provenance"]
    assert p["device_type"] == "cpu" and p["device_name"].startswith("cpu") and p["cuda"] is None
    assert {r["device"] for r in results["rows"]} == {"cpu"}


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_run_small():
    # The CUDA path end to end on a small tensor: events, compiled implementations, saved bytes.
    results = cost.run(activations=["relu", "silu"], device="cuda", elements=2**16, warmup=2, repeats=3)
    cost.validate(results)
    impls = {r["impl"] for r in results["rows"]}
    assert {"compiled", "lean_compiled"} <= impls and not results["provenance"]["skipped"]
    assert results["provenance"]["device_type"] == "cuda" and results["provenance"]["cuda"]
    lean = [r for r in results["rows"] if r["impl"] in ("lean", "lean_compiled") and r["dtype"] == "float32"]
    assert {r["saved_bytes_per_element"] for r in lean} == {4.0}
    spec = actref.get("silu")
    merged = fast.bind(spec, {})
    x = torch.linspace(-20, 20, 4001, device="cuda", requires_grad=True)
    for impl, fn in fast.implementations(spec, include_compiled=True).items():
        xr = x.detach().clone().requires_grad_(True)
        y, yr = fn(x), spec(xr, **merged)
        torch.testing.assert_close(y, yr, rtol=2e-5, atol=1e-6, msg=impl)
        (g,) = torch.autograd.grad(y.sum(), x)
        (gr,) = torch.autograd.grad(yr.sum(), xr)
        torch.testing.assert_close(g, gr, rtol=2e-5, atol=1e-6, msg=impl)


def _with_identity(results):
    """tiny_results plus identity rows as a CPU run measures them: the built-in does no work (> 100%)."""
    out = json.loads(json.dumps(results))
    pct = {"builtin": 9610.2, "eager": 191.2, "lean": 10.4}
    for impl, p in pct.items():
        for dtype in ("float32", "bfloat16"):
            out["rows"].append(
                {
                    "activation": "identity",
                    "impl": impl,
                    "dtype": dtype,
                    "device": "cpu",
                    "fwd_ms": 0.001,
                    "bwd_ms": 0.01,
                    "fwd_bwd_ms": 0.011 * 9610.2 / p,
                    "pct_roofline": p,
                    "saved_bytes_per_element": 0.0 if impl != "lean" else 4.0,
                }
            )
    out["provenance"]["device_name"] = "cpu (x86_64, 1 threads)"
    for r in out["rows"]:
        if r["activation"] == "relu" and r["impl"] == "eager":  # so fast=True does not pick it
            r["fwd_bwd_ms"] *= 1000
    return out


def test_provider_reports_no_work_as_not_applicable(results_dir, tiny_results, tmp_path):
    cost.write_atomic(_with_identity(tiny_results), results_dir / "cost_cpu.json")
    ctx = FakeContext(tmp_path / "site", "activations/identity.md")
    md = cost_pages.activation_markdown(ctx, "identity")
    assert "n/a (no work: the built-in returns its input)" in md
    assert "n/a (no work: the from-scratch version returns its input)" in md
    assert "9610" not in md and "191.2" not in md
    assert "1 thread)" in md and "1 threads" not in md
    headers, cells = cost_pages.table_columns(ctx)
    assert len(headers) == 2 and "n/a (no work)" in cells["identity"][0]
    page = cost_pages.page(FakeContext(tmp_path / "site", cost_pages.COST_PAGE))
    assert "9610" not in page and "n/a (no work" in page
    assert "Identity (linear) left out: it does no work" in page
    assert "[the cost of an activation]" not in page  # no link from the cost page to itself
    assert "16-bit inputs in fp32" in page
    relu = cost_pages.activation_markdown(FakeContext(tmp_path / "site"), "relu")
    assert "[the cost of an activation](" in relu
    assert "bytes per element for the backward pass" in relu and "instead of" not in relu


def test_chart_of_a_no_work_implementation(tmp_path, tiny_results):
    rows = cost_pages._rows_for(_with_identity(tiny_results), "identity")
    impls = ["builtin", "eager", "lean"]
    cost_figures.roofline_chart(tmp_path / "c.svg", impls, cost_pages._chart_values(rows, impls), "CPU")
    assert "n/a (no work)" in (tmp_path / "c.svg").read_text()
