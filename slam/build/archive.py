"""Byte-for-byte reproducible zips, and Lambda's size limit.

Entries are sorted by name and carry a fixed timestamp and normalised permissions
(0644, or 0755 for executables), so the same files always give the same SHA-256,
whatever the folder, the clock or the umask.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import SlamError

EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold
UNIX = 3  # ZipInfo.create_system: makes unzip honour the permission bits
# Lambda's limit on a function's unzipped code, layers included: 250 MB.
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
LARGEST_SHOWN = 10


@dataclass(frozen=True)
class Entry:
    """A file to put in a zip under ``name``: read from ``path``, or given as ``data``."""

    name: str
    size: int
    path: Path | None = None
    data: bytes | None = None
    executable: bool = False

    @classmethod
    def from_file(cls, name: str, path: Path) -> Entry:
        status = path.stat()
        return cls(name, status.st_size, path=path, executable=bool(status.st_mode & 0o111))

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> Entry:
        return cls(name, len(data), data=data)


def zip_info(entry: Entry) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(entry.name, date_time=EPOCH)
    info.create_system = UNIX
    mode = 0o755 if entry.executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size = entry.size
    return info


def add_entries(archive: zipfile.ZipFile, entries: Iterable[Entry]) -> None:
    """Add ``entries`` to an open zip, sorted by name."""
    for entry in sorted(entries, key=lambda entry: entry.name):
        info = zip_info(entry)
        if entry.path is None:
            archive.writestr(info, entry.data or b"")
            continue
        with entry.path.open("rb") as source, archive.open(info, "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)


def write_zip(path: Path, entries: Iterable[Entry]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        add_entries(archive, entries)


def extend_zip(base: Path, path: Path, entries: Iterable[Entry]) -> None:
    """Write ``path``: a copy of the zip ``base`` with ``entries`` added after its own.

    Nothing in ``base`` is decompressed or compressed again. A name already in ``base``
    is an error: a zip must not hold two files with one name.
    """
    entries = list(entries)
    with zipfile.ZipFile(base) as archive:
        names = Counter(archive.namelist())
    names.update(entry.name for entry in entries)
    # a source before its bytecode: the user knows the file they wrote
    clashes = sorted(
        (name for name, count in names.items() if count > 1),
        key=lambda name: (name.endswith(".pyc"), name),
    )
    if clashes:
        raise SlamError(
            f"{clashes[0]} is both a project file and installed by a requirement or slam",
            "rename it, or leave it out of the package with package.exclude in slam.yaml",
        )
    shutil.copyfile(base, path)
    with zipfile.ZipFile(path, "a") as archive:
        add_entries(archive, entries)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def sizes_in_zip(path: Path) -> dict[str, int]:
    """Each file's unzipped size, by name."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: info.file_size for info in archive.infolist()}


def check_unzipped_size(sizes: dict[str, int], limit: int = LAMBDA_UNZIPPED_LIMIT) -> None:
    """Fail, naming the largest top-level folders and files, when above Lambda's limit."""
    total = sum(sizes.values())
    if total <= limit:
        return
    parts: Counter[str] = Counter()
    for name, size in sizes.items():
        parts[name.split("/", 1)[0]] += size
    width = max(len(name) for name, _ in parts.most_common(LARGEST_SHOWN))
    largest = "\n".join(
        f"  {name:<{width}}  {format_size(size):>9}"
        for name, size in parts.most_common(LARGEST_SHOWN)
    )
    raise SlamError(
        f"the package is {format_size(total)} unzipped, more than Lambda's limit of "
        f"{format_size(limit)}; the largest parts are:\n{largest}",
        "remove requirements the function does not need, or leave files out with "
        "package.exclude in slam.yaml",
    )


def format_size(size: int) -> str:
    """A size in bytes for people: ``512 bytes``, ``1.4 MB``."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            break
    return f"{value:.1f} {unit}"
