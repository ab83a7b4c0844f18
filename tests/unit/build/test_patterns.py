from __future__ import annotations

import pytest

from slam.build.patterns import (
    any_of,
    compile_patterns,
    joined,
    may_match_below,
    pattern_problem,
)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*.md", "README.md", True),
        ("*.md", "docs/deep/a.md", True),  # no slash: any depth
        ("/docs", "docs/", True),
        ("/docs", "lib/docs/", False),  # a leading slash anchors
        ("docs/", "docs/", True),
        ("docs/", "lib/docs/", True),  # a trailing slash alone does not anchor
        ("docs/", "docs", False),  # a file named docs is not a folder
        ("docs", "docs/a.md", True),  # a folder's pattern covers what it holds
        ("lib/*.py", "lib/a.py", True),
        ("lib/*.py", "src/lib/a.py", False),  # a slash inside anchors
        ("lib/*.py", "lib/sub/a.py", False),  # '*' stays inside one name
        ("lib/**/data", "lib/data", True),
        ("lib/**/data", "lib/a/b/data", True),
        ("**/cache", "a/b/cache/", True),
        ("file?.txt", "file1.txt", True),
        ("[!ab].py", "c.py", True),
        ("[!ab].py", "a.py", False),
        ("a+b(c).py", "a+b(c).py", True),  # regex characters are literal
        (r"\#notes", "#notes", True),
    ],
)
def test_gitignore_syntax(pattern: str, path: str, matches: bool):
    assert compile_patterns([pattern]).match_file(path) is matches
    # the joined regex the walk searches with agrees with pathspec's own matching
    regex = any_of(["unrelated/name", pattern])
    assert regex is not None
    assert (regex.search(path) is not None) is matches


def test_the_joined_regex_finds_paths_some_pattern_matches_negated_or_not():
    regex = joined(compile_patterns(["*.log", "!keep.log", "# a comment"]))
    assert regex is not None
    assert [bool(regex.search(path)) for path in ("a.log", "x/keep.log", "app.py")] == [
        True,
        True,
        False,
    ]
    assert joined(compile_patterns(["# only a comment", ""])) is None
    assert any_of(["# only a comment", "keys\\"]) is None


def test_the_last_matching_pattern_decides():
    spec = compile_patterns(["*.log", "!keep.log"])
    assert spec.check_file("x/keep.log").include is False
    assert spec.check_file("x/other.log").include is True
    assert spec.check_file("x/app.py").include is None


def test_a_pattern_git_cannot_read_matches_nothing():
    assert compile_patterns(["keys\\", "*.pem"]).match_file("keys") is False


@pytest.mark.parametrize(
    ("pattern", "folder", "may"),
    [
        ("*.sql", "anything/at/all", True),
        ("docs/", "lib", True),  # a trailing slash alone: any depth
        ("vendor/lib/tool.py", "vendor", True),
        ("vendor/lib/tool.py", "vendor/lib", True),
        ("vendor/lib/tool.py", "vendor/other", False),
        ("vendor/lib/tool.py", "src", False),
        ("/vendor/lib", "vendor/lib/deep", True),
        ("v*/lib/x", "vendored", True),
        ("v*/lib/x", "src", False),
        ("a/**/x", "a/b/c", True),
        ("**/x", "q", True),
    ],
)
def test_which_folders_an_include_pattern_may_reach_into(pattern: str, folder: str, may: bool):
    assert may_match_below(pattern, folder) is may


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("docs/**", None),
        ("/docs", None),
        ("!docs", "starts with '!', and negation is not supported here"),
        ("../secrets", "points outside the project"),
        ("a/../../b", "points outside the project"),
        ("keys\\", "is not a valid pattern"),
        ("#notes", "matches nothing: it is blank or a comment in .gitignore syntax"),
        ("   ", "matches nothing: it is blank or a comment in .gitignore syntax"),
    ],
)
def test_pattern_problems(pattern: str, problem: str | None):
    found = pattern_problem(pattern, "exclude")
    assert (found and found[0]) == problem
