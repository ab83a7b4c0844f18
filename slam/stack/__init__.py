"""The deploy's decisions, as pure functions: AWS's answers in, values out.

Nothing here calls AWS or imports boto3. :mod:`slam.aws` fetches the facts (the
:mod:`slam.remote` values), these functions decide, and the command or doit step does
what they return, so each decision is tested without AWS and the plan can be printed.

How the commands use them (``aws`` is a :class:`slam.aws.AwsClient`):

deploy = build -> upload -> change set -> summary -> data-loss check -> execute ->
stream events -> status block (``slam.tasks.stack`` and ``slam.tasks.operations``)::

    template = with_template_hash(build_template(config))
    stack = aws.stacks.describe_stack(config.name)             # a no-op's one call, with
                                                               # the package's HeadObject
    parameters = deploy_parameters(config, package_key(config.name, sha256), stage, stack)
    if not force and not out_of_date(stack, template_sha256(template), parameters):
        ...                                                    # "up to date", exit 0
    step = stack_step(stack, token_of_newest_event, resources)  # stuck stacks: RECREATE...
    token = client_token("deploy")
    request = ChangeSetRequest(config.name, token, "CREATE" or "UPDATE", parameters,
                               required_capabilities(template), template_body=..., ...)
    change_set = aws.stacks.describe_change_set(...)           # until change_set_state()
    print(*change_summary(change_set), sep="\\n", file=sys.stderr)
    losses = data_loss(change_set.changes, retained_resources(deployed_template))
    error = data_loss_error(losses, {table: aws.tables.holds_items(table)}, allow)
    aws.stacks.execute_change_set(config.name, token, token)
    for each poll (poll_delays()): print event_line(event) for new stack_events(...)
    on failure: failure_message(first_failure(events)); exit 1
    print(*status_block(config, stack), sep="\\n")

publish: ``publish_parameters`` with ``aws.stacks.update_stack`` (the template kept);
status: ``deployment_status`` then ``status_lines`` / ``status_json`` (or
``not_deployed_line``); delete: ``delete_failed_error`` when the stack stays
``DELETE_FAILED``, ``event_line`` while waiting.
"""

from __future__ import annotations

from .changes import (
    ChangeSetState,
    DataLoss,
    Loss,
    change_set_state,
    change_summary,
    data_loss,
    data_loss_error,
    means_no_changes,
)
from .operations import (
    CLIENT_TOKEN_PREFIX,
    StackAction,
    StackStep,
    client_token,
    delete_failed_error,
    event_line,
    failure_message,
    first_failure,
    is_busy,
    poll_delays,
    stack_step,
    started_by_slam,
)
from .parameters import (
    BUCKET_PARAMETER,
    KEY_PARAMETER,
    LATEST,
    code_sha256,
    deploy_parameters,
    deployed_package_key,
    out_of_date,
    package_key,
    package_sha256,
    publish_parameters,
    stage_versions,
    stages_on_latest,
    version_parameter,
)
from .status import (
    DeploymentStatus,
    StageStatus,
    deployment_status,
    is_deployed,
    not_deployed_json,
    not_deployed_line,
    status_block,
    status_json,
    status_lines,
)
from .template import (
    TEMPLATE_BODY_LIMIT,
    TEMPLATE_HASH_OUTPUT,
    deployed_template_sha256,
    required_capabilities,
    retained_resources,
    template_sha256,
    with_template_hash,
)

__all__ = [
    "BUCKET_PARAMETER",
    "CLIENT_TOKEN_PREFIX",
    "KEY_PARAMETER",
    "LATEST",
    "TEMPLATE_BODY_LIMIT",
    "TEMPLATE_HASH_OUTPUT",
    "ChangeSetState",
    "DataLoss",
    "DeploymentStatus",
    "Loss",
    "StackAction",
    "StackStep",
    "StageStatus",
    "change_set_state",
    "change_summary",
    "client_token",
    "code_sha256",
    "data_loss",
    "data_loss_error",
    "delete_failed_error",
    "deploy_parameters",
    "deployed_package_key",
    "deployed_template_sha256",
    "deployment_status",
    "event_line",
    "failure_message",
    "first_failure",
    "is_busy",
    "is_deployed",
    "means_no_changes",
    "not_deployed_json",
    "not_deployed_line",
    "out_of_date",
    "package_key",
    "package_sha256",
    "poll_delays",
    "publish_parameters",
    "required_capabilities",
    "retained_resources",
    "stack_step",
    "stage_versions",
    "stages_on_latest",
    "started_by_slam",
    "status_block",
    "status_json",
    "status_lines",
    "template_sha256",
    "version_parameter",
    "with_template_hash",
]
