# The README's commands. Each target creates .venv on first use and reinstalls
# when pyproject.toml changes, so a fresh clone needs only Python 3.10+, make and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,local]'
	touch $(STAMP)

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" sh examples/demo.sh

test: lint typecheck
	$(BIN)/pytest --cov=slam/runtime --cov-report=term-missing:skip-covered --cov-fail-under=100

lint: $(STAMP)
	$(BIN)/ruff check slam tests benchmarks examples
	$(BIN)/ruff format --check slam tests benchmarks examples

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	for script in benchmarks/*.py; do $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
