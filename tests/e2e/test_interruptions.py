"""``slam build`` stopped by Ctrl-C or killed, and two builds of one project at once.

The builds run as subprocesses, each in a process group of its own, as a shell runs a
command: Ctrl-C in a terminal signals the whole group, pip included.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from slam.atomic import TEMPORARY_RE
from slam.config import guess_runtime
from slam.tasks.lock import project_locked

from ..functional.conftest import wheel_bytes
from .test_commands import SLAM

pytestmark = pytest.mark.slow  # runs slam, pip and doit in subprocesses

RUNTIME = guess_runtime()  # this Python's: no note about bytecode
SLAM_YAML = f"""\
name: sample
function: {{module: app, app: handler}}
stage_environments: {{dev: }}
aws: {{s3_bucket: sample-bucket-1234, lambda_runtime: {RUNTIME}}}
"""
WAITING = "slam: waiting for another slam command in this project to finish (pid {pid})...\n"
SAFETY_NET = 120  # seconds: a hung test fails instead of hanging the suite


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project requiring a package from a local folder, so pip runs offline."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    wheel = wheels / "slam_test_dep-1.0-py3-none-any.whl"
    wheel.write_bytes(wheel_bytes("slam_test_dep", "1.0", "VERSION = '1.0'\n"))
    root = tmp_path / "project"
    root.mkdir()
    (root / "slam.yaml").write_text(SLAM_YAML)
    (root / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (root / "requirements.txt").write_text(
        f"--no-index\n--find-links {wheels}\nslam_test_dep==1.0\n"
    )
    return root


def start(cwd: Path, *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        argv or [SLAM, "build"],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a command
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """The test's subprocesses; any still running at the end is killed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()


def first_line(process: subprocess.Popen[str], stream: str = "stdout") -> str:
    pipe = getattr(process, stream)
    ready, _, _ = select.select([pipe], [], [], SAFETY_NET)
    assert ready, f"no line on {stream} from {process.args}"
    return str(pipe.readline())


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=SAFETY_NET)
    return process.returncode, out, err


def temporaries(project: Path) -> list[str]:
    build = project / ".slam" / "build"
    return sorted(entry.name for entry in build.iterdir() if TEMPORARY_RE.fullmatch(entry.name))


def stopped(process: subprocess.Popen[str], within: float = 1.0) -> bool:
    """Whether ``process``, sent SIGSTOP, has stopped ``within`` seconds.

    A process caught while it forks a child (posix_spawn's vfork) waits in the kernel for
    that child, stopped too, to exec: it cannot stop until the child runs on again.
    """
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        pid, status = os.waitpid(process.pid, os.WUNTRACED | os.WNOHANG)
        if pid:
            assert os.WIFSTOPPED(status), f"{process.args} ended before it could be stopped"
            return True
        time.sleep(0.005)
    return False


def stopped_with_temporaries(build: subprocess.Popen[str], project: Path) -> list[str]:
    """Stop ``build`` (SIGSTOP) at a moment it has temporaries; returns their names."""
    deadline = time.monotonic() + SAFETY_NET
    while True:
        assert time.monotonic() < deadline, "the build wrote no temporary file or folder"
        if (project / ".slam" / "build").is_dir() and temporaries(project):
            os.killpg(build.pid, signal.SIGSTOP)
            left = temporaries(project) if stopped(build) else []
            if left:  # stopped now: what it left stays
                return left
            os.killpg(build.pid, signal.SIGCONT)
        time.sleep(0.01)


def test_ctrl_c_while_pip_installs_then_a_rebuild(
    project: Path, processes: list[subprocess.Popen[str]]
):
    build = start(project)
    processes.append(build)
    assert first_line(build) == "Building lambda package...\n"
    assert first_line(build) == f"Installing requirements.txt for {RUNTIME} (x86_64)...\n"
    os.killpg(build.pid, signal.SIGINT)
    code, _, err = finish(build)
    assert (code, err) == (130, "slam: interrupted\n")

    rebuilt = start(project)
    processes.append(rebuilt)
    code, out, err = finish(rebuilt)
    assert (code, err) == (0, "")
    assert f"Installed 1 package for {RUNTIME} (x86_64): slam_test_dep 1.0." in out
    assert out.endswith(" has been built successfully.\n")
    assert temporaries(project) == []


