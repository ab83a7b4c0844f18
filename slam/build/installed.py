"""What pip installed into a folder (``pip install --target``), as the zip of a package's
dependencies: the files Lambda needs, their bytecode, and nothing naming this machine.

Left out: ``bin/`` (console scripts, whose first line names this machine's Python) and
each distribution's ``direct_url.json`` (this machine's paths). Each ``RECORD`` then
lists only the files the zip holds.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

from ..atomic import temporary
from .archive import Entry, write_zip
from .bytecode import compile_sources

# Written by pip --target but useless in Lambda, or naming the build machine's paths.
LEFT_OUT = ("bin/",)
LEFT_OUT_METADATA = ("direct_url.json",)


def distributions(folder: Path) -> list[str]:
    """'name version' for each distribution installed in ``folder``, sorted."""
    names = (path.name.removesuffix(".dist-info") for path in folder.glob("*.dist-info"))
    return sorted(" ".join(name.rsplit("-", 1)) for name in names)


def write_installed_zip(folder: Path, path: Path, python: str | None) -> None:
    """Write ``path``, the zip of what is installed in ``folder``, all at once.

    With ``python``, the bytecode that interpreter writes goes in too (and stays in
    ``folder``); a wheel's own ``__pycache__`` is removed first: its pycs hold
    timestamps, maybe for another Python.
    """
    for cache in sorted(folder.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache)
    if python:
        sources = {name: file for name, file in _installed_files(folder) if name.endswith(".py")}
        compile_sources(sources, folder, python)
    entries = {name: Entry.from_file(name, file) for name, file in _installed_files(folder)}
    for name, entry in list(entries.items()):
        if name.endswith(".dist-info/RECORD"):
            entries[name] = _record_of_shipped(name, entry, entries)
    with temporary(path) as partial:
        write_zip(partial, entries.values())
        partial.replace(path)


def _installed_files(folder: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and not name.startswith(LEFT_OUT) and path.name not in LEFT_OUT_METADATA:
            yield name, path


def _record_of_shipped(name: str, record: Entry, entries: dict[str, Entry]) -> Entry:
    """A RECORD listing only the files the zip holds (not bin/ scripts naming this machine)."""
    assert record.path is not None
    kept = io.StringIO()
    writer = csv.writer(kept, lineterminator="\n")
    with record.path.open(newline="", encoding="utf-8") as file:
        for row in csv.reader(file):
            if row and (row[0] in entries or row[0] == name):
                writer.writerow(row)
    return Entry.from_bytes(name, kept.getvalue().encode())
