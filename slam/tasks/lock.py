"""One slam command at a time in a project: a lock on ``.slam/lock``.

Every command that writes ``.slam/``, and every doit run of a dodo.py through
:func:`slam.tasks.doit_config`, holds the project's lock while it works; another one
waits for it, saying so on stderr, and then finds the first one's work done. The lock
is the operating system's (``flock`` on POSIX, ``msvcrt.locking`` on Windows), so it is
released when its process ends, however it ends. The lock file holds the holder's pid,
for the message.

Taking the lock also removes what an interrupted or killed run left in ``.slam/``
(temporary files and folders, see :mod:`slam.atomic`): no other run is writing there.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..atomic import remove_temporaries
from ..errors import SlamError
from .project import BuildLayout

if sys.platform == "win32":  # pragma: no cover - the tests run on POSIX
    import msvcrt
    import time

    # Windows locks byte ranges, which other processes then cannot read: lock one far
    # past the pid the file holds. Waiting is polling: msvcrt cannot block indefinitely.
    _LOCKED_BYTE = 1 << 30

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _LOCKED_BYTE, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _wait_for_lock(fd: int) -> None:
        while not _try_lock(fd):
            time.sleep(0.1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _wait_for_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)  # Ctrl-C interrupts the wait


@dataclass
class _Held:
    fd: int
    depth: int  # the blocks holding it; the lock is released when none is left
    until_exit: bool = False  # taken for the whole process: never released before it ends


_HELD: dict[Path, _Held] = {}


def lock_path(root: Path) -> Path:
    # the real path: one process may name the project through a link, and then not
    return BuildLayout(Path(os.path.realpath(root))).state / "lock"


@contextmanager
def project_locked(root: Path, stream: TextIO | None = None) -> Iterator[None]:
    """Hold the lock of the project in ``root`` (slam.yaml's folder) for the block.

    Waits while another process holds it, saying so once on ``stream`` (default:
    stderr). Blocks of one process nest: only the outermost takes and releases it.
    """
    path = lock_path(root)
    held = _HELD.get(path) or _acquire(path, stream or sys.stderr)
    held.depth += 1
    try:
        yield
    finally:
        held.depth -= 1
        if held.depth == 0 and not held.until_exit:
            del _HELD[path]
            os.close(held.fd)  # closing releases the lock


def lock_until_exit(root: Path, stream: TextIO | None = None) -> None:
    """Hold the lock of the project in ``root`` until this process ends, as a doit run
    of a dodo.py does.

    Does nothing where the lock is held already (a slam command running doit holds it
    for the run), nor in doit's worker processes (``doit -n``), whose parent holds it.
    """
    path = lock_path(root)
    if path in _HELD or multiprocessing.parent_process() is not None:
        return
    _acquire(path, stream or sys.stderr).until_exit = True


def _acquire(path: Path, stream: TextIO) -> _Held:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise SlamError(
            f"cannot open {path}, the lock that keeps two slam commands in this project "
            f"from writing its build state at once: {error.strerror}",
            f"check that you may write to {path.parent}",
        ) from None
    try:
        if not _try_lock(fd):
            holder = _holder(fd)
            print(
                "slam: waiting for another slam command in this project to finish"
                f"{f' (pid {holder})' if holder else ''}...",
                file=stream,
                flush=True,
            )
            _wait_for_lock(fd)
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    except BaseException:
        os.close(fd)
        raise
    layout = BuildLayout(path.parent.parent)
    for folder in (layout.state, layout.build):
        remove_temporaries(folder)
    held = _HELD[path] = _Held(fd, depth=0)
    return held


def _holder(fd: int) -> str | None:
    """The pid the lock file names, if it names one yet."""
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 32).decode("ascii", errors="replace").strip()
    return text if text.isdigit() else None
