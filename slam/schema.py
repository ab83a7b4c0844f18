"""Reading slam.yaml: YAML with line numbers, and typed accessors that collect problems.

Validation never stops at the first mistake: every accessor records a ``Problem``
(key path, line, what is wrong, how to fix it) and returns a placeholder, so one
run reports everything wrong with the file. ``Document.raise_if_invalid`` then
raises a single ``ConfigError``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SlamError

if TYPE_CHECKING:
    import yaml

KeyPath = tuple[str | int, ...]

# Where anchors and aliases stop being shorthand and become a "billion laughs": slam.yaml
# files hold hundreds of values, and every walk over the document is bounded by these.
MAX_VALUES = 100_000
MAX_DEPTH = 200
_TAG = "tag:yaml.org,2002:"
# Plain scalars YAML reads as something other than a string; their text is kept where asked.
_TEXT_KEPT_TAGS = frozenset(_TAG + name for name in ("null", "bool", "int", "float", "timestamp"))


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
    # keys YAML read as something other than a string: (mapping path, key) -> (text, line)
    key_texts: dict[tuple[KeyPath, Any], tuple[str, int]] = field(default_factory=dict)
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


def parse_yaml(text: str, file: str, verbatim: Sequence[tuple[str, ...]] = ()) -> Document:
    """Parse YAML text, recording the line of every key; syntax errors become ConfigError.

    ``verbatim`` names mappings (key paths, ``*`` for any key) whose plain values keep
    the text the user wrote: there ``3.10`` is ``"3.10"`` and ``true`` is ``"true"``.
    A document whose aliases expand beyond ``MAX_VALUES`` values is refused unread.
    """
    import yaml  # imported here so that `slam --help` does not pay for it

    # the C loader is several times faster; PyYAML's wheels include it
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    document = Document(file, None)
    try:
        node = loader.get_single_node()
        if node is not None:
            # before constructing, which expands merge keys (<<) into the mappings
            _check_size(node, file)
            _record_lines(node, (), document, node.start_mark.line + 1)
            document.data = loader.construct_document(node)
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
    for pattern in verbatim:
        document.data = _keep_written_text(node, document.data, pattern)
    return document


def load_yaml_file(path: Path, verbatim: Sequence[tuple[str, ...]] = ()) -> Document:
    """Read and parse a YAML file (see ``parse_yaml``); a missing or unreadable file is a
    SlamError."""
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
    return parse_yaml(text, str(path), verbatim)


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_size(root: yaml.Node, file: str) -> None:
    """Refuse a document that expands, through its aliases, beyond MAX_VALUES values or
    MAX_DEPTH levels, or that holds itself. Linear in the document as written."""
    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth) once expanded
    holding: set[int] = set()  # the nodes whose expansion is under way: the current path
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        children = _children(node)
        if expanded:
            holding.discard(id(node))
            counts = [sizes[id(child)] for child in children]
            values = 1 + sum(values for values, _ in counts)
            sizes[id(node)] = (values, 1 + max((depth for _, depth in counts), default=0))
        elif id(node) in holding:
            line = node.start_mark.line + 1
            problem = Problem((), line, "this block holds an alias of itself", _ALIAS_HINT)
            raise ConfigError(file, [problem])
        elif id(node) not in sizes:
            holding.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children)
    values, depth = sizes[id(root)]
    if values > MAX_VALUES or depth > MAX_DEPTH:
        raise ConfigError(file, [_oversized(root, sizes)])


_ALIAS_HINT = "alias fewer or smaller blocks, or write the values out"


def _oversized(root: yaml.Node, sizes: dict[int, tuple[int, int]]) -> Problem:
    """What is wrong with a document too large or too deep. Too many values are reported
    at the innermost block that holds too many by itself: where its aliases are written."""
    import yaml

    if sizes[id(root)][0] <= MAX_VALUES:
        message = f"nests {sizes[id(root)][1]} levels deep; slam reads at most {MAX_DEPTH}"
        return Problem((), root.start_mark.line + 1, message, "no setting needs that many levels")
    node: yaml.Node = root
    path: KeyPath = ()
    while True:
        if isinstance(node, yaml.MappingNode):
            inner: list[tuple[str | int, yaml.Node]] = [(k.value, v) for k, v in node.value]
        else:
            inner = list(enumerate(_children(node)))
        large = [(key, child) for key, child in inner if sizes[id(child)][0] > MAX_VALUES]
        if not large:
            break
        path, node = (*path, large[0][0]), large[0][1]
    message = f"holds {sizes[id(node)][0]:,} values once its aliases are expanded"
    message += f"; slam reads at most {MAX_VALUES:,}"
    return Problem(path, node.start_mark.line + 1, message, _ALIAS_HINT)


def _pairs(node: yaml.Node) -> dict[str, yaml.Node]:
    """A constructed mapping's string keys and their value nodes, the last one winning.

    Constructing has expanded the merge keys (``<<``) into the mapping's pairs, in
    PyYAML's order, so these are the nodes the constructed dict's values came from.
    """
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        key.value: value
        for key, value in node.value
        if isinstance(key, yaml.ScalarNode) and key.tag == _TAG + "str"
    }


def _keep_written_text(node: yaml.Node | None, data: Any, pattern: tuple[str, ...]) -> Any:
    """``data`` with the plain non-string scalars of the mappings at ``pattern`` (below
    ``node``) replaced by their text as written. Copies what it changes."""
    import yaml

    if node is None or not isinstance(data, dict):
        return data
    kept = dict(data)
    for key, child in _pairs(node).items():
        if key not in kept:
            continue
        if pattern and pattern[0] in ("*", key):
            kept[key] = _keep_written_text(child, kept[key], pattern[1:])
        elif (
            not pattern
            and isinstance(child, yaml.ScalarNode)
            and not child.style  # plain: the C loader says "", the Python one None
            and child.tag in _TEXT_KEPT_TAGS
            and child.value != ""  # an empty value stays empty
        ):
            kept[key] = child.value
    return kept


def _record_lines(node: yaml.Node, path: KeyPath, document: Document, line: int) -> None:
    """Record the line of every key (where its name is written) and of every list item,
    and the text of keys YAML reads as something other than a string (``ON``, ``1``)."""
    import yaml

    document.lines[path] = line
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag in _TEXT_KEPT_TAGS:
                read_as = yaml.constructor.SafeConstructor().construct_object(key_node)
                document.key_texts[path, read_as] = (key_node.value, key_line)
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
                self._fail_key(key)
                continue
            if allowed is not None and key not in allowed:
                self.child(key).fail("is not a known setting", _did_you_mean(key, allowed))
                continue
            entries[key] = self.child(key)
        return entries

    def _fail_key(self, key: Any) -> None:
        """A key YAML read as a number, boolean or null: named as the user wrote it."""
        where = (str(key), self.document.line_of(self.path))
        text, line = self.document.key_texts.get((self.path, key), where)
        problem = Problem(self.path, line, f"key {text!r} must be a string", f"quote it: '{text}'")
        self.document.problems.append(problem)

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
