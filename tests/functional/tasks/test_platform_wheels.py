"""Compiled requirements land in the zip built for Lambda's platform, not this machine's.

markupsafe ships a C extension with manylinux wheels for x86_64 and aarch64; pip gets it
from the configured index.
"""

from __future__ import annotations

import re

import pytest

from ..conftest import RUNTIME, Project

pytestmark = [pytest.mark.slow, pytest.mark.network]  # downloads markupsafe

ELF_MACHINES = {"x86_64": 62, "aarch64": 183}  # ELF e_machine values


@pytest.mark.parametrize(
    ("runtime", "architecture", "machine"),
    [(RUNTIME, "x86_64", "x86_64"), ("python3.12", "arm64", "aarch64")],
)
def test_markupsafe_is_a_manylinux_build_for_the_architecture(
    project: Project, runtime: str, architecture: str, machine: str
):
    project.configure(runtime=runtime, architecture=architecture)
    project.write("requirements.txt", "markupsafe\n")
    result = project.build()
    assert result.code == 0, result.err
    package = project.package()
    python = runtime.removeprefix("python").replace(".", "")
    (extension,) = [n for n in package.namelist() if n.endswith(".so")]
    assert extension == f"markupsafe/_speedups.cpython-{python}-{machine}-linux-gnu.so"
    elf = package.read(extension)
    assert elf[:4] == b"\x7fELF"
    assert int.from_bytes(elf[18:20], "little") == ELF_MACHINES[machine]
    (wheel,) = [n for n in package.namelist() if re.fullmatch(r"markupsafe-.*/WHEEL", n)]
    tags = re.findall(r"^Tag: (\S+)$", package.read(wheel).decode(), re.MULTILINE)
    assert tags
    for tag in tags:
        assert re.fullmatch(rf"cp{python}-cp{python}-manylinux[_0-9]*_{machine}", tag), tag
