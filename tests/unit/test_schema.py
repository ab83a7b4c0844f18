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


def laughs(levels: int, merge: bool = False) -> str:
    """The "billion laughs" shape: each level aliases the one before nine times."""
    lines = ["lol0: &lol0 {a: lol, b: lol}" if merge else "lol0: &lol0 [lol, lol, lol]"]
    for level in range(1, levels):
        aliases = ", ".join([f"*lol{level - 1}"] * 9)
        body = f"{{<<: [{aliases}]}}" if merge else f"[{aliases}]"
        lines.append(f"lol{level}: &lol{level} {body}")
    return "\n".join(lines) + "\n"


def refusal(text: str) -> tuple[str, str | None]:
    with pytest.raises(ConfigError) as caught:
        parse_yaml(text, "slam.yaml")
    assert len(caught.value.problems) == 1
    return caught.value.message, caught.value.hint


def test_aliases_expanding_to_too_many_values_are_refused_where_written():
    # 3 * 9**9 values: the walk that records lines would never end
    message, hint = refusal(laughs(10))
    # values: lol0 4 (the list and its items), lol1 1 + 9 * 4 = 37, lol2 334, lol3 3,007,
    # lol4 27,064, lol5 243,577: the first level past 100,000
    assert message == (
        "slam.yaml:6: lol5: holds 243,577 values once its aliases are expanded; "
        "slam reads at most 100,000"
    )
    assert hint == "alias fewer or smaller blocks, or write the values out"


def test_merge_keys_expanding_to_too_many_values_are_refused_before_merging():
    message, _ = refusal(laughs(12, merge=True))
    assert message.startswith("slam.yaml:")
    assert "values once its aliases are expanded; slam reads at most 100,000" in message


def test_an_alias_inside_its_own_block_is_refused():
    assert refusal("name: x\nloop: &loop [a, *loop]\n") == (
        "slam.yaml:2: this block holds an alias of itself",
        "alias fewer or smaller blocks, or write the values out",
    )


def test_a_document_nested_too_deep_is_refused():
    message, _ = refusal("a: " + "[" * 300 + "]" * 300 + "\n")
    assert message == "slam.yaml:1: nests 301 levels deep; slam reads at most 200"


def test_ordinary_aliases_and_merges_are_read():
    text = (
        "base: &base {region: eu, size: 3}\n"
        "copy: *base\n"
        "merged:\n"
        "  <<: *base\n"
        "  size: 4\n"
        "both:\n"
        "  <<: [*base, {extra: 1}]\n"
    )
    document = parse_yaml(text, "f.yaml")
    assert document.data == {
        "base": {"region": "eu", "size": 3},
        "copy": {"region": "eu", "size": 3},
        "merged": {"region": "eu", "size": 4},
        "both": {"region": "eu", "size": 3, "extra": 1},
    }
    assert document.problems == []  # a key that overrides a merged one is not "given twice"
    assert document.line_of(("merged", "size")) == 5


def test_verbatim_mappings_keep_the_text_of_plain_scalars():
    text = (
        "common: &common {A: 3.10, B: 012345, C: 0x1F, D: true, E: ~, F: null, G: .inf}\n"
        "env:\n"
        "  <<: *common\n"
        "  B: '1'\n"
        "  H: 2024-01-01\n"
        "  I:\n"
        "  J: [1, 2]\n"
        "stages:\n"
        "  dev: {<<: [{L: 1.0}, *common], K: no}\n"
        "other: {A: 3.10}\n"
    )
    data = parse_yaml(text, "f.yaml", [("env",), ("stages", "*")]).data
    assert data["env"] == {
        "A": "3.10",
        "B": "1",
        "C": "0x1F",
        "D": "true",
        "E": "~",
        "F": "null",
        "G": ".inf",
        "H": "2024-01-01",
        "I": None,
        "J": [1, 2],
    }
    assert data["stages"]["dev"] == {
        "L": "1.0",
        "A": "3.10",
        "B": "012345",
        "C": "0x1F",
        "D": "true",
        "E": "~",
        "F": "null",
        "G": ".inf",
        "K": "no",
    }
    assert data["other"] == {"A": 3.1}
    assert data["common"] == {
        "A": 3.1,
        "B": 5349,
        "C": 31,
        "D": True,
        "E": None,
        "F": None,
        "G": float("inf"),
    }


def test_a_key_yaml_reads_as_another_type_is_reported_as_written():
    document = parse_yaml("section:\n  a: 1\n  yes: 2\n  3.0: 3\n", "f.yaml")
    document.root.child("section").mapping()
    with pytest.raises(ConfigError) as caught:
        document.raise_if_invalid()
    assert caught.value.lines() == [
        ("f.yaml:3: section: key 'yes' must be a string", "quote it: 'yes'"),
        ("f.yaml:4: section: key '3.0' must be a string", "quote it: '3.0'"),
    ]
