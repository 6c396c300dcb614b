# The README's commands. `make demo` and `make test` set the environment up on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test fuzz lint lab bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/kit demo --out reports

test: setup
	$(BIN)/ruff check kit tests benchmarks sample_data tools
	$(BIN)/python -m pytest

# The fuzzing campaign's long budget (thousands of inputs per target); `make test` runs a short one.
fuzz: setup
	KIT_FUZZ=long $(BIN)/python -m pytest tests/fuzz -q -p no:cacheprovider

lint: setup
	$(BIN)/ruff check kit tests benchmarks sample_data tools
	$(BIN)/ruff format --check kit tests benchmarks sample_data tools

lab: setup
	mkdir -p notebooks
	$(BIN)/jupyter lab --notebook-dir=.

bench: setup
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/profile_vs_ydata.py

clean:
	rm -rf $(VENV) reports .pytest_cache
