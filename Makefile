# charcot: every target bootstraps what it needs on a fresh Debian machine with Python 3.11.
#   make demo   install, then run the main job on the bundled demo case
#   make test   install, then ruff + mypy (strict on src/) + every test (browser, PostgreSQL, Hail)
#   make bench  benchmark scripts (numbers go to docs/PERFORMANCE.md)
#   make lint   ruff + mypy only
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# Debian's own Python 3.11 when it is there with its venv module: it is built with profile-guided optimisation and
# link-time optimisation, and runs charcot's per-record Python ~15 % faster than a default source build (pyenv's),
# docs/PERFORMANCE.md; otherwise python3.11 from PATH. PYTHON=... overrides both.
DEBIAN_PYTHON := $(shell [ -x /usr/bin/python3.11 ] && /usr/bin/python3.11 -c 'import ensurepip, venv' >/dev/null 2>&1 && echo /usr/bin/python3.11)
PYTHON ?= $(or $(DEBIAN_PYTHON),python3.11)
VENV := .venv
HAIL_VENV := .venv-hail
BIN := $(VENV)/bin
DEBIAN_PACKAGES := bcftools tabix chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 \
	libharfbuzz-subset0 fonts-dejavu-core postgresql openjdk-17-jre-headless
OUT ?= demo-output

.PHONY: demo test bench lint debian-packages venv hail-venv clean lock

# Debian packages (only when root and something is missing; otherwise a note).
.debian-packages.stamp:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "warning: missing Debian packages (run as root or install):$$missing" >&2; fi; \
	fi; touch $@

debian-packages: .debian-packages.stamp

# Installs exactly the versions in requirements.lock (a constraints file written by scripts/lock.py;
# docs/CLI.md "Reproducible installs" says how to update it).
$(BIN)/charcot: pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11" >&2; exit 2; }
	@if command -v uv >/dev/null 2>&1; then \
	  uv venv -q --python $(PYTHON) $(VENV) && uv pip install -q --python $(BIN)/python -c requirements.lock -e '.[dev]'; \
	else \
	  $(PYTHON) -m venv $(VENV) && $(BIN)/pip install -q --disable-pip-version-check -U pip && \
	  $(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'; \
	fi
	@touch $@

# Byte-compile the source tree once: with PYTHONDONTWRITEBYTECODE=1 an editable install would
# otherwise compile every imported module again on every run (benchmarks/bench_startup.py).
SOURCES := $(shell find src -name '*.py' 2>/dev/null)
.compiled.stamp: $(BIN)/charcot $(SOURCES)
	@$(BIN)/python -m compileall -q src >/dev/null
	@touch $@

venv: .debian-packages.stamp $(BIN)/charcot .compiled.stamp

# The Hail environment is installed from requirements-hail.lock without dependency resolution: Hail pins
# rich<13 and charcot's CLI needs typer>=0.29 (rich>=13.8), which no resolver can satisfy together (see the lock).
$(HAIL_VENV)/bin/python: pyproject.toml requirements-hail.lock
	$(PYTHON) -m venv $(HAIL_VENV)
	$(HAIL_VENV)/bin/pip install -q --disable-pip-version-check -U pip
	$(HAIL_VENV)/bin/pip install -q --disable-pip-version-check --no-deps -r requirements-hail.lock
	$(HAIL_VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

hail-venv: .debian-packages.stamp $(HAIL_VENV)/bin/python

demo: venv
	$(BIN)/charcot demo --outdir $(OUT)

lint: venv
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy src

test: venv hail-venv
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy src
	bash scripts/run-tests.sh

bench: venv
	bash benchmarks/run-all.sh

# Rewrite requirements.lock from the installed .venv (after 'pip install -U -e .[dev]' and 'make test').
lock: venv
	$(BIN)/python scripts/lock.py > requirements.lock

clean:
	rm -rf $(VENV) $(HAIL_VENV) .debian-packages.stamp .compiled.stamp .pytest_cache .mypy_cache .ruff_cache $(OUT)
