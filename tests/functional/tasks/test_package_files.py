"""Which files ``slam build`` packages: .gitignore files, credentials and links."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import Project, local_requirements

pytestmark = pytest.mark.slow  # builds packages: bytecode and doit, in subprocesses

BUILT = re.compile(r"lambda_package\.([0-9a-f]{12})\.zip has been built successfully\.")
LEFT_OUT = (
    "Left out credential files: {} (to package one, name it in package.include in slam.yaml)."
)


def project_names(project: Project) -> list[str]:
    """The zip's files that come from the project: no runtime, no bytecode."""
    names = project.package().namelist()
    return [n for n in names if not n.startswith("slam_runtime/") and not n.endswith(".pyc")]


def test_gitignored_files_stay_out_with_gits_rules(project: Project):
    project.write(".gitignore", "*.log\n!keep.log\nbuild/\n")
    project.write("lib/.gitignore", "!debug.log\n/local.py\n")
    for name in (
        "debug.log",
        "keep.log",
        "build/out.js",
        "lib/a.py",
        "lib/debug.log",
        "lib/local.py",
        "lib/sub/local.py",
        "lib/sub/build/x.py",
        "lib/sub/trace.log",
    ):
        project.write(name, "x\n")
    assert project.build().code == 0
    assert project_names(project) == [  # and no .gitignore: git's, not the app's
        "app.py",
        "keep.log",
        "lib/a.py",
        "lib/debug.log",
        "lib/sub/local.py",
    ]


def test_a_file_becoming_ignored_repackages(project: Project):
    project.write(".gitignore", "/.gitignore\n")  # only the list of files can tell
    project.write("notes.txt", "x\n")
    first = project.build()
    assert "notes.txt" in project.package().namelist()
    project.write(".gitignore", "/.gitignore\nnotes.txt\n")
    second = project.build()
    assert BUILT.search(second.out)
    assert BUILT.search(first.out)[1] != BUILT.search(second.out)[1]  # type: ignore[index]
    assert "notes.txt" not in project.package().namelist()


