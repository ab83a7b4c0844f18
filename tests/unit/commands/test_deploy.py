"""``slam deploy --lambda-package``: only a readable zip holding slam's handler."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from slam.commands.deploy import checked_package
from slam.errors import UsageError

HINT = "pass a package that `slam build` made (it writes them to .slam/build/)"


def zip_with(path: Path, *names: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "")
    return path


def test_a_package_holding_the_handler_is_taken(tmp_path: Path):
    package = zip_with(tmp_path / "package.zip", "slam_runtime/handler.py", "app.py")
    assert checked_package(package) == package.resolve()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "missing.zip", "cannot be read: No such file or directory"),
        (lambda folder: folder, "cannot be read: Is a directory"),
        (lambda folder: zip_with(folder / "other.zip", "app.py"), "holds no slam_runtime/handler"),
    ],
)
def test_anything_else_is_an_error_naming_the_file(tmp_path: Path, make, message: str):
    path = make(tmp_path)
    with pytest.raises(UsageError) as raised:
        checked_package(path)
    assert raised.value.message.startswith(f"--lambda-package {path} ")
    assert message in raised.value.message
    assert raised.value.hint == HINT


def test_a_file_that_is_not_a_zip_is_named(tmp_path: Path):
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    with pytest.raises(UsageError) as raised:
        checked_package(text)
    assert raised.value.message == f"--lambda-package {text} is not a zip file"
