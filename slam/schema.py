"""Reading slam.yaml: YAML with line numbers, and typed accessors that collect problems.

Validation never stops at the first mistake: every accessor records a ``Problem``
(key path, line, what is wrong, how to fix it) and returns a placeholder, so one
run reports everything wrong with the file. ``Document.raise_if_invalid`` then
raises a single ``ConfigError``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SlamError

if TYPE_CHECKING:
    import yaml

KeyPath = tuple[str | int, ...]


def dotted(path: KeyPath) -> str:
    """``("dynamodb_tables", "tasks", "key", 0)`` -> ``dynamodb_tables.tasks.key[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration file."""

    path: KeyPath
    line: int | None
    message: str
    hint: str | None


class ConfigError(SlamError):
    """slam.yaml is invalid; carries every problem found in it."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        first = problems[0]
        super().__init__(self._describe(first), first.hint)

    def _describe(self, problem: Problem) -> str:
        where = self.file if problem.line is None else f"{self.file}:{problem.line}"
        key = dotted(problem.path)
        return f"{where}: {key}: {problem.message}" if key else f"{where}: {problem.message}"

    def lines(self) -> list[tuple[str, str | None]]:
        return [(self._describe(p), p.hint) for p in self.problems]


@dataclass
class Document:
    """A parsed YAML file: its data, where each key sits, and the problems found so far."""

    file: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def root(self) -> Node:
        return Node(self.data, (), self)

    def line_of(self, path: KeyPath) -> int | None:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)

    def raise_if_invalid(self) -> None:
        if self.problems:
            raise ConfigError(self.file, self.problems)


def parse_yaml(text: str, file: str) -> Document:
    """Parse YAML text, recording the line of every key; syntax errors become ConfigError."""
    import yaml  # imported here so that `slam --help` does not pay for it

    # the C loader is several times faster; PyYAML's wheels include it
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        problem = Problem((), line, f"invalid YAML{column}: {exc.problem}", "fix the syntax there")
        raise ConfigError(file, [problem]) from None
    except yaml.YAMLError as exc:
        raise ConfigError(file, [Problem((), None, f"invalid YAML: {exc}", None)]) from None
    finally:
        loader.dispose()
    document = Document(file, data)
    if node is not None:
        _record_lines(node, (), document, node.start_mark.line + 1)
    return document


def load_yaml_file(path: Path) -> Document:
    """Read and parse a YAML file; a missing or unreadable file is a SlamError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SlamError(
            f"{path} not found",
            "run `slam init module:function` to create one, or pass -c PATH",
        ) from None
    except UnicodeDecodeError as exc:
        raise SlamError(f"{path} is not UTF-8 text: {exc.reason}", "save it as UTF-8") from None
    except OSError as exc:
        raise SlamError(f"cannot read {path}: {exc.strerror}", None) from None
    return parse_yaml(text, str(path))


def _record_lines(node: yaml.Node, path: KeyPath, document: Document, line: int) -> None:
    """Record the line of every key (where its name is written) and of every list item."""
    import yaml

    document.lines[path] = line
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            key = (*path, key_node.value)
            if key in document.lines:
                problem = Problem(key, key_line, "is given twice", "keep one of the two entries")
                document.problems.append(problem)
            _record_lines(value_node, key, document, key_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), document, item.start_mark.line + 1)


_TYPE_NAMES = {
    dict: "a mapping",
    list: "a list",
    str: "a string",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    type(None): "empty",
}


def describe(value: Any) -> str:
    """How a YAML value reads to a user: 'a list', 'the number 12'..."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class Node:
    """A value of the document at a key path, with typed accessors that record problems."""

    __slots__ = ("document", "path", "value")

    def __init__(self, value: Any, path: KeyPath, document: Document) -> None:
        self.value = value
        self.path = path
        self.document = document

    @property
    def key(self) -> str:
        return dotted(self.path)

    @property
    def missing(self) -> bool:
        """True when the key is absent or has no value (only comments under it)."""
        return self.value is None

    def fail(self, message: str, hint: str | None = None) -> None:
        """Record a problem at this key."""
        line = self.document.line_of(self.path)
        self.document.problems.append(Problem(self.path, line, message, hint))

    def warn(self, message: str) -> None:
        self.document.warnings.append(f"{self.document.file}: {self.key}: {message}")

    def child(self, key: str | int) -> Node:
        value = None
        if isinstance(self.value, dict):
            value = self.value.get(key)
        elif isinstance(self.value, list) and isinstance(key, int) and key < len(self.value):
            value = self.value[key]
        return Node(value, (*self.path, key), self.document)

    def mapping(self, allowed: Collection[str] | None = None) -> dict[str, Node]:
        """The entries of a mapping (empty when missing); unknown keys are problems."""
        if self.missing:
            return {}
        if not isinstance(self.value, dict):
            self.fail(f"must be a mapping of keys to values, not {describe(self.value)}")
            return {}
        entries: dict[str, Node] = {}
        for key in self.value:
            if not isinstance(key, str):
                self.fail(f"key {key!r} must be a string", f"quote it: '{key}'")
                continue
            if allowed is not None and key not in allowed:
                self.child(key).fail("is not a known setting", _did_you_mean(key, allowed))
                continue
            entries[key] = self.child(key)
        return entries

    def items(self) -> Iterator[Node]:
        """The items of a list (nothing when missing)."""
        if self.missing:
            return iter(())
        if not isinstance(self.value, list):
            self.fail(f"must be a list, not {describe(self.value)}", "write it as [a, b]")
            return iter(())
        return (self.child(index) for index in range(len(self.value)))

    def string(self, default: str = "", required: bool = False) -> str:
        if self.missing:
            if required:
                self.fail("is required")
            return default
        if isinstance(self.value, str):
            return self.value
        self.fail(f"must be a string, not {describe(self.value)}", "put the value in quotes")
        return default

    def matching(self, pattern: re.Pattern[str], rule: str, default: str = "") -> str:
        """A required string that must match ``pattern``; ``rule`` says what is allowed."""
        text = self.string(default, required=True)
        if text and not pattern.fullmatch(text):
            self.fail(f"{text!r} is not valid: {rule}")
        return text

    def integer(self, default: int, low: int, high: int, unit: str) -> int:
        if self.missing:
            return default
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"must be a whole number of {unit}, not {describe(value)}")
            return default
        if not low <= value <= high:
            self.fail(f"{value} is out of range", f"use a number of {unit} from {low} to {high}")
            return default
        return value

    def boolean(self, default: bool) -> bool:
        if self.missing:
            return default
        if isinstance(self.value, bool):
            return self.value
        self.fail(f"must be true or false, not {describe(self.value)}")
        return default

    def choice(self, options: Collection[str], default: str) -> str:
        if self.missing:
            return default
        if isinstance(self.value, str) and self.value in options:
            return self.value
        listed = ", ".join(sorted(options))
        self.fail(f"{describe(self.value)} is not one of: {listed}", f"use one of: {listed}")
        return default

    def strings(self) -> tuple[str, ...]:
        """A list of strings; a single string is read as a one-item list."""
        if isinstance(self.value, str):
            return (self.value,)
        return tuple(item.string(required=True) for item in self.items())


def _did_you_mean(key: str, allowed: Collection[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known settings here: " + ", ".join(sorted(allowed))
