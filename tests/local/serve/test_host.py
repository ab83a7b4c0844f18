"""Which machines can load the package's own wheels, and the requirements installed for
this machine when it cannot."""

from __future__ import annotations

import base64
import hashlib
import sys
import zipfile
from pathlib import Path

import pytest

from slam.build.lambda_platform import LambdaPlatform
from slam.errors import SlamError
from slam.local.host import HostDependencies, Machine, foreign_reason

X86 = LambdaPlatform("python3.12", "x86_64")
ARM = LambdaPlatform("python3.12", "arm64")


@pytest.mark.parametrize(
    ("machine", "function", "reason"),
    [
        (Machine("Linux", "x86_64", "glibc", "3.12"), X86, None),
        (Machine("Linux", "aarch64", "glibc", "3.12"), ARM, None),
        (Machine("Linux", "AMD64", "glibc", "3.12"), X86, None),
        (
            Machine("Linux", "x86_64", "glibc", "3.12"),
            ARM,
            "this machine runs Linux x86_64, the function Linux arm64 with Python 3.12",
        ),
        (
            Machine("Darwin", "arm64", "", "3.12"),
            ARM,
            "this machine runs macOS arm64, the function Linux arm64 with Python 3.12",
        ),
        (
            Machine("Windows", "AMD64", "", "3.12"),
            X86,
            "this machine runs Windows x86_64, the function Linux x86_64 with Python 3.12",
        ),
        (
            Machine("Linux", "x86_64", "", "3.12"),
            X86,
            "this Linux has no glibc, which the function's manylinux wheels need",
        ),
        (
            Machine("Linux", "x86_64", "glibc", "3.13"),
            X86,
            "workers run Python 3.13 here, the function Python 3.12",
        ),
    ],
)
def test_only_linux_of_the_functions_architecture_and_python_runs_the_package_as_built(
    machine: Machine, function: LambdaPlatform, reason: str | None
):
    assert foreign_reason(machine, function) == reason


def test_this_machine_is_described_by_the_platform_module():
    here = Machine.this("3.12")
    assert here.python_version == "3.12"
    assert here.system and here.machine


def write_wheel(folder: Path, name: str, module: str) -> Path:
    """A pure-Python wheel of ``name`` 1.0 holding one module."""
    dist_info = f"{name}-1.0.dist-info"
    files = {
        f"{name}.py": module.encode(),
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = []
    for path, content in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(content)}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return wheel


def dependencies(tmp_path: Path) -> HostDependencies:
    return HostDependencies(
        tmp_path / "requirements.txt",
        tmp_path / ".slam" / "host-deps",
        sys.executable,
        tmp_path / ".slam" / "logs" / "host-deps.log",
    )


@pytest.mark.slow  # pip
def test_the_requirements_are_installed_once_until_they_change(tmp_path: Path):
    wheel = write_wheel(tmp_path, "greeting", "WORD = 'hello'\n")
    (tmp_path / "requirements.txt").write_text(f"--no-index\n./{wheel.name}\n")
    deps = dependencies(tmp_path)
    assert not deps.up_to_date()

    deps.install()

    assert (deps.folder / "greeting.py").read_text() == "WORD = 'hello'\n"
    assert deps.up_to_date()
    (tmp_path / "requirements.txt").write_text(f"--no-index\n./{wheel.name}\n# pinned\n")
    assert not deps.up_to_date()


def test_without_requirements_nothing_is_installed(tmp_path: Path):
    deps = dependencies(tmp_path)

    deps.install()

    assert list(deps.folder.iterdir()) == []
    assert deps.up_to_date()


@pytest.mark.slow  # pip
def test_a_requirement_pip_cannot_install_is_one_error_naming_the_log(tmp_path: Path):
    (tmp_path / "requirements.txt").write_text("--no-index\nno-such-distribution-anywhere\n")
    deps = dependencies(tmp_path)

    with pytest.raises(SlamError) as raised:
        deps.install()

    assert raised.value.message.startswith(
        "pip could not install requirements.txt for this machine:"
    )
    assert "no-such-distribution-anywhere" in raised.value.message
    assert raised.value.hint == f"pip's full output is in {deps.log}"
    assert not deps.folder.exists()
