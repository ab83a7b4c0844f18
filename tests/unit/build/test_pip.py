from __future__ import annotations

import sys
from pathlib import Path

import pytest

from slam.build.pip import (
    Pip,
    PipResult,
    RequirementsFile,
    fresh_folder,
    requirement_name,
    sdist_version,
)

NO_WHEEL = """\
Looking in links: /wheels
ERROR: Could not find a version that satisfies the requirement lxml==5.0 (from versions: none)
ERROR: No matching distribution found for lxml==5.0
"""


def test_a_missing_distribution_is_recognised():
    result = PipResult(1, NO_WHEEL)
    assert result.missing_distribution() == "lxml==5.0"
    assert result.error_lines() == [
        "ERROR: Could not find a version that satisfies the requirement lxml==5.0 "
        "(from versions: none)",
        "ERROR: No matching distribution found for lxml==5.0",
    ]
    assert result.indented_errors() == (
        "  ERROR: Could not find a version that satisfies the requirement lxml==5.0 "
        "(from versions: none)\n"
        "  ERROR: No matching distribution found for lxml==5.0"
    )


def test_without_error_lines_the_last_lines_are_shown():
    output = "\n".join(f"line {n}" for n in range(10)) + "\n\n"
    assert PipResult(1, output).error_lines() == [f"line {n}" for n in range(5, 10)]
    assert PipResult(1, output).missing_distribution() is None


@pytest.mark.parametrize(
    ("spec", "name"),
    [("flask>=3.0", "flask"), ("zope.interface==6", "zope.interface"), ("a_b[x]~=1", "a_b")],
)
def test_requirement_name(spec: str, name: str):
    assert requirement_name(spec) == name


@pytest.mark.parametrize(
    ("filename", "version"),
    [("flask-3.0.0.tar.gz", "3.0.0"), ("Zope-Foo-1.2b1.zip", "1.2b1"), ("x-2.tgz", "2")],
)
def test_sdist_version(filename: str, version: str):
    assert sdist_version(filename) == version


def test_requirements_files_follow_includes_once(tmp_path: Path):
    (tmp_path / "base").mkdir()
    (tmp_path / "requirements.txt").write_text(
        "-r base/common.txt\n--constraint=constraints.txt\n-r missing.txt\nflask\n"
    )
    (tmp_path / "base" / "common.txt").write_text("-r ../requirements.txt\nrequests\n")
    (tmp_path / "constraints.txt").write_text("flask<4\n")
    files = RequirementsFile(tmp_path / "requirements.txt").files()
    assert files == [
        tmp_path / "requirements.txt",
        tmp_path / "base" / "common.txt",
        tmp_path / "constraints.txt",
    ]


def test_index_options_are_collected_with_local_folders_made_absolute(tmp_path: Path):
    (tmp_path / "wheels").mkdir()
    (tmp_path / "more.txt").write_text("--extra-index-url https://example.com/simple\n")
    (tmp_path / "requirements.txt").write_text(
        "# comment --no-index\n"
        "--find-links wheels  # local\n"
        "-i https://mirror.example.com/simple\n"
        "--pre\n"
        "-r more.txt\n"
        "--trusted-host \\\n  mirror.example.com\n"
        "flask --hash=sha256:abc\n"
        '--find-links "unterminated\n'
    )
    assert RequirementsFile(tmp_path / "requirements.txt").index_options() == [
        "--find-links",
        str(tmp_path / "wheels"),
        "-i",
        "https://mirror.example.com/simple",
        "--pre",
        "--trusted-host",
        "mirror.example.com",
        "--extra-index-url",
        "https://example.com/simple",
    ]


def test_pip_output_goes_to_the_log(tmp_path: Path):
    log = tmp_path / "logs" / "pip.log"
    result = Pip(log, tmp_path).run("--version")
    assert result.ok
    assert result.output.startswith("pip ")
    text = log.read_text()
    assert text.startswith(f"$ {sys.executable} -m pip --disable-pip-version-check --no-input")
    assert text.endswith(result.output)
    assert not Pip(log, tmp_path).run("no-such-command").ok
    assert "ERROR: unknown command" in log.read_text()


def test_a_fresh_folder_is_empty_whether_or_not_it_existed(tmp_path: Path):
    folder = tmp_path / "scratch" / "sdists"
    assert fresh_folder(folder) == folder
    (folder / "old.tar.gz").write_text("")
    (folder / "unpacked").mkdir()
    assert list(fresh_folder(folder).iterdir()) == []
