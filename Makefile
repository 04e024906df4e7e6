# Every set-up step lives here: a fresh machine needs only Python 3.11 and pip.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= ./data

.PHONY: demo test lint bench venv clean

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

# pywb pins its own dependencies, so the WARC interop tests get it in a venv of its own.
PYWB_VENV ?= .venv-pywb
$(PYWB_VENV)/.installed:
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/pip install -q --upgrade pip
	$(PYWB_VENV)/bin/pip install -q 'pywb==2.10.0'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/arsip demo --data $(DATA)

test: $(VENV)/.installed-test $(PYWB_VENV)/.installed
	ARSIP_REQUIRE_PYWB=1 $(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check crawler archive scheduler.py tests bench

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache
