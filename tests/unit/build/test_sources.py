from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest

from slam.build.sources import CREDENTIALS, ProjectFiles, Selection, project_files
from slam.errors import SlamError


def make(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")


def files(root: Path, selection: Selection | None = None) -> list[str]:
    return list(project_files(root, selection or Selection()).files)


def test_default_exclusions(tmp_path: Path):
    make(
        tmp_path,
        "app.py",
        "pkg/mod.py",
        "pkg/__pycache__/mod.cpython-312.pyc",
        "stale.pyc",
        "slam.yaml",
        "lambda_package.20170112_143002.zip",
        ".slam/build/deps/flask/__init__.py",
        ".git/config",
        "sub/.hg/store",
        "env/pyvenv.cfg",  # a virtualenv, whatever its name
        "env/lib/site.py",
        ".mypy_cache/CACHEDIR.TAG",
        ".mypy_cache/3.12/x.json",
        "data/archive.zip",  # other zips are the project's
    )
    assert files(tmp_path) == ["app.py", "data/archive.zip", "pkg/mod.py"]


def test_the_configuration_file_is_left_out_by_its_name(tmp_path: Path):
    make(tmp_path, "app.py", "slam.yaml", "slam-prod.yaml")
    assert files(tmp_path, Selection(config_file="slam-prod.yaml")) == ["app.py", "slam.yaml"]


def test_exclude_patterns_follow_gitignore_syntax(tmp_path: Path):
    make(
        tmp_path,
        "app.py",
        "README.md",
        "lib/notes.md",  # "*.md" matches at any depth
        "docs/index.html",  # "/docs" is anchored...
        "lib/docs/api.py",  # ...so a deeper docs folder stays
        "tests/test_app.py",  # "tests/" matches folders...
        "lib/tests",  # ...not a file of that name
        "lib/tests_data/x.json",
    )
    selection = Selection(exclude=("*.md", "/docs", "tests/"))
    assert files(tmp_path, selection) == [
        "app.py",
        "lib/docs/api.py",
        "lib/tests",
        "lib/tests_data/x.json",
    ]


def test_include_patterns_put_files_back_even_from_default_exclusions(tmp_path: Path):
    make(
        tmp_path,
        "app.py",
        "docs/a.md",
        "docs/keep.md",
        "vendored/pyvenv.cfg",
        "vendored/lib/tool.py",
        "vendored/lib/other.py",
        "precompiled.pyc",
    )
    selection = Selection(
        exclude=("docs",), include=("docs/keep.md", "vendored/lib/tool.py", "*.pyc")
    )
    assert files(tmp_path, selection) == [
        "app.py",
        "docs/keep.md",
        "precompiled.pyc",
        "vendored/lib/tool.py",
    ]


def test_an_include_pattern_without_a_slash_reaches_everywhere(tmp_path: Path):
    make(tmp_path, ".git/hooks/x.sql", ".venv/pyvenv.cfg", ".venv/y.sql", "z.sql")
    assert files(tmp_path, Selection(include=("*.sql",))) == [
        ".git/hooks/x.sql",
        ".venv/y.sql",
        "z.sql",
    ]


def test_slam_state_is_never_packaged(tmp_path: Path):
    make(tmp_path, "app.py", ".slam/doit.sqlite3")
    assert files(tmp_path, Selection(include=("**", ".slam"))) == ["app.py"]


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
NOT_IGNORED = [
    ".gitignore",
    "app.py",
    "cache/x.txt",
    "data/schema.json",
    "deep/generated.py",
    "docs/sub/page.html",
    "important.log",
    "lib/.gitignore",
    "lib/build",
    "lib/dist/x.py",
    "lib/notes.txt",
    "lib/sub/.gitignore",
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


def test_gitignored_files_stay_out_without_a_git_repository(tmp_path: Path):
    write_tree(tmp_path, GITIGNORED_TREE)
    assert files(tmp_path) == NOT_IGNORED


@pytest.mark.slow  # runs git
def test_gitignored_files_are_those_git_would_not_commit(tmp_path: Path):
    write_tree(tmp_path, GITIGNORED_TREE)
    git(tmp_path, "init", "--quiet")
    untracked = git(tmp_path, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    assert sorted(name for name in untracked if name) == NOT_IGNORED == files(tmp_path)


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
        untracked = git(root, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
        assert files(root) == sorted(name for name in untracked if name), root


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


@pytest.mark.parametrize(
    "name",
    [
        ".env",
        "config/.env",
        ".env.production",
        "id_rsa",
        "deploy/id_rsa.pub",
        "id_ed25519",
        "id_ed25519.pub",
        "id_ecdsa",
        "id_ecdsa.pub",
        "certs/server.pem",
        "server.key",
        ".netrc",
        ".npmrc",
        ".pypirc",
        ".git-credentials",
        "home/.docker/config.json",
        ".docker/config.json",
    ],
)
def test_credential_files_are_left_out_and_named(tmp_path: Path, name: str):
    make(tmp_path, "app.py", name)
    assert project_files(tmp_path, Selection()) == ProjectFiles(("app.py",), (name,))


def test_credential_folders_are_left_out_whole_and_named_once(tmp_path: Path):
    make(tmp_path, "app.py", ".aws/credentials", ".aws/config", "home/.ssh/id_rsa")
    found = project_files(tmp_path, Selection())
    assert found == ProjectFiles(("app.py",), (".aws/", "home/.ssh/"))


def test_the_credential_list_is_the_documented_one():
    assert len(CREDENTIALS) == 17
    assert ".docker/config.json" not in CREDENTIALS  # anchored: written **/ to match anywhere


def test_credentials_left_out_by_the_projects_own_rules_are_not_named(tmp_path: Path):
    make(tmp_path, "app.py", ".env", "keys/server.key", "venv/pyvenv.cfg", "venv/x.pem")
    (tmp_path / ".gitignore").write_text(".env\n")
    found = project_files(tmp_path, Selection(exclude=("keys",)))
    assert found == ProjectFiles((".gitignore", "app.py"), ())


def test_include_naming_a_credential_file_puts_it_back(tmp_path: Path):
    make(tmp_path, "app.py", ".env", "config/.env", "certs/ca.pem", ".aws/config")
    selection = Selection(include=("/.env", "certs/*.pem", ".aws"))
    found = project_files(tmp_path, selection)
    assert found == ProjectFiles(
        (".aws/config", ".env", "app.py", "certs/ca.pem"),
        ("config/.env",),  # "/.env" is anchored: this one is still left out
    )


def test_include_naming_only_a_folder_does_not_put_its_credentials_back(tmp_path: Path):
    make(tmp_path, "app.py", "config/settings.json", "config/.env", "config/.env.local")
    (tmp_path / ".gitignore").write_text("config/\n")
    found = project_files(tmp_path, Selection(include=("config",)))
    assert found == ProjectFiles(
        (".gitignore", "app.py", "config/settings.json"), ("config/.env", "config/.env.local")
    )
    found = project_files(tmp_path, Selection(include=("config", "config/.env")))
    assert found.files == (".gitignore", "app.py", "config/.env", "config/settings.json")


def test_links_inside_the_project_are_followed_under_their_own_names(tmp_path: Path):
    make(tmp_path, "app.py", "shared/util.py", "shared/data/a.json")
    (tmp_path / "settings.py").symlink_to("shared/util.py")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "common").symlink_to("../shared")
    assert files(tmp_path) == [
        "app.py",
        "lib/common/data/a.json",
        "lib/common/util.py",
        "settings.py",
        "shared/data/a.json",
        "shared/util.py",
    ]


def test_a_linked_folders_gitignore_applies_under_the_links_name(tmp_path: Path):
    write_tree(tmp_path, {"shared/.gitignore": "*.tmp\n", "shared/a.py": "", "shared/b.tmp": ""})
    (tmp_path / "common").symlink_to("shared")
    assert files(tmp_path, Selection(exclude=("shared/.gitignore", "common/.gitignore"))) == [
        "common/a.py",
        "shared/a.py",
    ]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file and a folder outside the project, which is tmp_path/project."""
    make(tmp_path, "elsewhere/passwd", "elsewhere/tools/tool.py")
    (tmp_path / "project").mkdir()
    make(tmp_path / "project", "app.py")
    return tmp_path / "elsewhere"


def test_a_link_outside_the_project_is_an_error_naming_it(outside: Path):
    project = outside.parent / "project"
    (project / "passwd").symlink_to(outside / "passwd")
    with pytest.raises(SlamError) as caught:
        project_files(project, Selection())
    assert caught.value.message == (
        f"the link passwd points outside the project folder, to {outside / 'passwd'}"
    )
    assert caught.value.hint == (
        "to package it anyway, name passwd in package.include in slam.yaml; else remove the "
        "link, or leave it out with package.exclude in slam.yaml"
    )


def test_a_link_outside_the_project_named_by_include_is_followed(outside: Path):
    project = outside.parent / "project"
    (project / "passwd").symlink_to(outside / "passwd")
    (project / "vendor").mkdir()
    (project / "vendor" / "tools").symlink_to(outside / "tools")
    selection = Selection(include=("passwd", "vendor/tools"))
    assert files(project, selection) == ["app.py", "passwd", "vendor/tools/tool.py"]


@pytest.mark.parametrize("rule", ["gitignore", "exclude", "default"])
def test_a_link_left_out_is_not_judged(outside: Path, rule: str):
    project = outside.parent / "project"
    for name in ("passwd.pyc", "broken.pyc"):
        stem = name.removesuffix(".pyc")
        link = name if rule == "default" else stem
        target = outside / "passwd" if stem == "passwd" else project / "missing"
        (project / link).symlink_to(target)
    if rule == "gitignore":
        (project / ".gitignore").write_text("passwd\nbroken\n")
    selection = Selection(exclude=("passwd", "broken") if rule == "exclude" else ())
    assert [name for name in files(project, selection) if name != ".gitignore"] == ["app.py"]


def test_a_broken_link_is_an_error_even_when_included(tmp_path: Path):
    make(tmp_path, "app.py")
    (tmp_path / "config.py").symlink_to("settings/config.py")
    for selection in (Selection(), Selection(include=("config.py",))):
        with pytest.raises(SlamError) as caught:
            project_files(tmp_path, selection)
        assert caught.value.message == (
            "the link config.py is broken: settings/config.py does not exist"
        )
        assert caught.value.hint == (
            "correct or remove the link, or leave it out with package.exclude in slam.yaml"
        )


def test_links_pointing_at_each_other_are_a_loop_named_by_its_links(tmp_path: Path):
    make(tmp_path, "app.py")
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(SlamError) as caught:
        project_files(tmp_path, Selection())
    assert caught.value.message == "the link a is a loop: a -> b -> a"


def test_a_loop_further_on_shows_the_links_up_to_it(tmp_path: Path):
    make(tmp_path, "app.py")
    (tmp_path / "config.py").symlink_to("loop/config.py")
    (tmp_path / "loop").symlink_to("loop")
    with pytest.raises(SlamError) as caught:
        project_files(tmp_path, Selection(exclude=("/loop",)))
    assert caught.value.message == "the link config.py is a loop: config.py -> loop/config.py"


def test_a_link_to_a_folder_holding_it_is_a_loop(tmp_path: Path):
    make(tmp_path, "app.py", "lib/x.py")
    (tmp_path / "lib" / "up").symlink_to("..")
    with pytest.raises(SlamError) as caught:
        project_files(tmp_path, Selection())
    assert caught.value.message == (
        "the link lib/up is a loop: it points to the project folder, which holds it"
    )


def test_links_between_two_folders_are_a_loop(tmp_path: Path):
    make(tmp_path, "a/x.py", "b/y.py")
    (tmp_path / "a" / "to_b").symlink_to("../b")
    (tmp_path / "b" / "to_a").symlink_to("../a")
    with pytest.raises(SlamError) as caught:
        project_files(tmp_path, Selection())
    assert caught.value.message == "the link a/to_b/to_a is a loop: it points to a, which holds it"


def test_a_link_to_a_credential_file_is_left_out_as_that_file_is(tmp_path: Path):
    make(tmp_path, "app.py", ".env", ".aws/credentials", "config/prod.cfg")
    (tmp_path / "settings.txt").symlink_to(".env")
    (tmp_path / "cloud").symlink_to(".aws")
    (tmp_path / "server.key").symlink_to("config/prod.cfg")  # named as one: left out too
    found = project_files(tmp_path, Selection())
    assert found == ProjectFiles(
        ("app.py", "config/prod.cfg"),
        (
            ".aws/",
            ".env",
            "cloud/ (a link to .aws/)",
            "server.key",
            "settings.txt (a link to .env)",
        ),
    )
    found = project_files(tmp_path, Selection(include=("settings.txt",)))
    assert found.files == ("app.py", "config/prod.cfg", "settings.txt")


def test_sockets_and_other_special_files_are_skipped(tmp_path: Path):
    make(tmp_path, "app.py")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "null").symlink_to("pipe")
    assert files(tmp_path) == ["app.py"]
