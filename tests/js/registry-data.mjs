// The real registry for the Node tests: assets/actref/activations.js as the site build writes it, loaded
// from $ACTREF_ACTIVATIONS_JS (tests/site/test_explorer_link.py writes it) or generated here with the repo's
// Python, and evaluated with stdlib's erf/erfc as the bundle does.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import erf from "@stdlib/math-base-special-erf";
import erfc from "@stdlib/math-base-special-erfc";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function generatedText() {
  const path = process.env.ACTREF_ACTIVATIONS_JS;
  if (path) return readFileSync(path, "utf8");
  const venv = join(REPO_ROOT, ".venv", "bin", "python");
  const python = process.env.PYTHON || (existsSync(venv) ? venv : "python3");
  const code =
    "import sys\nfrom actref.site import explorer, live_assets\n" +
    "sys.stdout.write(explorer.activations_js(meta=live_assets.data_meta()))\n";
  const done = spawnSync(python, ["-c", code], { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
  if (done.status !== 0) throw new Error(`${python} could not write activations.js:\n${done.stderr}`);
  return done.stdout;
}

// {activations, meta}: what window.actrefDefine returns in the browser.
export function loadGenerated() {
  const window = {};
  new Function("window", generatedText())(window);
  return window.actrefDefine({ erf, erfc });
}
