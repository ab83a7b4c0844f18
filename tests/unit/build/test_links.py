"""Symbolic links in the project: followed inside it, errors naming them otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from slam.build.sources import ProjectFiles, Selection, project_files
from slam.errors import SlamError


def make(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")


def files(root: Path, selection: Selection | None = None) -> list[str]:
    return list(project_files(root, selection or Selection()).files)


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
    make(tmp_path, "shared/a.py", "shared/b.tmp")
    (tmp_path / "shared" / ".gitignore").write_text("*.tmp\n")
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
