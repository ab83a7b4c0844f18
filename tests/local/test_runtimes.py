"""Which Python runs a runtime's functions, and how a package is unpacked."""

from __future__ import annotations

import io
import logging
import os
import stat
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from slam.local.runtimes import Python, UnsupportedRuntime, python_for, python_version, unpack

from .conftest import Clients, Deploy, payload_of, zip_of
from .probe import PROBE

OWN = f"{sys.version_info[0]}.{sys.version_info[1]}"
# a version of Python 3 other than the one running the tests
OTHER_MINOR = sys.version_info[1] + 1 if sys.version_info[1] < 14 else sys.version_info[1] - 1


@pytest.fixture
def bare_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A PATH of one empty folder; what python_for found before is forgotten."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    python_for.cache_clear()
    yield folder
    python_for.cache_clear()


def test_only_python_runtimes_have_a_version():
    assert python_version("python3.12") == (3, 12)
    for runtime in ("nodejs20.x", "python2.7", "python3.x", "java21"):
        with pytest.raises(UnsupportedRuntime):
            python_version(runtime)


def test_without_the_runtimes_python_the_nearest_runs_it_with_a_warning(bare_path: Path):
    assert python_for(f"python3.{OTHER_MINOR}") == Python(
        sys.executable,
        OWN,
        f"python3.{OTHER_MINOR} functions run on Python {OWN}, the nearest this machine has:"
        f" no python3.{OTHER_MINOR} on PATH",
    )


def fake_python(folder: Path, minor: int) -> Path:
    """``python3.<minor>`` on PATH: says it is that version, and runs this machine's Python.

    The Python it runs is a link named ``real-python``, which is then its sys.executable.
    """
    real = folder / "real-python"
    real.symlink_to(os.path.realpath(sys.executable))
    script = folder / f"python3.{minor}"
    script.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *version_info*) echo 3.{minor}; exit 0;; esac\n'
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    return real


def test_a_python_of_the_runtimes_version_on_path_runs_its_functions(
    bare_path: Path, deploy: Deploy, client: Clients
):
    real = fake_python(bare_path, OTHER_MINOR)
    assert python_for(f"python3.{OTHER_MINOR}") == Python(str(real), f"3.{OTHER_MINOR}")
    name = deploy(zip_of({"app.py": PROBE}), Runtime=f"python3.{OTHER_MINOR}")
    answer = payload_of(client("lambda").invoke(FunctionName=name))
    assert answer["executable"] == str(real)


def test_the_server_log_warns_when_another_python_runs_a_function(
    bare_path: Path, deploy: Deploy, client: Clients, caplog: pytest.LogCaptureFixture
):
    name = deploy(zip_of({"app.py": PROBE}), Runtime=f"python3.{OTHER_MINOR}")
    with caplog.at_level(logging.WARNING, logger="slam.local"):
        answer = payload_of(client("lambda").invoke(FunctionName=name))
    assert answer["python"] == OWN
    assert f"warning: python3.{OTHER_MINOR} functions run on Python {OWN}" in caplog.text


def package(*members: tuple[str, bytes, int]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def test_a_package_is_unpacked_once_with_its_modes(tmp_path: Path):
    folder = unpack(
        package(("run.sh", b"#!/bin/sh\n", 0o755), ("pkg/data.txt", b"x", 0), ("a.py", b"", 0o644)),
        tmp_path / "code",
    )
    assert stat.S_IMODE((folder / "run.sh").stat().st_mode) == 0o755
    assert (folder / "pkg" / "data.txt").read_bytes() == b"x"
    (folder / "a.py").unlink()
    assert unpack(package(("other.py", b"", 0)), folder) == folder  # kept as it is
    assert sorted(path.name for path in folder.iterdir()) == ["pkg", "run.sh"]


def test_a_damaged_package_gives_an_empty_folder(tmp_path: Path):
    folder = unpack(b"not a zip", tmp_path / "code")
    assert folder.is_dir() and list(folder.iterdir()) == []
