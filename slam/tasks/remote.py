"""What the steps that call AWS share in one run: the command line's options, one AWS
client, the stack as AWS last described it, and the up-to-date checks that ask AWS.

AWS is the truth about the remote steps; doit's database is only a cache. So their
up-to-date checks ask AWS, and any error inside one means "not up to date": the step
then runs and meets the error itself, reporting it as slam reports every failure
(doit would abort the whole run with a traceback). boto3 is imported on first use,
so a run that only builds never pays for it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..settings import AwsOptions

if TYPE_CHECKING:
    from ..aws import AwsClient
    from ..remote import Stack


@dataclass(frozen=True)
class RemoteOptions:
    """How the remote steps run: the options of ``slam deploy`` and ``slam publish``.

    A dodo.py passes them to ``slam_tasks`` (doit's own ``get_var`` reads
    ``doit deploy stage=prod``); the defaults are those of a plain ``slam deploy``.
    """

    stage: str | None = None  # the stage a deploy moves to $LATEST; None: the devstage
    force: bool = False  # update the stack even when its recorded hashes match
    allow_data_loss: bool = False  # let a deploy delete the DynamoDB tables slam.yaml dropped
    no_lambda: bool = False  # deploy the package the stack already runs
    lambda_package: Path | None = None  # deploy this zip instead of building one
    publish_version: str | None = None  # what publish:<stage> publishes; None: the devstage
    aws: AwsOptions = field(default_factory=AwsOptions)


class Remote:
    """One run's view of AWS, shared by the remote steps of one task graph.

    The AWS client is made on first use. :meth:`stack` asks DescribeStacks once and
    remembers the answer, so the stack step's up-to-date check, its action and the
    status block that ends a deploy cost one call between them when nothing changes.
    """

    def __init__(self, config: Config, options: RemoteOptions | None = None) -> None:
        self.config = config
        self.options = options or RemoteOptions()
        self._aws: AwsClient | None = None
        self._stack: Stack | None = None
        self._described = False
        self._announced = False
        self.memo: dict[str, Any] = {}  # values a step computes once per run

    @property
    def stage(self) -> str:
        """The stage a deploy moves to ``$LATEST``."""
        return self.options.stage or self.config.devstage

    @property
    def aws(self) -> AwsClient:
        if self._aws is None:
            from ..aws import AwsClient  # boto3: only once a step calls AWS

            self._aws = AwsClient(self.options.aws)
        return self._aws

    def stack(self) -> Stack | None:
        """The project's stack, as the last DescribeStacks of this run described it."""
        if not self._described:
            self.remember(self.aws.stacks.describe_stack(self.config.name))
        return self._stack

    def remember(self, stack: Stack | None) -> None:
        """What the stack is now, after a step changed it."""
        self._stack, self._described = stack, True

    def announce(self) -> None:
        """Say, once per run and before the first change, which account, region and stack
        this run changes (one GetCallerIdentity)."""
        if self._announced:
            return
        identity = self.aws.caller_identity()
        print(
            f"About to change AWS account {identity.account}, region {self.aws.region}, "
            f"stack {self.config.name} (as {identity.arn}).",
            file=sys.stderr,
            flush=True,
        )
        self._announced = True

    def __getstate__(self) -> dict[str, Any]:
        # doit's parallel runner pickles actions: a worker makes its own client
        return {"config": self.config, "options": self.options}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(Remote(state["config"], state["options"]).__dict__)


class remote_check:  # lower case, like doit's uptodate checks
    """An up-to-date check that asks AWS: False (run the step) whenever it fails.

    The step's action then meets the same error and reports it in slam's words; an
    exception escaping a check would abort doit's run with a traceback.
    """

    def __init__(self, name: str, check: Callable[[], bool]) -> None:
        self.name = name
        self.check = check

    def __call__(self) -> bool:
        try:
            return bool(self.check())
        except Exception:
            return False

    def __repr__(self) -> str:
        return f"remote_check({self.name!r})"
