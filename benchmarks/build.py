"""How fast `slam build` is, and what its bytecode saves at cold start.

For each example project, in a scratch copy:

- build times: a cold build (no .slam/), a no-op rebuild, and a rebuild after a one-line
  code change, each against a naive baseline measured in the same run: `pip install
  --target` into a fresh folder, then `zipfile` of the installed packages and every
  project file (what a shell script would do; it redoes everything every time);
- the zip's size and file count, slam's and the baseline's;
- cold-start import time of the packaged app, unzipped into a read-only folder as in
  Lambda, timing the handler's import (slam's runtime, the app, its dependencies):
  without bytecode, with slam's checked-hash .pyc files, and with unchecked ones.
  boto3 comes from this environment, precompiled, as Lambda's runtime provides it.

pip's cache is warmed first, so neither side measures the network. Prints tables; the
numbers depend on the machine, so nothing here passes or fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slam.build.bytecode import compile_sources

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PROJECTS = {"fizzbuzz": "fizzbuzz", "tasks_api": "tasks_api"}  # folder: module
BUILD_RUNS = 3
IMPORT_RUNS = 15
Row = tuple[Any, ...]  # one line of a table
IGNORED = shutil.ignore_patterns(".slam", "__pycache__", ".pytest_cache")


def seconds(action: Callable[[], object], before: Callable[[], object] | None = None) -> float:
    """The median time of BUILD_RUNS runs of ``action``, ``before`` each untimed."""
    times = []
    for _ in range(BUILD_RUNS):
        if before:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def slam_build(folder: Path) -> None:
    subprocess.run([sys.executable, "-m", "slam", "build"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def naive_build(folder: Path) -> Path:
    """pip install --target a fresh folder, then zip it and every project file."""
    work = folder.with_name(folder.name + "-naive-build")
    shutil.rmtree(work, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--target", work / "deps",
         "-r", folder / "requirements.txt"],
        check=True, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    archive = work / "package.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as package:
        for base in (work / "deps", folder):
            for path in sorted(base.rglob("*")):
                if path.is_file():
                    package.write(path, path.relative_to(base))
    return archive


def edit(folder: Path, module: str) -> Callable[[], None]:
    counter = iter(range(1_000_000))

    def change_one_line() -> None:
        with (folder / f"{module}.py").open("a") as source:
            source.write(f"EDITED = {next(counter)}\n")

    return change_one_line


def build_rows(folder: Path, naive: Path, module: str) -> list[tuple[str, float, float]]:
    """slam in ``folder``, the baseline in ``naive``: two copies of one project."""
    slam_state = folder / ".slam"
    naive_cold = seconds(lambda: naive_build(naive))
    cold = seconds(lambda: slam_build(folder), lambda: shutil.rmtree(slam_state, True))
    noop = seconds(lambda: slam_build(folder))
    edited = seconds(lambda: slam_build(folder), edit(folder, module))
    naive_edited = seconds(lambda: naive_build(naive), edit(naive, module))
    return [
        ("cold build", cold, naive_cold),
        ("no-op rebuild", noop, naive_cold),  # the baseline cannot tell: it redoes it all
        ("one-line code change", edited, naive_edited),
    ]


def zip_stats(path: Path) -> tuple[int, int]:
    with zipfile.ZipFile(path) as archive:
        return path.stat().st_size, len(archive.infolist())


def slam_zip(folder: Path) -> Path:
    build = folder / ".slam" / "build"
    return build / str(json.loads((build / "package.json").read_text())["file"])


def unpack(archive: Path, target: Path, bytecode: str) -> Path:
    """Unzip into a read-only folder: bytecode is "none", "checked" (slam's) or "unchecked"."""
    with zipfile.ZipFile(archive) as package:
        package.extractall(target)
    for cache in list(target.rglob("__pycache__")):
        if bytecode != "checked":
            shutil.rmtree(cache)
    if bytecode == "unchecked":
        sources = {p.relative_to(target).as_posix(): p for p in target.rglob("*.py")}
        compile_sources(sources, target, checked=False)
    for path in target.rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)
    target.chmod(0o555)
    return target


