# make site: set up everything, regenerate figures and tables, build the site into site/
# make test: set up everything, run every test (unit, numerics, docs code, site build, browser)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# Material 9.8 prints an end-of-life banner for MkDocs 1.x on every build; we pin MkDocs 1.6.1 on purpose.
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup system python-env npm-assets site serve test lint bench lock clean

setup: system python-env npm-assets

# Debian packages: Fashion-MNIST and Chromium for the browser test (only when we are root and apt exists).
system:
	@bash .ci/setup-system.sh

# pyproject.toml says what the code needs (lower bounds); constraints.txt fixes the exact versions we use.
# tf-keras (Keras 2, measured by actref.frameworks) requires the full `tensorflow` wheel, which would install over
# tensorflow-cpu: it goes in on its own, without its dependencies (tensorflow-cpu, from the peers extra, has them).
python-env: $(STAMP)
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,docs,peers]'
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt --no-deps tf-keras
	touch $(STAMP)

# Re-resolve constraints.txt: a fresh venv gets the newest versions pyproject.toml allows, then pip freeze.
LOCK_VENV := .cache/lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test,docs,peers]'
	$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps tf-keras
	sed -n '/^#/p' constraints.txt > $(LOCK_VENV)/constraints.txt
	$(LOCK_VENV)/bin/pip freeze --exclude-editable >> $(LOCK_VENV)/constraints.txt
	mv $(LOCK_VENV)/constraints.txt constraints.txt
	rm -rf $(LOCK_VENV)

npm-assets: node_modules/.installed-stamp
node_modules/.installed-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: setup
	$(PY) -m mkdocs build --strict

# Live preview of both languages (http://127.0.0.1:8000/actref/ and .../actref/zh/). --dirty: after the first
# full build, an edit rebuilds only the pages whose files changed, in each language's build: an edited prose page
# is in the browser 1-2.5 s later (ARCHITECTURE.md, "Editing with make serve"). Search then covers the rebuilt
# pages only; restart for a full rebuild.
serve: setup
	$(PY) -m mkdocs serve --dirty

test: setup
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

lint: python-env
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Benchmarks print their figures; the CPU cost run writes to .cache/ so it never replaces committed results.
bench: setup
	$(PY) benchmarks/cost.py --threads 1 --out .cache/bench/cost.json
	$(PY) benchmarks/training_throughput.py
	$(PY) benchmarks/site_build.py

clean:
	rm -rf site .cache
