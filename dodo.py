"""slam's own development tasks, run by doit; the Makefile's targets call them.

    doit list         # these tasks
    doit test         # ruff, mypy, then every test with the coverage gates (make test)
    doit test_fast    # the unit tier: no subprocesses, builds or network (make test-fast)
    doit bench        # the benchmarks' tables (make bench)

Run them with the doit of the project's .venv (``make`` creates it): the tools are
taken from beside the Python that runs doit.
"""

import sys
from pathlib import Path

BIN = Path(sys.executable).parent
SOURCES = ["slam", "tests", "benchmarks", "examples", "dodo.py"]
WHOLE_PACKAGE_COVERAGE = 95  # percent of slam's statements and branches
RUNTIME_COVERAGE = 100  # slam/runtime runs inside Lambda, where a missed branch is a 500

DOIT_CONFIG = {
    "default_tasks": ["test"],
    "verbosity": 2,  # the tools' own output, as they print it
    "backend": "sqlite3",
    "dep_file": ".doit.sqlite3",
}


def tool(name: str) -> str:
    return str(BIN / name)


def task_lint():
    """ruff: the lint rules and budgets, and the formatting."""
    return {
        "actions": [
            [tool("ruff"), "check", *SOURCES],
            [tool("ruff"), "format", "--check", *SOURCES],
        ],
    }


def task_typecheck():
    """mypy --strict on slam/."""
    return {"actions": [[tool("mypy")]]}


def task_test_fast():
    """The unit tier: every test not marked slow or network, in about 10 s."""
    return {"actions": [[tool("pytest"), "-q", "-m", "not slow and not network"]]}


def task_test():
    """Lint, typecheck, then every test, with coverage gates on slam/ and slam/runtime/."""
    return {
        "task_dep": ["lint", "typecheck"],
        "actions": [
            [
                tool("pytest"),
                "--cov=slam",
                "--cov-report=term-missing:skip-covered",
                f"--cov-fail-under={WHOLE_PACKAGE_COVERAGE}",
            ],
            [
                tool("coverage"),
                "report",
                "--include=slam/runtime/*",
                "--show-missing",
                f"--fail-under={RUNTIME_COVERAGE}",
            ],
        ],
    }


def task_bench():
    """Every script in benchmarks/: tables of ratios against baselines measured alongside."""
    scripts = sorted(Path("benchmarks").glob("*.py"))
    return {"actions": [[sys.executable, str(script)] for script in scripts]}
