from __future__ import annotations

import os
from pathlib import Path

import pytest

from slam.build.sources import CREDENTIALS, ProjectFiles, Selection, project_files


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
        ".gitignore",
        "pkg/.gitattributes",
        ".gitmodules",
        "pkg/.gitkeep",  # a file git tracks like any other
    )
    assert files(tmp_path) == ["app.py", "data/archive.zip", "pkg/.gitkeep", "pkg/mod.py"]


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
        ".gitattributes",
    )
    selection = Selection(
        exclude=("docs",),
        include=("docs/keep.md", "vendored/lib/tool.py", "*.pyc", ".gitattributes"),
    )
    assert files(tmp_path, selection) == [
        ".gitattributes",
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
    assert found == ProjectFiles(("app.py",), ())


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
        ("app.py", "config/settings.json"), ("config/.env", "config/.env.local")
    )
    found = project_files(tmp_path, Selection(include=("config", "config/.env")))
    assert found.files == ("app.py", "config/.env", "config/settings.json")


def test_sockets_and_other_special_files_are_skipped(tmp_path: Path):
    make(tmp_path, "app.py")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "null").symlink_to("pipe")
    assert files(tmp_path) == ["app.py"]
