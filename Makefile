# The README's commands: a thin front door to dodo.py, where the project's own tasks
# live. Each target creates .venv on first use and reinstalls when pyproject.toml
# changes, so a fresh clone needs only Python 3.10+, make and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DOIT := $(BIN)/doit -f dodo.py

.PHONY: demo test test-fast lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,local]'
	touch $(STAMP)

demo: $(STAMP)
	@PATH="$(CURDIR)/$(BIN):$$PATH" sh examples/demo.sh

test: $(STAMP)
	$(DOIT) test

test-fast: $(STAMP)
	$(DOIT) test_fast

lint: $(STAMP)
	$(DOIT) lint

typecheck: $(STAMP)
	$(DOIT) typecheck

bench: $(STAMP)
	$(DOIT) bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.* .doit.sqlite3
