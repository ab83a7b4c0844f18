"""Work out the stage of each invocation and give it that stage's environment.

Every stage is a Lambda alias of the same function, and Lambda reuses a container
across aliases that point at the same version. So before each invocation the runtime
reads the alias from ``context.invoked_function_arn`` and sets, in ``os.environ``:

- ``STAGE``: the alias, when it names a configured stage; else the dev stage.
- ``LAMBDA_VERSION``: ``context.function_version``.
- the common ``environment`` variables, then that stage's ``stage_environments`` ones.

A variable that another stage sets and this one does not is removed, so nothing set
for one stage survives into an invocation of another.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, MutableMapping


class StageEnvironment:
    """The environment variables of each stage, applied before each invocation."""

    def __init__(
        self,
        devstage: str,
        environment: Mapping[str, object],
        stage_environments: Mapping[str, Mapping[str, object]],
        environ: MutableMapping[str, str] | None = None,
    ) -> None:
        """Precompute every stage's variables; ``environ`` defaults to ``os.environ``."""
        self.devstage = devstage
        self._environ: MutableMapping[str, str] = os.environ if environ is None else environ
        stage_only = {name for variables in stage_environments.values() for name in variables}
        self._plans: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {}
        for stage in {devstage, *stage_environments}:
            variables = {
                **{name: str(value) for name, value in environment.items()},
                **{name: str(value) for name, value in stage_environments.get(stage, {}).items()},
                "STAGE": stage,
            }
            stale = tuple(sorted(stage_only.difference(variables)))
            self._plans[stage] = (variables, stale)

    def stage_for(self, invoked_function_arn: str) -> str:
        """The stage an ARN invokes: its alias qualifier if that is a stage, else devstage."""
        # arn:aws:lambda:region:account:function:name[:qualifier]
        parts = invoked_function_arn.split(":")
        if len(parts) == 8 and parts[7] in self._plans:
            return parts[7]
        return self.devstage

    def apply(self, context: object) -> str:
        """Set the environment of the stage ``context`` invokes, and return that stage."""
        stage = self.stage_for(getattr(context, "invoked_function_arn", ""))
        variables, stale = self._plans[stage]
        environ = self._environ
        for name in stale:
            environ.pop(name, None)
        for name, value in variables.items():
            if environ.get(name) != value:  # putenv() is the expensive part
                environ[name] = value
        environ["LAMBDA_VERSION"] = str(getattr(context, "function_version", "$LATEST"))
        return stage
