from __future__ import annotations

import pytest

from slam.build.patterns import (
    any_of,
    compile_patterns,
    folder_form,
    may_match_below,
    own_patterns,
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


@pytest.mark.parametrize(
    ("line", "path", "matches"),
    [
        ("docs", "docs", True),
        ("docs", "docs/a.md", False),  # below the folder: not the path itself
        ("docs/", "docs", False),  # a file is not a folder
        ("docs/", "lib/docs/a.md", False),
        ("logs/**", "logs/a/b.log", True),  # matches below logs by design
        ("logs/**/", "logs/a.log", False),  # a folder below logs, not a file
        ("!keep.log", "x/keep.log", True),
        ("*", "anything/at/all", True),
    ],
)
def test_own_patterns_match_files_themselves(line: str, path: str, matches: bool):
    ((include, regex),) = own_patterns([line])
    assert include is not line.startswith("!")
    assert (regex.search(path) is not None) is matches


@pytest.mark.parametrize(
    ("line", "folder", "matches"),
    [
        ("docs/", "docs", True),  # in folder form: the folder's name
        ("docs/", "lib/docs", True),
        ("docs/", "docs/sub", False),
        ("logs/**", "logs", False),  # what logs holds, not logs itself
        ("logs/**/", "logs/a", True),
        ("/a", "b/a", False),
    ],
)
def test_own_patterns_in_folder_form_match_folders_themselves(
    line: str, folder: str, matches: bool
):
    ((_, regex),) = own_patterns([folder_form(line)])
    assert (regex.search(folder) is not None) is matches


def test_own_patterns_keep_the_order_and_drop_what_matches_nothing():
    found = own_patterns(["*.log", "# a comment", "", "keys\\", "!keep.log"])
    assert [include for include, _ in found] == [True, False]


@pytest.mark.parametrize(
    ("line", "form"),
    [
        ("docs/", "docs"),
        ("!build/", "!build"),
        ("**/", "**"),
        ("docs/  ", "docs"),  # trailing spaces do not count...
        ("docs\\ ", "docs\\ "),  # ...unless escaped
        ("/", "/"),
        ("*.log", "*.log"),
    ],
)
def test_the_folder_form_of_a_line(line: str, form: str):
    assert folder_form(line) == form


def test_a_pattern_git_cannot_read_matches_nothing():
    assert compile_patterns(["keys\\", "*.pem"]).match_file("keys") is False
    assert compile_patterns(["keys\\", "*.pem"]).match_file("a.pem") is True


def test_no_pattern_gives_no_regex():
    assert any_of(["# only a comment", "keys\\"]) is None


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
