"""Tests for examples/fizzbuzz: the function, its command line and its requirements file."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

FIZZBUZZ_DIR = Path(__file__).resolve().parents[2] / "examples" / "fizzbuzz"

ONE_TO_FIFTEEN = [
    "1", "2", "fizz", "4", "buzz", "fizz", "7", "8", "fizz", "buzz",
    "11", "fizz", "13", "14", "fizz buzz",
]  # fmt: skip


@pytest.fixture
def fizzbuzz(load_example: Callable[[str], ModuleType]) -> ModuleType:
    return load_example("fizzbuzz")


@pytest.mark.parametrize(
    ("number", "expected"), [(2, "2"), (12, "fizz"), (15, "fizz buzz"), (5, "buzz")]
)
def test_tutorial_values(fizzbuzz: ModuleType, number: int, expected: str) -> None:
    assert fizzbuzz.fizzbuzz(number) == expected


def test_one_to_fifteen(fizzbuzz: ModuleType) -> None:
    assert [fizzbuzz.fizzbuzz(n) for n in range(1, 16)] == ONE_TO_FIFTEEN


def test_sixteen_to_thirty_repeat_the_pattern(fizzbuzz: ModuleType) -> None:
    shifted = [word if not word.isdigit() else str(int(word) + 15) for word in ONE_TO_FIFTEEN]
    assert [fizzbuzz.fizzbuzz(n) for n in range(16, 31)] == shifted


def test_called_with_keyword_arguments_as_lambda_does(fizzbuzz: ModuleType) -> None:
    assert fizzbuzz.fizzbuzz(**{"number": 15}) == "fizz buzz"


@pytest.mark.parametrize(("number", "expected"), [("15", "fizz buzz"), ("7", "7")])
def test_accepts_numeric_strings(fizzbuzz: ModuleType, number: str, expected: str) -> None:
    assert fizzbuzz.fizzbuzz(number=number) == expected


def test_main_prints_the_answer(fizzbuzz: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    fizzbuzz.main(["12"])
    assert capsys.readouterr().out == "fizz\n"


@pytest.mark.parametrize("argv", [[], ["twelve"]])
def test_main_rejects_a_missing_or_non_numeric_argument(
    fizzbuzz: ModuleType, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        fizzbuzz.main(argv)
    assert exit_info.value.code == 2
    assert "usage: " in capsys.readouterr().err


def test_runs_as_a_script() -> None:
    result = subprocess.run(
        [sys.executable, "fizzbuzz.py", "15"],
        cwd=FIZZBUZZ_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "fizz buzz\n", "")


def test_requirements_file_lists_no_packages() -> None:
    lines = (FIZZBUZZ_DIR / "requirements.txt").read_text().splitlines()
    assert lines
    assert [line for line in lines if line.strip() and not line.startswith("#")] == []
