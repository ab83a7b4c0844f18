"""The project's .gitignore files, as the package's selection applies them: git's rules."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest

from slam.build.sources import GIT_FILES, Selection, project_files


def files(root: Path, selection: Selection | None = None) -> list[str]:
    return list(project_files(root, selection or Selection()).files)


# A tree and .gitignore files exercising git's rules: nested files, negation, anchoring,
# names at any depth, folder-only patterns and **.
GITIGNORED_TREE = {
    ".gitignore": "*.log\n!important.log\nbuild/\n/dist\ndocs/*.html\n**/generated/**\n"
    "tmp*\n!tmp_keep/\ndata/**\n!data/schema.json\ncache/**/\n",
    "app.py": "",
    "debug.log": "",
    "important.log": "",
    "logs/a.log": "",
    "logs/important.log": "",
    "build/out.js": "",
    "lib/build": "",  # a file: "build/" matches folders only
    "dist/app.whl": "",
    "lib/dist/x.py": "",  # "/dist" is anchored
    "docs/page.html": "",
    "docs/sub/page.html": "",  # "*" does not cross a folder
    "deep/a/b/generated/x.py": "",
    "deep/generated.py": "",
    "tmpfile": "",
    "tmp_keep/x.py": "",
    "data/schema.json": "",  # "data/**" leaves out what data holds, not data...
    "data/blob.bin": "",
    "data/sub/x.json": "",
    "cache/x.txt": "",  # "cache/**/" matches the folders in cache only
    "cache/d/y.txt": "",
    "lib/.gitignore": "*.txt\n!notes.txt\n/local.py\n",
    "lib/a.txt": "",
    "lib/notes.txt": "",
    "lib/sub/b.txt": "",
    "lib/local.py": "",
    "lib/sub/local.py": "",  # "/local.py" is anchored to lib/
    "lib/sub/.gitignore": "!*.log\n",  # a deeper file wins
    "lib/sub/x.log": "",
}
NOT_IGNORED = [  # nor git's own files, which slam leaves out by default
    "app.py",
    "cache/x.txt",
    "data/schema.json",
    "deep/generated.py",
    "docs/sub/page.html",
    "important.log",
    "lib/build",
    "lib/dist/x.py",
    "lib/notes.txt",
    "lib/sub/local.py",
    "lib/sub/x.log",
    "logs/important.log",
    "tmp_keep/x.py",
]


def write_tree(root: Path, tree: dict[str, str]) -> None:
    for name, text in tree.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def git(root: Path, *argv: str) -> str:
    """git with no configuration but the repository's own."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "XDG_CONFIG_HOME": str(root / ".no-config"),
    }
    run = subprocess.run(["git", "-C", str(root), *argv], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def committed(listed: str, separator: str = "\0") -> list[str]:
    """The files git would commit, from what ``git ls-files`` listed, but git's own files
    (``.gitignore``...), which slam leaves out by default."""
    names = listed.split(separator)
    return sorted(name for name in names if name and name.rpartition("/")[2] not in GIT_FILES)


def test_gitignored_files_stay_out_without_a_git_repository(tmp_path: Path):
    write_tree(tmp_path, GITIGNORED_TREE)
    assert files(tmp_path) == NOT_IGNORED


@pytest.mark.slow  # runs git
def test_gitignored_files_are_those_git_would_not_commit(tmp_path: Path):
    write_tree(tmp_path, GITIGNORED_TREE)
    git(tmp_path, "init", "--quiet")
    untracked = git(tmp_path, "ls-files", "--others", "--exclude-standard", "-z")
    assert committed(untracked) == NOT_IGNORED == files(tmp_path)


# Random trees and .gitignore files, from these patterns and names, built with a
# fixed seed: the selection must agree with git on each.
RANDOM_PATTERNS = (
    *("*", "**", "*/", "**/", "*.log", "!*.log", "!keep.log", "x*", "!x1", "?1", "[!a]"),
    *("a/", "!a/", "/a", "!/a", "a/*", "a/**", "a/**/", "!a/b/", "a/**/c", "**/c/", "!c"),
    *("b", "!b/", "a/b", "/c/*/", "c/**", "!c/keep.log", "!c/**/x1", "**/b/*.txt"),
)
RANDOM_NAMES = ("a", "b", "c", "x1", "keep.log", "f.log", "g.txt", "h.py")


def random_tree(root: Path, chance: random.Random, depth: int = 0) -> None:
    for name in chance.sample(RANDOM_NAMES, chance.randint(1, 4)):
        path = root / name
        if depth < 3 and "." not in name and chance.random() < 0.45:
            path.mkdir()
            random_tree(path, chance, depth + 1)
            if chance.random() < 0.3:
                lines = chance.sample(RANDOM_PATTERNS, chance.randint(1, 3))
                (path / ".gitignore").write_text("\n".join(lines) + "\n")
        else:
            path.write_text("")


@pytest.mark.slow  # runs git
def test_the_selection_agrees_with_git_on_random_trees(tmp_path: Path):
    chance = random.Random(9)
    for index in range(60):
        root = tmp_path / str(index)
        root.mkdir()
        random_tree(root, chance)
        lines = chance.sample(RANDOM_PATTERNS, chance.randint(1, 4))
        (root / ".gitignore").write_text("\n".join(lines) + "\n")
        git(root, "init", "--quiet")
        untracked = git(root, "ls-files", "--others", "--exclude-standard", "-z")
        assert files(root) == committed(untracked), root


def test_include_puts_ignored_files_back(tmp_path: Path):
    write_tree(tmp_path, GITIGNORED_TREE)
    selection = Selection(include=("build/", "lib/a.txt"))
    assert files(tmp_path, selection) == sorted([*NOT_IGNORED, "build/out.js", "lib/a.txt"])


@pytest.mark.slow  # runs git
def test_the_gitignore_files_of_the_enclosing_work_tree_count(tmp_path: Path):
    repo = tmp_path / "repo"
    write_tree(
        repo,
        {
            ".gitignore": "*.log\n/services/api/local_settings.py\n",
            "services/.gitignore": "fixtures/\n",
            "services/api/app.py": "",
            "services/api/debug.log": "",
            "services/api/local_settings.py": "",
            "services/api/sub/local_settings.py": "",
            "services/api/fixtures/x.json": "",
        },
    )
    project = repo / "services" / "api"
    # not a work tree: the folders above the project are none of its business
    assert files(project) == [
        "app.py",
        "debug.log",
        "fixtures/x.json",
        "local_settings.py",
        "sub/local_settings.py",
    ]
    git(repo, "init", "--quiet")
    assert files(project) == ["app.py", "sub/local_settings.py"]
    untracked = git(project, "ls-files", "--others", "--exclude-standard").splitlines()
    assert sorted(untracked) == files(project)


@pytest.mark.parametrize(
    ("gitignore", "project"),
    [
        ("*\n!.bashrc\n", "code/api"),  # a home folder kept in git
        ("scratch/\n", "scratch/api"),  # a folder git ignores
        ("/code/*\n", "code/api"),
        ("*.log\n", "code/api"),  # the folder has its own .gitignore ignoring it
    ],
)
def test_a_project_the_work_tree_ignores_is_not_emptied(
    tmp_path: Path, gitignore: str, project: str
):
    write_tree(
        tmp_path,
        {
            ".gitignore": gitignore,
            f"{project}/app.py": "",
            f"{project}/debug.log": "",
            f"{project}/lib/util.py": "",
        },
    )
    (tmp_path / ".git").mkdir()
    if gitignore == "*.log\n":
        (tmp_path / "code" / ".gitignore").write_text("api/\n")
    assert files(tmp_path / project) == ["app.py", "debug.log", "lib/util.py"]


@pytest.mark.slow  # runs git
def test_a_work_tree_that_puts_the_project_back_applies(tmp_path: Path):
    write_tree(
        tmp_path,
        {
            ".gitignore": "tmp*/\n!tmp_keep/\n*.log\n",
            "tmp_keep/.gitignore": "*.txt\n",
            "tmp_keep/api/app.py": "",
            "tmp_keep/api/debug.log": "",
            "tmp_keep/api/notes.txt": "",
        },
    )
    git(tmp_path, "init", "--quiet")
    project = tmp_path / "tmp_keep" / "api"
    assert files(project) == ["app.py"]
    untracked = git(project, "ls-files", "--others", "--exclude-standard").splitlines()
    assert untracked == ["app.py"]


@pytest.mark.slow  # runs git
def test_a_gitignore_above_applies_below_its_folder_only(tmp_path: Path):
    write_tree(
        tmp_path,
        {
            ".gitignore": "*.log\n",
            "code/.gitignore": "*\n!*/\n!*.py\n",  # "*" does not judge code/ itself
            "code/api/app.py": "",
            "code/api/debug.log": "",
            "code/api/lib/util.py": "",
        },
    )
    git(tmp_path, "init", "--quiet")
    project = tmp_path / "code" / "api"
    untracked = git(project, "ls-files", "--others", "--exclude-standard").splitlines()
    assert sorted(untracked) == files(project) == ["app.py", "lib/util.py"]


def test_a_project_at_the_top_of_its_work_tree_reads_nothing_above(tmp_path: Path):
    write_tree(tmp_path, {".gitignore": "*.py\n", "project/app.py": "", "project/.git/HEAD": ""})
    assert files(tmp_path / "project") == ["app.py"]