def import_seconds(folder: Path) -> float:
    """Lambda's init: importing the handler, which imports the app and its dependencies."""
    code = (
        f"import sys, time; sys.path.insert(0, {str(folder)!r}); start = time.perf_counter(); "
        "import slam_runtime.handler; print(time.perf_counter() - start)"
    )
    # -B as well as read-only files: root may write anyway, and Lambda never can
    command = [sys.executable, "-I", "-B", "-c", code]
    runs = (subprocess.run(command, capture_output=True, text=True, check=True)
            for _ in range(IMPORT_RUNS))  # fmt: skip
    return statistics.median(float(run.stdout) for run in runs)


def make_writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def cold_start_row(folder: Path) -> list[float]:
    archive = slam_zip(folder)
    results = []
    for bytecode in ("none", "checked", "unchecked"):
        target = unpack(archive, folder.with_name(f"{folder.name}-{bytecode}"), bytecode)
        try:
            results.append(import_seconds(target))
        finally:
            make_writable(target)
    return results


def main() -> None:
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    builds: list[Row] = []
    sizes: list[Row] = []
    starts: list[Row] = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, module in PROJECTS.items():
            folder, naive = Path(scratch, name), Path(scratch, f"{name}-naive")
            for copy in (folder, naive):
                shutil.copytree(EXAMPLES / name, copy, ignore=IGNORED)
                # the build's Python as the runtime: the zip holds bytecode
                config = (copy / "slam.yaml").read_text()
                runtime = f"lambda_runtime: python{python}"
                config = re.sub(r"lambda_runtime: \S+", runtime, config)
                (copy / "slam.yaml").write_text(config)
            naive_build(naive)  # warms pip's cache for both sides
            builds += [(name, *row) for row in build_rows(folder, naive, module)]
            sizes.append((name, *zip_stats(slam_zip(folder)), *zip_stats(naive_build(naive))))
            starts.append((name, *cold_start_row(folder)))
    print_tables(python, builds, sizes, starts)


def print_tables(python: str, builds: list[Row], sizes: list[Row], starts: list[Row]) -> None:
    print(f"slam build, Python {python}; median of {BUILD_RUNS} runs; baseline: pip install "
          "--target + zipfile of everything, measured in the same run")  # fmt: skip
    print(f"{'example':<11}{'scenario':<22}{'slam s':>8}{'baseline s':>12}{'ratio':>8}")
    for name, scenario, slam, naive in builds:
        print(f"{name:<11}{scenario:<22}{slam:>8.2f}{naive:>12.2f}{slam / naive:>8.2f}")
    print()
    print(f"{'example':<11}{'slam zip':>12}{'files':>8}{'baseline zip':>14}{'files':>8}")
    for name, size, files, naive_size, naive_files in sizes:
        print(f"{name:<11}{size / 1024:>9.0f} KB{files:>8}{naive_size / 1024:>11.0f} KB"
              f"{naive_files:>8}")  # fmt: skip
    print()
    print(f"cold start: import slam_runtime.handler (and the app) from a read-only unzipped "
          f"copy, median of {IMPORT_RUNS} runs")  # fmt: skip
    print(f"{'example':<11}{'no .pyc ms':>12}{'checked ms':>12}{'ratio':>8}"
          f"{'unchecked ms':>14}{'ratio':>8}")  # fmt: skip
    for name, none, checked, unchecked in starts:
        print(f"{name:<11}{none * 1000:>12.1f}{checked * 1000:>12.1f}{checked / none:>8.2f}"
              f"{unchecked * 1000:>14.1f}{unchecked / none:>8.2f}")  # fmt: skip


if __name__ == "__main__":
    os.environ.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    main()
