"""doit tasks for fizzbuzz: slam's build steps, with this project's tests before them.

    doit list     # slam's steps (deps, package, upload, stack...) beside this project's own
    doit          # run the tests, then build the Lambda package if they pass
    doit deploy   # run the tests, then what `slam deploy` does if they pass

    doit -f examples/fizzbuzz/dodo.py list     # the same, from another folder

Running the tests is a dependency of each step of slam's deploy (deploy_requires), so
a failing test stops it before anything is built or changed in AWS: doit does not
order a task's other dependencies.
slam_tasks() reads slam.yaml; doit_config() shares slam's state in .slam/ with the
slam command, so `slam build` and `doit` never redo each other's work.
"""

import sys
from pathlib import Path

from slam.tasks import doit_config, slam_tasks

__all__ = ["DOIT_CONFIG", "task_slam", "task_test"]

PROJECT = Path(__file__).resolve().parent
DOIT_CONFIG = doit_config(PROJECT)


def task_test():
    """Run fizzbuzz's tests."""
    return {
        "actions": [[sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]],
        "file_dep": ["fizzbuzz.py", "test_fizzbuzz.py"],
    }


def task_slam():
    yield from slam_tasks(PROJECT / "slam.yaml", deploy_requires=["test"])
