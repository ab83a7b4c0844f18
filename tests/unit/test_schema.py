from __future__ import annotations

from pathlib import Path

import pytest

from slam.errors import SlamError
from slam.schema import ConfigError, dotted, load_yaml_file, parse_yaml


def test_dotted_key_paths():
    assert dotted(("dynamodb_tables", "tasks", "key", 0)) == "dynamodb_tables.tasks.key[0]"
    assert dotted(()) == ""


def test_syntax_error_names_line_and_column():
    with pytest.raises(ConfigError) as caught:
        parse_yaml("name: x\naws:\n  s3_bucket: [a, b\n", "slam.yaml")
    message = caught.value.message
    assert message.startswith("slam.yaml:4: invalid YAML, column 1:")
    assert caught.value.hint == "fix the syntax there"


def test_lines_are_recorded_for_nested_keys():
    document = parse_yaml("a:\n  b:\n    - x\n    - y\n", "f.yaml")
    assert document.line_of(("a", "b", 1)) == 4
    assert document.line_of(("a", "missing", "deeper")) == 1


def test_duplicate_keys_are_problems():
    document = parse_yaml("name: a\nname: b\n", "slam.yaml")
    with pytest.raises(ConfigError) as caught:
        document.raise_if_invalid()
    assert str(caught.value) == "slam.yaml:2: name: is given twice"


def test_missing_file_suggests_init(tmp_path: Path):
    with pytest.raises(SlamError) as caught:
        load_yaml_file(tmp_path / "slam.yaml")
    assert caught.value.message == f"{tmp_path / 'slam.yaml'} not found"
    assert "slam init" in (caught.value.hint or "")


def test_non_utf8_file_is_reported(tmp_path: Path):
    path = tmp_path / "slam.yaml"
    path.write_bytes(b"name: \xff\n")
    with pytest.raises(SlamError, match="is not UTF-8 text"):
        load_yaml_file(path)


def test_unreadable_path_is_reported(tmp_path: Path):
    with pytest.raises(SlamError, match="cannot read"):
        load_yaml_file(tmp_path)  # a folder


def test_every_problem_is_reported_not_only_the_first():
    document = parse_yaml("a: 1\nb: x\n", "f.yaml")
    root = document.root
    root.child("a").string()
    root.child("b").integer(1, 1, 5, "things")
    with pytest.raises(ConfigError) as caught:
        document.raise_if_invalid()
    assert [message for message, _ in caught.value.lines()] == [
        "f.yaml:1: a: must be a string, not the number 1",
        "f.yaml:2: b: must be a whole number of things, not the string 'x'",
    ]