def test_credential_files_are_left_out_and_named_when_the_package_is_built(project: Project):
    project.write(".env", "AWS_SECRET_ACCESS_KEY=x\n")
    project.write("deploy/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
    first = project.build()
    assert first.code == 0
    lines = first.out.splitlines()
    assert lines[2] == LEFT_OUT.format(".env, deploy/id_rsa")
    assert lines[3].startswith("Size: ")
    assert BUILT.search(lines[4])
    assert project_names(project) == ["app.py"]
    # up to date: the zip is the one that was described
    again = project.build()
    assert "is up to date." in again.out
    assert "Left out" not in again.out
    # a new one rebuilds the same zip, to say so
    project.write("certs/server.pem", "-----BEGIN PRIVATE KEY-----\n")
    third = project.build()
    assert LEFT_OUT.format(".env, certs/server.pem, deploy/id_rsa") in third.out
    assert BUILT.search(third.out)[1] == BUILT.search(first.out)[1]  # type: ignore[index]


def test_include_naming_a_credential_file_puts_it_in(project: Project):
    project.write(".env", "AWS_SECRET_ACCESS_KEY=x\n")
    project.configure(include=(".env",))
    result = project.build()
    assert "Left out" not in result.out
    assert project.package().read(".env") == b"AWS_SECRET_ACCESS_KEY=x\n"


def test_links_inside_the_project_are_packaged_under_their_names(project: Project):
    project.write("shared/util.py", "VALUE = 1\n")
    project.write("shared/data/a.json", "{}\n")
    (project.root / "settings.py").symlink_to("shared/util.py")
    (project.root / "lib").mkdir()
    (project.root / "lib" / "common").symlink_to("../shared")
    assert project.build().code == 0
    package = project.package()
    assert project_names(project) == [
        "app.py",
        "lib/common/data/a.json",
        "lib/common/util.py",
        "settings.py",
        "shared/data/a.json",
        "shared/util.py",
    ]
    assert package.read("settings.py") == package.read("lib/common/util.py") == b"VALUE = 1\n"


@pytest.fixture
def outside_file(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere" / "passwd"
    path.parent.mkdir()
    path.write_text("root:x:0:0:root:/root:/bin/sh\n")
    return path


def test_a_link_outside_the_project_is_an_error_unless_included(
    project: Project, outside_file: Path
):
    (project.root / "passwd").symlink_to(outside_file)
    result = project.build()
    assert (result.code, result.out) == (1, "Building lambda package...\n")
    assert result.err == (
        f"slam: error: the link passwd points outside the project folder, to {outside_file}\n"
        "hint: to package it anyway, name passwd in package.include in slam.yaml; else remove "
        "the link, or leave it out with package.exclude in slam.yaml\n"
    )
    assert project.packages() == []
    project.configure(include=("passwd",))
    assert project.build().code == 0
    assert project.package().read("passwd") == outside_file.read_bytes()


@pytest.mark.parametrize(
    ("links", "message"),
    [
        ({"config.py": "settings/config.py"}, "the link config.py is broken: "),
        ({"a.py": "b.py", "b.py": "a.py"}, "the link a.py is a loop: a.py -> b.py -> a.py"),
        ({"lib/up": ".."}, "the link lib/up is a loop: it points to the project folder, "),
    ],
)
def test_a_broken_link_or_a_loop_is_an_error_naming_it(
    project: Project, links: dict[str, str], message: str
):
    for name, target in links.items():
        (project.root / name).parent.mkdir(exist_ok=True)
        (project.root / name).symlink_to(target)
    result = project.build()
    assert result.code == 1
    assert result.err.startswith(f"slam: error: {message}")
    assert result.err.endswith(
        "\nhint: correct or remove the link, or leave it out with package.exclude in slam.yaml\n"
    )
    assert len(result.err.splitlines()) == 2
    assert project.packages() == []


def test_a_project_file_a_requirement_installs_too_is_named_by_its_source(
    project: Project, wheelhouse: Path
):
    project.write("requirements.txt", local_requirements(wheelhouse, "slam_test_dep==1.0"))
    project.write("slam_test_dep.py", 'VERSION = "mine"\n')
    result = project.build()
    assert result.code == 1
    assert result.err.startswith(
        "slam: error: slam_test_dep.py is both a project file and installed by a requirement"
    )


def slam_build_as_a_user(root: Path) -> subprocess.CompletedProcess[str]:
    """``slam build`` in ``root``, in a process that file modes restrict: as root, one
    without the capabilities that let root read and search any folder."""
    command = [sys.executable, "-m", "slam", "build"]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("name", "mode", "message"),
    [
        ("data/", 0o300, "cannot read the folder data: Permission denied"),  # not listed
        ("data/", 0o600, "cannot read the folder data: Permission denied"),  # not searched
        ("secret.txt", 0o200, "cannot read secret.txt: Permission denied"),
    ],
)
def test_an_unreadable_folder_or_file_is_an_error_naming_it(
    project: Project, name: str, mode: int, message: str
):
    path = project.root / name.rstrip("/")
    project.write(name + "a.json" if name.endswith("/") else name, "{}\n")
    path.chmod(mode)
    result = slam_build_as_a_user(project.root)
    assert (result.returncode, result.stderr) == (
        1,
        f"slam: error: {message}\nhint: make it readable, or leave it out with "
        + (".gitignore or with " if name.endswith("/") else "")
        + "package.exclude in slam.yaml\n",
    )
    project.write(".gitignore", name + "\n")
    result = slam_build_as_a_user(project.root)
    assert (result.returncode, result.stderr) == (0, "")
    path.chmod(0o700)  # for pytest to delete it


def test_an_unreadable_gitignore_is_an_error_naming_it(project: Project):
    project.write("lib/.gitignore", "*.log\n").chmod(0o200)
    result = slam_build_as_a_user(project.root)
    assert (result.returncode, result.stderr) == (
        1,
        "slam: error: cannot read lib/.gitignore: Permission denied\n"
        "hint: make it readable: slam reads it to leave out what git ignores\n",
    )


def test_a_link_to_what_cannot_be_read_is_an_error_naming_it(project: Project):
    project.write("private/config.json", "{}\n")
    (project.root / "config.json").symlink_to("private/config.json")
    (project.root / "private").chmod(0o600)  # its files cannot be reached
    project.configure(exclude=("/private",))
    result = slam_build_as_a_user(project.root)
    assert (result.returncode, result.stderr) == (
        1,
        "slam: error: cannot follow the link config.json to private/config.json: "
        "Permission denied\n"
        "hint: make its target readable, or leave it out with package.exclude in slam.yaml\n",
    )
    (project.root / "private").chmod(0o700)  # for pytest to delete it
