"""`make demo` (examples/demo.sh): both tutorials and slam serve run to the end on the local
AWS, and the demo leaves nothing behind, whether it ends well or stops on a failure."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.sh"
VENV_BIN = Path(sys.executable).parent  # holds slam, as the Makefile's .venv does


def run_demo(tmp_path: Path, path: str) -> tuple[int, str, str]:
    """Run the demo, in a process group of its own: its exit code, stdout and stderr.
    Afterwards, no process is left in that group, nor its scratch folder in TMPDIR."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") and "proxy" not in name.lower()
    }
    # a profile of this machine's must not reach slam: the demo unsets it
    env.update(PATH=path, TMPDIR=str(tmp_path), AWS_PROFILE="someone-real")
    demo = subprocess.Popen(
        ["sh", str(DEMO)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the group's ID is the demo's pid
    )
    out, err = demo.communicate(timeout=600)
    with pytest.raises(ProcessLookupError):
        os.killpg(demo.pid, 0)
    assert list(tmp_path.glob("slam-demo.*")) == []
    return demo.returncode, out, err


@pytest.mark.slow
@pytest.mark.network  # pip installs tasks_api's requirements (Flask) from the index
def test_the_demo_runs_both_tutorials_and_slam_serve(tmp_path: Path) -> None:
    code, out, err = run_demo(tmp_path, f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}")

    assert code == 0, out + err
    for command, answer in [
        ("$ python3 fizzbuzz.py 15", "fizz buzz"),
        ("$ slam invoke number:=2", "2"),
        ("$ slam invoke number:=12", "fizz"),
        ("$ slam invoke number:=15", "fizz buzz"),
        ("$ slam invoke number:=5", "buzz"),
    ]:
        assert f"\n{command}\n{answer}\n\n" in out
    assert "fizzbuzz:dev is up to date: nothing to deploy." in out
    assert re.search(
        r"^    prod:1: https://\w+\.execute-api\.us-east-1\.amazonaws\.com/prod$", out, re.M
    )
    assert re.search(r"/_aws/execute-api/\w+/dev/hello\nHTTP 200 OK\n", out)
    assert re.search(r"/_aws/execute-api/\w+/prod/hello\nHTTP 404 Not Found\n", out)
    assert re.search(r"^\d\d:\d\d:\d\d GET /dev/hello 200 ", out, re.M)  # slam serve's log
    assert out.endswith("The demo is over: everything it started has stopped.\n")


@pytest.mark.slow
def test_a_failed_step_stops_the_demo_and_everything_it_started(tmp_path: Path) -> None:
    # a slam whose invoke fails, after the local AWS started and fizzbuzz was deployed
    shims = tmp_path / "shims"
    shims.mkdir()
    slam = shims / "slam"
    slam.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = invoke ]; then echo "slam: error: no invoke today" >&2; exit 1; fi\n'
        f'exec "{VENV_BIN / "slam"}" "$@"\n'
    )
    slam.chmod(0o755)

    code, out, err = run_demo(
        tmp_path, os.pathsep.join([str(shims), str(VENV_BIN), os.environ["PATH"]])
    )

    assert code == 1
    assert out.endswith("$ slam invoke number:=2\nslam: error: no invoke today\n")
    assert "demo: the command above exited with 1" in err
    assert "fizzbuzz is deployed!" in out  # the local AWS was running