def test_what_a_killed_build_left_is_removed_by_the_next_one(
    project: Path, processes: list[subprocess.Popen[str]]
):
    build = start(project)
    processes.append(build)
    left = stopped_with_temporaries(build, project)
    os.killpg(build.pid, signal.SIGKILL)
    assert finish(build)[0] == -signal.SIGKILL
    assert temporaries(project) == left

    rebuilt = start(project)
    processes.append(rebuilt)
    code, out, err = finish(rebuilt)
    assert (code, err) == (0, "")
    assert out.endswith(" has been built successfully.\n")
    assert temporaries(project) == []


def test_a_build_waits_for_the_command_holding_the_project(
    project: Path, processes: list[subprocess.Popen[str]]
):
    with project_locked(project):
        build = start(project)
        processes.append(build)
        assert first_line(build, "stderr") == WAITING.format(pid=os.getpid())
        assert not (project / ".slam" / "build").exists()  # it waits before anything
    code, out, _ = finish(build)
    assert code == 0
    assert out.startswith("Building lambda package...\n")
    assert out.endswith(" has been built successfully.\n")


def test_two_builds_at_once_the_second_waits_then_finds_the_package_up_to_date(
    project: Path, processes: list[subprocess.Popen[str]]
):
    first = start(project)
    processes.append(first)
    assert first_line(first) == "Building lambda package...\n"  # it holds the project
    os.killpg(first.pid, signal.SIGSTOP)  # and keeps it while the second starts
    second = start(project)
    processes.append(second)
    assert first_line(second, "stderr") == WAITING.format(pid=first.pid)
    os.killpg(first.pid, signal.SIGCONT)

    code, out, err = finish(first)
    assert (code, err) == (0, "")
    assert out.endswith(" has been built successfully.\n")
    code, out, _ = finish(second)
    assert code == 0
    assert out.startswith("Building lambda package...\n")
    assert out.endswith(" is up to date.\n")
    assert len(list((project / ".slam" / "build").glob("lambda_package.*.zip"))) == 1


DODO = """\
import time
from pathlib import Path

from slam.tasks import doit_config, slam_tasks

PROJECT = Path(__file__).resolve().parent
DOIT_CONFIG = doit_config(PROJECT)


def hold():
    (PROJECT / "holding").touch()
    while not (PROJECT / "release").exists():
        time.sleep(0.01)


def task_hold():
    return {"actions": [hold]}


def task_slam():
    yield from slam_tasks(PROJECT / "slam.yaml", deploy_requires=["hold"])
"""


def test_a_doit_run_of_a_dodo_file_holds_the_project_too(
    project: Path, processes: list[subprocess.Popen[str]]
):
    (project / "dodo.py").write_text(DODO)
    # the files the test signals through are not the project's
    (project / "slam.yaml").write_text(SLAM_YAML + "package: {exclude: [holding, release]}\n")
    doit = start(project, sys.executable, "-m", "doit")
    processes.append(doit)
    deadline = time.monotonic() + SAFETY_NET
    while not (project / "holding").exists():
        assert time.monotonic() < deadline, "doit did not start its first task"
        time.sleep(0.01)
    build = start(project)
    processes.append(build)
    assert first_line(build, "stderr") == WAITING.format(pid=doit.pid)
    (project / "release").touch()

    code, out, err = finish(doit)
    assert (code, out, err) == (0, ".  hold\n.  deps\n.  package\n", "")
    code, out, _ = finish(build)
    assert code == 0
    assert out.endswith(" is up to date.\n")
