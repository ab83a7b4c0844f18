"""How fast slam's light commands start, next to a bare Python start-up.

Prints the median wall time of several runs of each command and its ratio to
`python -c pass` measured in the same run. For reference, peer CLIs measured on the
same kind of machine: SAM CLI `--help` about 0.10 s, Chalice 0.36 s, Zappa 0.48 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15
SLAM = [sys.executable, "-m", "slam"]


def median_seconds(argv: list[str], cwd: Path, before_each: object = None) -> float:
    times = []
    for _ in range(RUNS):
        if callable(before_each):
            before_each()
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        config = cwd / "slam.yaml"
        cases = {
            "python -c pass (baseline)": ([sys.executable, "-c", "pass"], None),
            "slam --version": ([*SLAM, "--version"], None),
            "slam --help": ([*SLAM, "--help"], None),
            "slam init --help": ([*SLAM, "init", "--help"], None),
            "slam init app:app": (
                [*SLAM, "init", "app:app"],
                lambda: config.unlink(missing_ok=True),
            ),
        }
        results = {name: median_seconds(argv, cwd, hook) for name, (argv, hook) in cases.items()}
    baseline = results["python -c pass (baseline)"]
    print(f"start-up, median of {RUNS} runs, Python {sys.version.split()[0]}")
    print(f"{'command':<28}{'seconds':>10}{'x baseline':>12}")
    for name, seconds in results.items():
        print(f"{name:<28}{seconds:>10.3f}{seconds / baseline:>12.1f}")


if __name__ == "__main__":
    main()
