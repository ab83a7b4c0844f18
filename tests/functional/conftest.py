"""Projects to build, local package indexes, and running ``slam`` in process."""

from __future__ import annotations

import io
import tarfile
import textwrap
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from slam.cli import main
from slam.config import guess_runtime

# The runtime matching this Python: its packages hold bytecode. OTHER_RUNTIME's do not.
RUNTIME = guess_runtime()
OTHER_RUNTIME = "python3.12" if RUNTIME != "python3.12" else "python3.13"

SLAM_YAML = """\
name: sample
function: {{module: app, app: handler}}
requirements: {requirements}
environment: {{IN_LAMBDA: "1"}}
stage_environments: {{dev: {{DEBUG: "1"}}, prod: }}
aws:
  s3_bucket: sample-bucket-1234
  lambda_runtime: {runtime}
  lambda_architecture: {architecture}
package:
  exclude: {exclude}
  include: {include}
"""

APP = 'def handler(event, context):\n    return "hello"\n'


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@dataclass
class Project:
    """A project folder: slam.yaml, app.py, and what a test adds."""

    root: Path
    capsys: pytest.CaptureFixture[str]

    def configure(
        self,
        requirements: str = "requirements.txt",
        runtime: str = RUNTIME,
        architecture: str = "x86_64",
        exclude: tuple[str, ...] = (),
        include: tuple[str, ...] = (),
    ) -> None:
        text = SLAM_YAML.format(
            requirements=requirements,
            runtime=runtime,
            architecture=architecture,
            exclude=list(exclude),
            include=list(include),
        )
        (self.root / "slam.yaml").write_text(text)

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def slam(self, *argv: str) -> Result:
        self.capsys.readouterr()
        code = main(["-c", str(self.root / "slam.yaml"), *argv])
        out, err = self.capsys.readouterr()
        return Result(code, out, err)

    def build(self, *argv: str) -> Result:
        return self.slam("build", *argv)

    @property
    def build_dir(self) -> Path:
        return self.root / ".slam" / "build"

    def packages(self) -> list[Path]:
        return sorted(self.build_dir.glob("lambda_package.*.zip"))

    def package(self) -> zipfile.ZipFile:
        (path,) = self.packages()
        return zipfile.ZipFile(path)


@pytest.fixture
def make_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[[str], Project]:
    """A function making configured projects under tmp_path, with app.py."""

    def make(name: str = "project") -> Project:
        project = Project(tmp_path / name, capsys)
        project.root.mkdir()
        project.configure()
        project.write("app.py", APP)
        return project

    return make


@pytest.fixture
def project(make_project: Callable[[str], Project]) -> Project:
    return make_project("project")


def wheel_bytes(name: str, version: str, module: str) -> bytes:
    """A minimal pure-Python wheel holding ``<name>.py`` with ``module`` as its text."""
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": module,
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{path},,\n" for path in [*files, f"{info}/RECORD"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


def write_sdist(folder: Path, name: str, files: dict[str, str]) -> None:
    """A source distribution ``<name>-1.0.tar.gz``, built with setuptools."""
    base = f"{name}-1.0"
    files = {
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: 1.0\n",
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        **files,
    }
    with tarfile.open(folder / f"{base}.tar.gz", "w:gz") as archive:
        for path, text in files.items():
            data = textwrap.dedent(text).encode()
            member = tarfile.TarInfo(f"{base}/{path}")
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))


C_MODULE = """\
#include <Python.h>
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "slam_test_cext", NULL, -1, NULL};
PyMODINIT_FUNC PyInit_slam_test_cext(void) { return PyModule_Create(&module); }
"""


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local package folder: wheels of slam_test_dep 1.0 and 2.0, and two sdist-only
    packages, slam_test_pure (pure Python) and slam_test_cext (a C extension)."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    for version in ("1.0", "2.0"):
        module = f'VERSION = "{version}"\n'
        path = folder / f"slam_test_dep-{version}-py3-none-any.whl"
        path.write_bytes(wheel_bytes("slam_test_dep", version, module))
    setup = "from setuptools import setup\nsetup(name={name!r}, version='1.0', {extra})\n"
    write_sdist(
        folder,
        "slam_test_pure",
        {
            "slam_test_pure.py": 'GREETING = "hello"\n',
            "setup.py": setup.format(name="slam-test-pure", extra="py_modules=['slam_test_pure']"),
        },
    )
    extension = "ext_modules=[Extension('slam_test_cext', ['slam_test_cext.c'])]"
    write_sdist(
        folder,
        "slam_test_cext",
        {
            "slam_test_cext.c": C_MODULE,
            "setup.py": "from setuptools import Extension\n"
            + setup.format(name="slam-test-cext", extra=extension),
        },
    )
    return folder


def local_requirements(wheelhouse: Path, *lines: str, offline: bool = True) -> str:
    """A requirements file's text installing from ``wheelhouse`` (only, when offline)."""
    options = [f"--find-links {wheelhouse}", *(["--no-index"] if offline else [])]
    return "\n".join([*options, *lines]) + "\n"
