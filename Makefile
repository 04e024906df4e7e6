# Every set-up step lives here: a fresh machine needs only Python 3.11 and pip.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= ./data

.PHONY: demo test test-fast fuzz lint bench bench-deps venv clean browser-deps node-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The stamp files make re-runs cheap while still reinstalling when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed

# A tool whose pins clash with ours gets a venv of its own: $(1) the venv, $(2) the requirement.
define tool_venv
	$(PYTHON) -m venv $(1)
	$(1)/bin/pip install -q --upgrade pip
	$(1)/bin/pip install -q '$(2)'
	touch $(1)/.installed
endef

# pywb pins its own dependencies, so the WARC interop tests get it in a venv of its own.
PYWB_VENV ?= .venv-pywb
$(PYWB_VENV)/.installed:
	$(call tool_venv,$(PYWB_VENV),pywb==2.10.0)

# py-wacz (the `wacz validate` tool) pins its own dependencies too: a venv of its own for the WACZ tests.
WACZ_VENV ?= .venv-wacz
$(WACZ_VENV)/.installed:
	$(call tool_venv,$(WACZ_VENV),wacz==0.6.0)

# The replay browser test drives Debian's chromium; the wget-WARC test needs wget. Installed only
# when missing and we are root (as on CI); elsewhere install them yourself.
browser-deps:
	@if { [ ! -x /usr/bin/chromium ] || ! command -v wget >/dev/null; } && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium wget >/dev/null; fi

# ReplayWeb.page (npm package replaywebpage) for the test that opens an exported WACZ in it. Its
# ui.js and sw.js are bundled, so `npm pack` fetches the package alone (no dependency tree) and it
# is unpacked into $(RWP_DIR)/package, served as static files by the test.
RWP_VERSION ?= 2.5.3
RWP_DIR ?= .npm-replaywebpage
$(RWP_DIR)/.installed-$(RWP_VERSION): | node-deps
	@command -v npm >/dev/null || { echo "npm is missing: install nodejs and npm (make node-deps as root)"; exit 1; }
	rm -rf $(RWP_DIR) && mkdir -p $(RWP_DIR)
	cd $(RWP_DIR) && npm pack --silent replaywebpage@$(RWP_VERSION) >/dev/null \
	  && tar xzf replaywebpage-$(RWP_VERSION).tgz && rm replaywebpage-$(RWP_VERSION).tgz
	touch $@

# node and npm (for the package above): Debian's, installed only when missing and we are root.
node-deps:
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; fi

demo: $(VENV)/.installed
	$(BIN)/arsip demo --data $(DATA)

test: $(VENV)/.installed-test $(PYWB_VENV)/.installed $(WACZ_VENV)/.installed browser-deps \
      $(RWP_DIR)/.installed-$(RWP_VERSION)
	ARSIP_REQUIRE_PYWB=1 ARSIP_REQUIRE_WACZ=1 ARSIP_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q

# Everything but the tests marked slow (real crawls, the scheduler service, the reliability suite,
# the demo): the quick loop while working. `make test` (and CI) still runs every test.
test-fast: $(VENV)/.installed-test $(PYWB_VENV)/.installed $(WACZ_VENV)/.installed browser-deps
	$(BIN)/python -m pytest -q -m "not slow"

# The fuzz tests alone (tests/test_fuzz_*.py, marker fuzz) with Hypothesis' "dev" profile: random
# and 10x the examples of the bounded, derandomized "ci" run `make test` includes.
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=dev $(BIN)/python -m pytest -q -m fuzz

# The formatter, the linter, the import contract (archive/ never imports crawler/) and the type
# checker, pinned in pyproject.toml's test extra so every machine runs the same versions.
LINTED := crawler archive scheduler.py tests bench
lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/lint-imports
	$(BIN)/mypy

# The benchmarks compare against wget and pywb and serve the site with nginx (an aiohttp file
# server stands in when nginx cannot be installed).
bench-deps:
	@if { ! command -v wget >/dev/null || ! command -v nginx >/dev/null; } && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wget nginx-light >/dev/null; fi

bench: $(VENV)/.installed-test $(PYWB_VENV)/.installed bench-deps
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) $(PYWB_VENV) $(WACZ_VENV) $(RWP_DIR) $(DATA) .pytest_cache
