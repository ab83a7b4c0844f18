"""The project lock: one slam command (or doit run) at a time writes .slam/."""

from __future__ import annotations

import fcntl
import io
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from slam.errors import SlamError
from slam.tasks import doit_config
from slam.tasks.lock import lock_until_exit, project_locked


@pytest.fixture
def other_process(tmp_path: Path) -> Iterator[int]:
    """A file descriptor on the project's lock file, as another process would open it:
    flock locks belong to open files, so it conflicts with slam's own."""
    (tmp_path / ".slam").mkdir()
    fd = os.open(tmp_path / ".slam" / "lock", os.O_RDWR | os.O_CREAT)
    yield fd
    os.close(fd)


def is_locked(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


def test_a_block_holds_the_lock_and_names_its_process(tmp_path: Path, other_process: int):
    with project_locked(tmp_path):
        assert is_locked(other_process)
        assert (tmp_path / ".slam" / "lock").read_text() == f"{os.getpid()}\n"
    assert not is_locked(other_process)


def test_blocks_of_one_process_nest_and_the_outermost_releases(tmp_path: Path, other_process: int):
    stream = io.StringIO()
    link = tmp_path / "link"  # the same project, named through a link
    link.symlink_to(tmp_path)
    with project_locked(tmp_path, stream):
        with project_locked(link, stream):
            assert is_locked(other_process)
        assert is_locked(other_process)
    assert not is_locked(other_process)
    assert stream.getvalue() == ""  # it never waited for itself


class ReleasingStream(io.StringIO):
    """The waiting message's stream; the other process finishes once the message is out."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def flush(self) -> None:
        super().flush()
        if self.getvalue():
            fcntl.flock(self.fd, fcntl.LOCK_UN)


def test_a_held_lock_is_waited_for_saying_so_once(tmp_path: Path, other_process: int):
    fcntl.flock(other_process, fcntl.LOCK_EX)
    os.write(other_process, b"4242\n")
    stream = ReleasingStream(other_process)
    with project_locked(tmp_path, stream):
        assert is_locked(other_process)
    assert stream.getvalue() == (
        "slam: waiting for another slam command in this project to finish (pid 4242)...\n"
    )


def test_the_message_leaves_out_a_pid_the_holder_has_not_written_yet(
    tmp_path: Path, other_process: int
):
    fcntl.flock(other_process, fcntl.LOCK_EX)
    stream = ReleasingStream(other_process)
    with project_locked(tmp_path, stream):
        pass
    assert stream.getvalue() == (
        "slam: waiting for another slam command in this project to finish...\n"
    )


def test_taking_the_lock_removes_what_killed_runs_left(tmp_path: Path):
    build = tmp_path / ".slam" / "build"
    (build / ".deps.4242-0123abcd.tmp" / "pkg").mkdir(parents=True)
    (build / ".lambda_package.zip.4242-89abcdef.tmp").write_bytes(b"half a zip")
    (tmp_path / ".slam" / ".doit.sqlite3.4242-00000000.tmp").write_bytes(b"half")
    (build / "deps.json").write_text("{}\n")
    (tmp_path / ".app.py.4242-0123abcd.tmp").write_text("the project's own")
    with project_locked(tmp_path):
        assert sorted(path.name for path in build.iterdir()) == ["deps.json"]
        assert sorted(path.name for path in (tmp_path / ".slam").iterdir()) == ["build", "lock"]
    assert (tmp_path / ".app.py.4242-0123abcd.tmp").exists()  # outside .slam/: not slam's


def test_doit_config_keeps_the_lock_until_the_process_ends(tmp_path: Path, other_process: int):
    doit_config(tmp_path)
    assert is_locked(other_process)
    with project_locked(tmp_path):
        pass
    assert is_locked(other_process)


def test_inside_a_block_the_lock_stays_the_blocks_to_release(tmp_path: Path, other_process: int):
    with project_locked(tmp_path):
        lock_until_exit(tmp_path)  # a slam command loading the project's dodo settings
    assert not is_locked(other_process)


def test_doits_worker_processes_leave_the_lock_to_their_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_process: int
):
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())
    lock_until_exit(tmp_path)
    assert not is_locked(other_process)


def test_a_lock_that_cannot_be_created_is_a_clear_error(tmp_path: Path):
    (tmp_path / ".slam").write_text("a file where the folder goes")
    with pytest.raises(SlamError) as caught, project_locked(tmp_path):
        pass
    assert caught.value.message.startswith(
        f"cannot open {tmp_path}/.slam/lock, the lock that keeps two slam commands in this "
        "project from writing its build state at once: "
    )
    assert caught.value.hint == f"check that you may write to {tmp_path}/.slam"


class CtrlCStream(io.StringIO):
    """The waiting message's stream; the user presses Ctrl-C once it is out."""

    def flush(self) -> None:
        super().flush()
        if self.getvalue():
            raise KeyboardInterrupt


def test_ctrl_c_while_waiting_leaves_the_lock_to_its_holder(tmp_path: Path, other_process: int):
    fcntl.flock(other_process, fcntl.LOCK_EX)
    os.write(other_process, b"4242\n")
    with pytest.raises(KeyboardInterrupt), project_locked(tmp_path, CtrlCStream()):
        pass
    assert (tmp_path / ".slam" / "lock").read_text() == "4242\n"
    fcntl.flock(other_process, fcntl.LOCK_UN)
    stream = io.StringIO()
    with project_locked(tmp_path, stream):  # taken at once: the interrupted wait holds nothing
        assert is_locked(other_process)
    assert stream.getvalue() == ""
