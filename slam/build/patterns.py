"""Path patterns with git's ``.gitignore`` syntax, matched by the pathspec library.

Paths are relative, with ``/`` between names; a folder's path ends with ``/`` so that
a pattern ending in ``/`` (``docs/``) matches folders only. A pattern without a ``/``
(but a trailing one) matches a name at any depth, one with a ``/`` is anchored to the
folder its patterns are relative to, ``**`` matches any number of folders, and a
pattern that matches a folder matches everything in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pathspec import GitIgnoreSpec
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern


def compile_patterns(patterns: Iterable[str]) -> GitIgnoreSpec:
    """The patterns as one spec, in order: the last one matching a path decides.

    A pattern git would not understand matches nothing, as git treats it.
    """
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(GitIgnoreSpecPattern(pattern))
        except ValueError:
            continue
    return GitIgnoreSpec(compiled)


def own_patterns(lines: Iterable[str]) -> tuple[tuple[bool, re.Pattern[str]], ...]:
    """Each line's (include, regex), in order, where the regex finds the paths the
    line matches themselves: not the paths below a folder it matches, which git never
    looks at once that folder is left out. Lines that match nothing are dropped.

    pathspec's regex for a line also matches what a matching folder holds, through a
    named group for the ``/`` after that folder (``^(?:.+/)?docs(?P<ps_d>/)``); that
    group is made to fail. A regex matching below a folder by design (``logs/**`` is
    ``^logs/``) has no such group, and keeps matching.
    """
    found = []
    for line in lines:
        try:
            regex, include = GitIgnoreSpecPattern.pattern_to_regex(line)
        except ValueError:
            continue  # git ignores what it cannot read
        if include is not None and regex is not None:
            found.append((include, re.compile(_FOLDER_MARK.sub("(?!)", regex))))
    return tuple(found)


def folder_form(line: str) -> str:
    """A ``.gitignore`` line as it reads against a folder's own path, written without
    its trailing ``/``: git matches a folder-only pattern (``docs/``) to the name."""
    if not line.endswith("\\ "):  # git drops trailing spaces unless escaped
        line = line.rstrip(" ")
    return line[:-1] if line.endswith("/") and line.strip("!/") else line


def any_of(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One regex that finds (``search``) the paths any of ``patterns`` matches, and
    what the folders it matches hold; None for no patterns. For patterns without
    ``!``, where the order does not matter."""
    regexes = []
    for pattern in patterns:
        try:
            regex, include = GitIgnoreSpecPattern.pattern_to_regex(pattern)
        except ValueError:
            continue  # matches nothing, as in compile_patterns
        if include is not None and regex is not None:
            regexes.append(regex)
    return join_regexes(regexes)


def join_regexes(regexes: Iterable[str]) -> re.Pattern[str] | None:
    """The regexes pathspec makes of patterns, as one: a search per path instead of one
    per pattern is what keeps the walk of a large project fast."""
    # each is anchored on its own; their group names would clash
    alternatives = [f"(?:{_NAMED_GROUP.sub('(?:', regex)})" for regex in regexes]
    return re.compile("|".join(alternatives)) if alternatives else None


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_FOLDER_MARK = re.compile(r"\(\?P<\w+>/\)")


def pattern_problem(pattern: str, key: str) -> tuple[str, str] | None:
    """Why ``pattern``, in ``package.<key>``, cannot select files, as (message, hint);
    None when it can."""
    if pattern.startswith("!"):
        other = "exclude" if key == "include" else "include"
        verb = "leave it out" if key == "include" else "put it back"
        return (
            "starts with '!', and negation is not supported here",
            f"to {verb}, write {pattern[1:]!r} under package.{other}",
        )
    if ".." in pattern.strip("/").split("/"):
        return "points outside the project", "write patterns relative to the folder of slam.yaml"
    try:
        compiled = GitIgnoreSpecPattern(pattern)
    except ValueError:
        return "is not a valid pattern", "a trailing backslash escapes nothing: remove it"
    if compiled.include is None:
        return (
            "matches nothing: it is blank or a comment in .gitignore syntax",
            r"write \# for a name starting with #",
        )
    return None


def may_match_below(pattern: str, folder: str) -> bool:
    """Whether ``pattern`` could match something inside ``folder`` (no trailing ``/``).

    Errs on yes: it decides which left-out folders are worth walking, never what is
    packaged.
    """
    body = pattern.rstrip("/")
    if "/" not in body:
        return True  # a name pattern matches at any depth
    parts = body.lstrip("/").split("/")
    for index, name in enumerate(folder.split("/")):
        if index >= len(parts) or parts[index] == "**":
            return True
        if not _name_pattern(parts[index]).match_file(name):
            return False
    return True


@lru_cache(maxsize=256)
def _name_pattern(part: str) -> GitIgnoreSpec:
    """One name of a pattern, anchored, so that it matches that name only."""
    return compile_patterns(["/" + part])
