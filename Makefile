# Set-up and everyday commands. The first two are the README's.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup benchmark clean

demo: $(STAMP)            ## set up, generate the demo data and run the nightly flow on it
	$(BIN)/streetlink demo

test: $(STAMP)            ## set up and run the default test suite (CI runs this)
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,spark]"
	touch $(STAMP)

benchmark: $(STAMP)       ## pudong-scale figures (see benchmarks/README.md)
	$(BIN)/python benchmarks/run_benchmark.py

clean:
	rm -rf $(VENV) outputs/demo reports/20*
