"""Print the live plots' figures: JavaScript payload, time to first plot, and browser-vs-torch error.

Usage: python benchmarks/live_plot.py [--site-dir site] [--loads 5]

Needs a built site (`make site`, or `mkdocs build` into --site-dir) and Debian's Chromium. The payload is the
generated data file plus the bundled runtime (uPlot, stdlib erf/erfc and live-plot.js) and its stylesheet, raw
and gzipped. The time to first plot is performance.now() when the first uPlot chart has drawn, on a cold
browser context (no cache) per load. The error is max |Δ| / max(1, |torch|) over every elementwise
activation at its defaults and at a second valid value of each numeric parameter, 201 points of its plot
range plus its kinks, for f and f′.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import math
import statistics
import threading
from pathlib import Path

import sympy
import torch

import actref
from actref.site import explorer

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = (
    "assets/actref/activations.js",
    "assets/vendor/live-plot/live-plot.js",
    "assets/vendor/live-plot/live-plot.css",
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def payload(site: Path) -> None:
    total_raw = total_gz = 0
    print("payload (bytes)                          raw     gzip -9")
    for rel in PAYLOAD:
        data = (site / rel).read_bytes()
        gz = len(gzip.compress(data, 9))
        total_raw, total_gz = total_raw + len(data), total_gz + gz
        print(f"  {rel:<38} {len(data):>7} {gz:>9}")
    print(f"  {'total':<38} {total_raw:>7} {total_gz:>9}")


def _cases():
    for spec in actref.REGISTRY:
        if not spec.elementwise:
            continue
        settings = [{}] + [{k: explorer.alternative_value(spec, k)} for k in explorer.numeric_params(spec)]
        for params in settings:
            merged = spec.resolve(params)
            subs = spec.substitutions(
                **{k: v for k, v in merged.items() if spec.params[k].symbol is not None}
            )
            kinks = [float(sympy.sympify(k.at).subs(subs)) for k in spec.kinks]
            lo, hi = spec.plot_range
            xs = torch.cat(
                [torch.linspace(lo, hi, 201, dtype=torch.float64), torch.tensor(kinks, dtype=torch.float64)]
            )
            yield spec, params, xs


def _error(got, want: torch.Tensor) -> float:
    return max(
        (abs(g - w) / max(1.0, abs(w)) for g, w in zip(got, want.tolist(), strict=True) if not math.isnan(w)),
        default=0.0,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--loads", type=int, default=5, help="cold page loads to time (median printed)")
    parser.add_argument("--page", default="/activations/gelu/", help="page whose first plot is timed")
    args = parser.parse_args()
    site = args.site_dir.resolve()
    payload(site)

    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        times = []
        for _ in range(args.loads):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(base + args.page, wait_until="load")
            page.wait_for_function("window.actref && window.actref.timing.firstPlot !== null")
            times.append(page.evaluate("window.actref.timing.firstPlot"))
            context.close()
        print(
            f"time to first plot on {args.page} ({args.loads} cold loads): median {statistics.median(times):.0f} ms "
            f"after navigation start (min {min(times):.0f}, max {max(times):.0f})"
        )

        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/explorer/", wait_until="load")
        page.wait_for_function("window.actref && window.actref.names().length > 0")
        worst, where = 0.0, ""
        count = 0
        for spec, params, xs in _cases():
            got = page.evaluate(
                "([n, xs, p]) => window.actref.evaluate(n, xs, p)", [spec.name, xs.tolist(), params]
            )
            for key, want in (("f", spec(xs, **params)), ("df", spec.derivative(xs, **params))):
                e = _error(got[key], want)
                if e >= worst:
                    worst, where = e, f"{spec.name} {key} {params or 'defaults'}"
            count += 1
        print(
            f"max browser-vs-torch error over {count} settings: {worst:.3g} (at {where}); |Δ|/max(1, |torch|)"
        )
        context.close()
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main()
