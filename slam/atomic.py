"""Writing files so that an error or Ctrl-C never leaves half of one behind."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import SlamError


class AlreadyExists(SlamError):
    """A file slam would create is already there; slam leaves it untouched."""

    def __init__(self, path: Path, hint: str = "edit it, or remove it to start over") -> None:
        super().__init__(f"{path} already exists", hint)


def _temporary_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomically(path: Path, data: bytes | str, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new one.

    With ``overwrite=False`` an existing file is an error (AlreadyExists) and is left
    untouched, even one that appears while this writes.
    """
    temporary = _temporary_path(path)
    content = data.encode("utf-8") if isinstance(data, str) else data
    try:
        temporary.write_bytes(content)
        if overwrite:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails, rather than replaces, if path appeared meanwhile
    except FileExistsError:
        raise AlreadyExists(path) from None
    except FileNotFoundError:
        raise SlamError(
            f"cannot write {path}: folder {path.parent} does not exist", "create it first"
        ) from None
    except OSError as exc:
        raise SlamError(f"cannot write {path}: {exc.strerror}", None) from None
    finally:
        temporary.unlink(missing_ok=True)
