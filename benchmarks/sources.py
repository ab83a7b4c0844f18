"""How fast slam decides which files go into the package, on a large project.

Every `slam build`, a no-op one included, walks the project to list the files to
package: the package step is up to date only while that list and the files are. The
project here has 5,000 files of its own in 100 folders, nested .gitignore files, a
virtualenv and a git-ignored node_modules of 5,000 files each (left out, so never
walked). The baseline is `os.walk` listing every file of the tree, measured in the
same run: what a packer with no rules at all would do. Prints a table; the numbers
depend on the machine, so nothing here passes or fails.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from slam.build.sources import Selection, project_files

RUNS = 9


def make_project(root: Path) -> None:
    for folder in range(100):
        package = root / "app" / f"part{folder}"
        package.mkdir(parents=True)
        for module in range(50):
            (package / f"module{module}.py").write_text("")
        if folder % 10 == 0:
            (package / ".gitignore").write_text("*.tmp\n!keep.tmp\nbuild/\n")
    (root / ".gitignore").write_text("node_modules/\n*.log\n/dist\n")
    for left_out in ("node_modules/lib", ".venv/lib"):
        (root / left_out).mkdir(parents=True)
        for index in range(5000):
            (root / left_out / f"file{index}.js").write_text("")
    (root / ".venv" / "pyvenv.cfg").write_text("")


def milliseconds(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def walk_everything(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root))


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        make_project(root)
        baseline = milliseconds(lambda: walk_everything(root))
        selections = {
            "defaults and .gitignore": Selection(),
            "with include and exclude": Selection(
                include=("app/part1/keep.log", "/dist/schema.json"), exclude=("tests/", "*.md")
            ),
        }
        print(f"files to package: project_files, median of {RUNS} runs; baseline: os.walk "
              f"listing all {walk_everything(root)} files, measured in the same run")  # fmt: skip
        print(f"{'selection':<28}{'files':>7}{'slam ms':>10}{'baseline ms':>13}{'ratio':>8}")
        for name, selection in selections.items():
            count = len(project_files(root, selection).files)
            slam = milliseconds(lambda selection=selection: project_files(root, selection))
            print(f"{name:<28}{count:>7}{slam:>10.1f}{baseline:>13.1f}{slam / baseline:>8.2f}")


if __name__ == "__main__":
    main()
