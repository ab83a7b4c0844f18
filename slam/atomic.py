"""Writing files so that an error or Ctrl-C never leaves half of one behind.

A file or folder is written under a temporary name beside its final one, then renamed
into place. Temporary names are unique to each write, in any process, and say so
(``.<name>.<pid>-<random>.tmp``): :func:`remove_temporaries` finds what a killed
process left.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import SlamError

TEMPORARY_RE = re.compile(r"\..+\.[0-9]+-[0-9a-f]{8}\.tmp")


class AlreadyExists(SlamError):
    """A file slam would create is already there; slam leaves it untouched."""

    def __init__(self, path: Path, hint: str = "edit it, or remove it to start over") -> None:
        super().__init__(f"{path} already exists", hint)


def temporary_path(path: Path) -> Path:
    """A name beside ``path`` that no other write uses, in this process or another."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def remove(path: Path) -> None:
    """Remove the file or folder ``path``, if there is one."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def temporary(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, to write a file or folder under and then rename
    into place; whatever is still under it when the block ends, even by Ctrl-C, is removed."""
    scratch = temporary_path(path)
    try:
        yield scratch
    finally:
        remove(scratch)


def remove_temporaries(folder: Path) -> list[str]:
    """Remove the temporary files and folders that stopped writes left in ``folder``
    (not below it); returns their names. Only for a folder no other write is using."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError:  # no folder: nothing left
        return []
    left = [name for name in names if TEMPORARY_RE.fullmatch(name)]
    for name in left:
        remove(folder / name)
    return left


def write_atomically(path: Path, data: bytes | str, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new one.

    With ``overwrite=False`` an existing file is an error (AlreadyExists) and is left
    untouched, even one that appears while this writes.
    """
    content = data.encode("utf-8") if isinstance(data, str) else data
    with temporary(path) as scratch:
        try:
            scratch.write_bytes(content)
            if overwrite:
                os.replace(scratch, path)
            else:
                os.link(scratch, path)  # fails, rather than replaces, if path appeared meanwhile
        except FileExistsError:
            raise AlreadyExists(path) from None
        except FileNotFoundError:
            raise SlamError(
                f"cannot write {path}: folder {path.parent} does not exist", "create it first"
            ) from None
        except OSError as exc:
            raise SlamError(f"cannot write {path}: {exc.strerror}", None) from None
