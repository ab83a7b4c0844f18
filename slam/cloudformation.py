"""The CloudFormation template of a deployment: Config in, template dict out.

The core fragment (function, role, log group, aliases) and each enabled plugin's
fragment are rendered from Jinja2 templates under slam/templates/cloudformation/,
then merged by section and logical ID. The user's ``aws.cfn_resources`` and
``aws.cfn_outputs`` come last; a logical ID that slam already uses is an error,
never a silent overwrite. Building the template is pure: no AWS, no files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .config import Config, logical_id
from .errors import SlamError
from .schema import ConfigError, Problem
from .settings import CoreSettings
from .templating import render_yaml

HANDLER = "slam_runtime.handler.handler"
MERGED_SECTIONS = ("Parameters", "Mappings", "Conditions", "Resources", "Outputs")
BASIC_EXECUTION_POLICY = "AWSLambdaBasicExecutionRole"
VPC_ACCESS_POLICY = "AWSLambdaVPCAccessExecutionRole"
# The stack that holds API Gateway's account-wide logging role, one per account and region.
API_GATEWAY_LOGGING_STACK = "slam-api-gateway-logging"
API_GATEWAY_LOGGING_POLICY = "AmazonAPIGatewayPushToCloudWatchLogs"


@dataclass(frozen=True)
class StageNames:
    """A stage and the logical IDs derived from it: ``my-stage`` -> ``MyStage...``."""

    name: str
    id: str

    @property
    def alias(self) -> str:
        return f"{self.id}Alias"

    @property
    def version_parameter(self) -> str:
        return f"{self.id}Version"


def stage_names(config: CoreSettings) -> list[StageNames]:
    return [StageNames(stage, logical_id(stage)) for stage in config.stages]


def stack_description(config: CoreSettings) -> str:
    return config.description or f"{config.name}, deployed by slam"


def build_template(config: Config) -> dict[str, Any]:
    """The stack's template for ``config``; the same config always gives the same dict."""
    fragments: list[tuple[str, Mapping[str, Any]]] = [("slam", core_fragment(config))]
    for plugin in config.plugins:
        fragments.append((f"plugin '{plugin.name}'", plugin.cloudformation(config)))
    template = merge(fragments)
    _add_user_entries(template, config, "Resources", config.aws.cfn_resources)
    _add_user_entries(template, config, "Outputs", config.aws.cfn_outputs)
    return template


def core_fragment(config: Config) -> dict[str, Any]:
    aws = config.aws
    return dict(
        render_yaml(
            "cloudformation/core.yaml.j2",
            description=stack_description(config),
            stages=stage_names(config),
            managed_policy_arns=managed_policy_arns(config),
            inline_policies=[
                {"PolicyName": name, "PolicyDocument": document}
                for name, document in aws.lambda_inline_policies.items()
            ],
            handler=HANDLER,
            runtime=aws.lambda_runtime,
            architecture=aws.lambda_architecture,
            timeout=aws.lambda_timeout,
            memory=aws.lambda_memory,
            environment=dict(config.environment),
            security_groups=list(aws.lambda_security_groups),
            subnets=list(aws.lambda_subnet_ids),
        )
    )


def managed_policy_arns(config: Config) -> list[Any]:
    """Basic execution, VPC access when needed, then the user's policies.

    A bare name is an AWS managed policy, at its path (slam/managed_policies.py); a full
    ARN is used as given.
    """
    from .managed_policies import policy_arn

    names = [BASIC_EXECUTION_POLICY]
    if config.aws.lambda_security_groups:
        names.append(VPC_ACCESS_POLICY)
    arns: list[Any] = []
    for policy in (*names, *config.aws.lambda_managed_policies):
        arn: Any = policy if policy.startswith("arn:") else policy_arn(policy)
        if arn not in arns:
            arns.append(arn)
    return arns


def api_gateway_logging_template() -> dict[str, Any]:
    """The template of the ``slam-api-gateway-logging`` stack: the role API Gateway logs
    through, and the account-wide setting naming it.

    API Gateway holds one such setting per account and region, for every API there, so
    no project's stack owns it: deleting a project must not break another's logging.
    The deploy step creates this stack only while the account names no role yet, and
    nothing in slam deletes it.
    """
    from .managed_policies import policy_arn

    template = render_yaml(
        "cloudformation/api_gateway_logging.yaml.j2",
        policy_arn=policy_arn(API_GATEWAY_LOGGING_POLICY),
    )
    return dict(template)


def merge(fragments: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """Merge template fragments by section; a logical ID defined twice is a SlamError."""
    template: dict[str, Any] = {}
    owners: dict[tuple[str, str], str] = {}
    for source, fragment in fragments:
        for section, body in fragment.items():
            if section not in MERGED_SECTIONS:
                template.setdefault(section, body)
                continue
            entries = template.setdefault(section, {})
            for key, value in (body or {}).items():
                if (section, key) in owners:
                    raise SlamError(
                        f"{source} defines {section} '{key}', which "
                        f"{owners[section, key]} already defines",
                        "rename one of them (or uninstall the plugin)",
                    )
                owners[section, key] = source
                entries[key] = value
    return template


def _add_user_entries(
    template: dict[str, Any], config: Config, section: str, entries: Mapping[str, Any]
) -> None:
    key = "cfn_resources" if section == "Resources" else "cfn_outputs"
    existing = template.setdefault(section, {})
    # Resources and Parameters share one namespace of logical IDs; Outputs have their own.
    taken = {*existing, *(template.get("Parameters", {}) if section == "Resources" else ())}
    clashes = [
        Problem(
            ("aws", key, name),
            None,
            f"logical ID '{name}' is already used by slam's template",
            "rename it; `slam template` shows the IDs slam uses",
        )
        for name in entries
        if name in taken
    ]
    if clashes:
        raise ConfigError(config.file.name, clashes)
    existing.update(entries)


def template_json(template: Mapping[str, Any]) -> str:
    """The template as indented JSON: what slam uploads and `slam template` prints."""
    return json.dumps(template, indent=2) + "\n"


def template_yaml(template: Mapping[str, Any]) -> str:
    import yaml

    return str(yaml.safe_dump(dict(template), sort_keys=False, default_flow_style=False))
