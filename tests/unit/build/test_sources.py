from __future__ import annotations

from pathlib import Path

from slam.build.sources import Selection, project_files


def make(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")


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
    assert project_files(tmp_path, Selection()) == ["app.py", "data/archive.zip", "pkg/mod.py"]


def test_the_configuration_file_is_left_out_by_its_name(tmp_path: Path):
    make(tmp_path, "app.py", "slam.yaml", "slam-prod.yaml")
    selection = Selection(config_file="slam-prod.yaml")
    assert project_files(tmp_path, selection) == ["app.py", "slam.yaml"]


def test_exclude_patterns_leave_files_and_folders_out(tmp_path: Path):
    make(tmp_path, "app.py", "tests/test_app.py", "docs/a.md", "lib/notes.txt", "notes.txt")
    selection = Selection(exclude=("tests", "docs/**", "**/*.txt"))
    assert project_files(tmp_path, selection) == ["app.py"]


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
    assert project_files(tmp_path, selection) == [
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
    assert project_files(tmp_path, selection) == [
        "app.py",
        "docs/keep.md",
        "precompiled.pyc",
        "vendored/lib/tool.py",
    ]


def test_an_include_pattern_without_a_slash_reaches_everywhere(tmp_path: Path):
    make(tmp_path, ".git/hooks/x.sql", ".venv/pyvenv.cfg", ".venv/y.sql", "z.sql")
    selection = Selection(include=("*.sql",))
    assert project_files(tmp_path, selection) == [".git/hooks/x.sql", ".venv/y.sql", "z.sql"]


def test_slam_state_is_never_packaged(tmp_path: Path):
    make(tmp_path, "app.py", ".slam/doit.sqlite3")
    assert project_files(tmp_path, Selection(include=("**",))) == ["app.py"]


def test_broken_links_are_skipped(tmp_path: Path):
    make(tmp_path, "app.py")
    (tmp_path / "dangling").symlink_to(tmp_path / "missing")
    assert project_files(tmp_path, Selection()) == ["app.py"]
