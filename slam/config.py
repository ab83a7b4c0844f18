"""slam.yaml -> a validated, frozen ``Config``.

The whole file is checked before anything else runs. Each problem names the file,
the line, the key path and the fix (see ``slam.schema``). Plugins own their
top-level sections (``wsgi``, ``dynamodb_tables``...): the plugins passed in parse
theirs here too, and those whose section is present become ``Config.plugins``, so
nothing after this asks the registry again.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError
from .plugins import EnabledPlugin, Plugin
from .schema import Document, Node, load_yaml_file, parse_yaml
from .settings import (
    DEFAULT_MEMORY,
    DEFAULT_TIMEOUT,
    AwsSettings,
    CoreSettings,
    Function,
    PackageSettings,
)

DEFAULT_CONFIG_FILE = "slam.yaml"
DEFAULT_REQUIREMENTS = "requirements.txt"
ARCHITECTURES = ("x86_64", "arm64")

# Lambda's Python runtimes and the date AWS deprecates each (AWS's published schedule).
LAMBDA_RUNTIMES: dict[str, datetime.date] = {
    "python3.10": datetime.date(2026, 10, 31),
    "python3.11": datetime.date(2027, 6, 30),
    "python3.12": datetime.date(2028, 10, 31),
    "python3.13": datetime.date(2029, 6, 30),
    "python3.14": datetime.date(2029, 6, 30),
}

CORE_KEYS = (
    "name",
    "description",
    "function",
    "requirements",
    "devstage",
    "environment",
    "stage_environments",
    "aws",
    "package",
)
AWS_KEYS = (
    "s3_bucket",
    "lambda_timeout",
    "lambda_memory",
    "lambda_runtime",
    "lambda_architecture",
    "lambda_security_groups",
    "lambda_subnet_ids",
    "lambda_managed_policies",
    "lambda_inline_policies",
    "cfn_resources",
    "cfn_outputs",
)

# Variables Lambda reserves, and the ones slam's runtime sets itself.
RESERVED_VARIABLES = frozenset(
    {"STAGE", "LAMBDA_VERSION", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "_HANDLER", "TZ"}
)
MAX_ENVIRONMENT_BYTES = 4096
# The mappings of environment variables: their values are kept as written (3.10 is "3.10").
VARIABLE_MAPPINGS = (("environment",), ("stage_environments", "*"))

IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
MODULE_RE = re.compile(rf"{IDENTIFIER}(\.{IDENTIFIER})*")
APP_RE = re.compile(IDENTIFIER)
STACK_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
MAX_NAME_LENGTH = 128  # the name names the CloudFormation stack, whose names stop there
STAGE_RE = re.compile(r"(?!\d+$)[A-Za-z0-9_-]{1,128}")
VARIABLE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]+")
LOGICAL_ID_RE = re.compile(r"[A-Za-z0-9]{1,255}")
BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
IP_ADDRESS_RE = re.compile(r"\d+\.\d+\.\d+\.\d+")
ARN_RE = re.compile(r"arn:aws[a-z-]*:iam::(aws|\d{12}):policy/[\w+=,.@/-]+")
POLICY_NAME_RE = re.compile(r"[\w+=,.@-]{1,128}")
SECURITY_GROUP_RE = re.compile(r"sg-[0-9a-f]{8,17}")
SUBNET_RE = re.compile(r"subnet-[0-9a-f]{8,17}")


@dataclass(frozen=True)
class Config(CoreSettings):
    """A validated slam.yaml: slam's own settings, and each plugin its sections enable."""

    plugins: tuple[EnabledPlugin[Any], ...] = ()

    def plugin_settings(self, name: str) -> Any:
        """The parsed section of the enabled plugin ``name``, or None when it is absent."""
        return next((p.settings for p in self.plugins if p.name == name), None)


def check_stage(config: Config, stage: str, option: str = "") -> None:
    """A UsageError unless ``stage`` (given with ``option``; "" for an argument) is one of
    slam.yaml's stages: one line naming it, the stages there are and, when one is close,
    the stage meant."""
    if stage in config.stages:
        return
    stages = list(config.stages)
    close = difflib.get_close_matches(stage, stages, n=1, cutoff=0.6)
    guess = f"; did you mean {close[0]!r}?" if close else ""
    given = f"{option} {stage!r}" if option else repr(stage)
    raise UsageError(
        f"{given} is not a stage of {config.name} (its stages: {', '.join(stages)}){guess}",
        f"use one of them, or add {stage} under stage_environments in {config.file.name}",
    )


def logical_id(name: str) -> str:
    """A CloudFormation logical ID part from a user's name: ``my-stage`` -> ``MyStage``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name))


def guess_runtime(version: Sequence[int] | None = None, today: datetime.date | None = None) -> str:
    """The Lambda runtime of a Python version (default: this one), if AWS still supports it.

    Otherwise the newest runtime: a new project should not start on a deprecated one.
    """
    major, minor = version or sys.version_info[:2]
    candidate = f"python{major}.{minor}"
    deprecation = LAMBDA_RUNTIMES.get(candidate)
    if deprecation and deprecation > (today or datetime.date.today()):
        return candidate
    return max(LAMBDA_RUNTIMES, key=_version_key)


def _version_key(runtime: str) -> tuple[int, ...]:
    return tuple(int(part) for part in runtime.removeprefix("python").split("."))


def load_config(path: Path | str, plugins: Sequence[Plugin[Any]]) -> Config:
    """Load and validate a slam.yaml file, whose sections ``plugins`` may own.

    Raises SlamError / ConfigError.
    """
    path = Path(path)
    return parse_config(load_yaml_file(path, VARIABLE_MAPPINGS), path, plugins)


def config_from_text(text: str, path: Path | str, plugins: Sequence[Plugin[Any]]) -> Config:
    """Validate slam.yaml content that is not on disk yet (``slam init`` checks what it writes)."""
    path = Path(path)
    return parse_config(parse_yaml(text, str(path), VARIABLE_MAPPINGS), path, plugins)


def parse_config(document: Document, path: Path, plugins: Sequence[Plugin[Any]]) -> Config:
    """The Config of a parsed slam.yaml, with the plugins whose sections it holds."""
    root = document.root
    if not isinstance(document.data, dict):
        root.fail("must be a mapping of settings", "run `slam init module:function` for a template")
        document.raise_if_invalid()
    sections = root.mapping([*CORE_KEYS, *(plugin.config_key for plugin in plugins)])
    config = _parse_core(root, path.absolute())
    enabled = tuple(
        EnabledPlugin(plugin, plugin.parse_config(sections[plugin.config_key], config))
        for plugin in plugins
        if plugin.config_key in sections
    )
    document.raise_if_invalid()
    return dataclasses.replace(config, plugins=enabled, warnings=tuple(document.warnings))


def _parse_core(root: Node, path: Path) -> Config:
    stage_environments = _parse_stages(root.child("stage_environments"))
    return Config(
        file=path,
        name=_parse_name(root.child("name")),
        description=_parse_description(root.child("description")),
        function=_parse_function(root.child("function")),
        requirements=root.child("requirements").string(DEFAULT_REQUIREMENTS),
        devstage=_parse_devstage(root.child("devstage"), tuple(stage_environments)),
        environment=parse_variables(root.child("environment")),
        stage_environments=stage_environments,
        aws=_parse_aws(root.child("aws")),
        package=_parse_package(root.child("package")),
    )


def name_too_long(name: str) -> str | None:
    """What is wrong with a project name too long to name its stack; None when it fits."""
    if len(name) <= MAX_NAME_LENGTH:
        return None
    return f"is {len(name)} characters long, more than {MAX_NAME_LENGTH} (it names the stack)"


def _parse_name(node: Node) -> str:
    name = node.string(required=True)
    too_long = name_too_long(name)
    if too_long:  # said before the pattern, which would quote the whole name
        node.fail(too_long, f"shorten it to {MAX_NAME_LENGTH} characters at most")
    elif name and not STACK_NAME_RE.fullmatch(name):
        node.fail(
            f"{name!r} is not valid: use letters, digits and hyphens, starting with a letter "
            "(it names the stack)"
        )
    return name


def _parse_description(node: Node) -> str:
    text = node.string()
    if len(text) > 256:
        node.fail(f"is {len(text)} characters long", "shorten it to 256 characters at most")
    return text


def _parse_function(node: Node) -> Function:
    if node.missing:
        node.fail("is required", "add function: {module: mymodule, app: myfunction}")
        return Function("", "")
    node.mapping(["module", "app"])
    module = node.child("module").matching(MODULE_RE, "use a dotted Python module name")
    app = node.child("app").matching(APP_RE, "use a Python identifier")
    return Function(module, app)


def _parse_stages(node: Node) -> dict[str, Mapping[str, str]]:
    entries = node.mapping()
    if not entries and node.value in (None, {}):
        node.fail("needs at least one stage", "add a stage, e.g.  stage_environments: {dev: }")
    stages: dict[str, Mapping[str, str]] = {}
    ids: dict[str, str] = {}
    for name, stage in entries.items():
        if not STAGE_RE.fullmatch(name):
            stage.fail(
                f"stage name {name!r} is not valid",
                "use up to 128 letters, digits, '-' or '_', not only digits",
            )
        elif logical_id(name) in ids:
            other = ids[logical_id(name)]
            stage.fail(
                f"stages {other!r} and {name!r} are too similar for CloudFormation",
                "rename one: stage names must differ in more than case, '-' and '_'",
            )
        ids[logical_id(name)] = name
        stages[name] = parse_variables(stage)
    return stages


def _parse_devstage(node: Node, stages: tuple[str, ...]) -> str:
    if node.missing:
        return stages[0] if stages else ""
    name = node.string()
    if stages and name not in stages:
        node.fail(
            f"{name!r} is not a configured stage",
            f"use one of: {', '.join(stages)}, or add it under stage_environments",
        )
    return name


def parse_variables(node: Node) -> dict[str, str]:
    """Environment variables: names Lambda accepts, string values.

    A value is the text written in slam.yaml (``VERSION: 3.10`` is ``"3.10"``,
    ``DEBUG: true`` is ``"true"``): see ``VARIABLE_MAPPINGS``. An empty value is an error.
    """
    variables: dict[str, str] = {}
    for name, value in node.mapping().items():
        if not VARIABLE_RE.fullmatch(name) or name.startswith("AWS_"):
            value.fail(
                f"{name!r} is not a valid variable name",
                "use at least two letters, digits and '_', starting with a letter, "
                "not starting with AWS_",
            )
        elif name in RESERVED_VARIABLES:
            value.fail(f"{name} is reserved", "slam or Lambda sets it; choose another name")
        if value.missing:
            value.fail("has no value", f'write {name}: "" for an empty value')
        else:
            variables[name] = value.string()
    size = sum(len(name) + len(value) for name, value in variables.items())
    if size > MAX_ENVIRONMENT_BYTES:
        node.fail(f"holds {size} bytes", f"Lambda allows {MAX_ENVIRONMENT_BYTES} bytes in all")
    return variables


def _parse_aws(node: Node) -> AwsSettings:
    node.mapping(AWS_KEYS)
    groups = _matching_strings(node.child("lambda_security_groups"), SECURITY_GROUP_RE, "sg-")
    subnets = _matching_strings(node.child("lambda_subnet_ids"), SUBNET_RE, "subnet-")
    if bool(groups) != bool(subnets):
        node.child("lambda_subnet_ids" if groups else "lambda_security_groups").fail(
            "is empty, but VPC access needs both security groups and subnets",
            "set both lambda_security_groups and lambda_subnet_ids, or neither",
        )
    return AwsSettings(
        s3_bucket=_parse_bucket(node.child("s3_bucket")),
        lambda_runtime=_parse_runtime(node.child("lambda_runtime")),
        lambda_timeout=node.child("lambda_timeout").integer(DEFAULT_TIMEOUT, 1, 900, "seconds"),
        lambda_memory=node.child("lambda_memory").integer(DEFAULT_MEMORY, 128, 10240, "MB"),
        lambda_architecture=node.child("lambda_architecture").choice(ARCHITECTURES, "x86_64"),
        lambda_security_groups=groups,
        lambda_subnet_ids=subnets,
        lambda_managed_policies=_parse_managed_policies(node.child("lambda_managed_policies")),
        lambda_inline_policies=_parse_inline_policies(node.child("lambda_inline_policies")),
        cfn_resources=_parse_logical_map(node.child("cfn_resources"), "Type"),
        cfn_outputs=_parse_logical_map(node.child("cfn_outputs"), "Value"),
    )


def _parse_bucket(node: Node) -> str:
    name = node.string(required=True)
    if not name:
        return name
    if (
        not BUCKET_RE.fullmatch(name)
        or ".." in name
        or IP_ADDRESS_RE.fullmatch(name)
        or name.startswith(("xn--", "sthree-"))
        or name.endswith(("-s3alias", "--ol-s3"))
    ):
        node.fail(
            f"{name!r} is not a valid S3 bucket name",
            "use 3-63 lowercase letters, digits, '-' and '.', starting and ending with a "
            "letter or digit",
        )
    return name


def _parse_runtime(node: Node) -> str:
    if node.missing:
        return guess_runtime()
    runtime = node.choice(LAMBDA_RUNTIMES, guess_runtime())
    if runtime == node.value and LAMBDA_RUNTIMES[runtime] <= datetime.date.today():
        newest = max(LAMBDA_RUNTIMES, key=_version_key)
        node.warn(
            f"AWS deprecated {runtime} on {LAMBDA_RUNTIMES[runtime]:%Y-%m-%d}; "
            f"consider moving to {newest}"
        )
    return runtime


def _matching_strings(node: Node, pattern: re.Pattern[str], prefix: str) -> tuple[str, ...]:
    values = node.strings()
    for index, value in enumerate(values):
        if value and not pattern.fullmatch(value):
            node.child(index).fail(
                f"{value!r} is not a valid ID", f"IDs look like {prefix}0abc1234"
            )
    return values


def _parse_managed_policies(node: Node) -> tuple[str, ...]:
    policies = node.strings()
    for index, policy in enumerate(policies):
        if policy.startswith("arn:"):
            valid = bool(ARN_RE.fullmatch(policy))
        else:
            valid = bool(POLICY_NAME_RE.fullmatch(policy))
        if policy and not valid:
            node.child(index).fail(
                f"{policy!r} is neither a policy name nor a policy ARN",
                "give an AWS managed policy name such as AWSLambdaDynamoDBExecutionRole, "
                "or a full arn:aws:iam::<account>:policy/<name>",
            )
        elif policy and not policy.startswith("arn:"):
            from .managed_policies import unknown_policy  # reads the table: only when needed

            problem = unknown_policy(policy)
            if problem:
                node.child(index).fail(*problem)
    return policies


def _parse_inline_policies(node: Node) -> dict[str, Any]:
    policies: dict[str, Any] = {}
    for name, policy in node.mapping().items():
        if not POLICY_NAME_RE.fullmatch(name):
            policy.fail(f"policy name {name!r} is not valid", "use letters, digits and +=,.@_-")
        document = policy.mapping(["Version", "Statement", "Id"])
        statements = document.get("Statement")
        if statements is None or not isinstance(statements.value, list) or not statements.value:
            policy.fail(
                "must be an IAM policy document with a Statement list",
                "write Version: '2012-10-17' and Statement: [{Effect, Action, Resource}]",
            )
        policies[name] = policy.value
    return policies


def _parse_logical_map(node: Node, required_key: str) -> dict[str, Any]:
    """cfn_resources / cfn_outputs: logical ID -> CloudFormation definition."""
    entries: dict[str, Any] = {}
    for name, entry in node.mapping().items():
        if not LOGICAL_ID_RE.fullmatch(name):
            entry.fail(f"{name!r} is not a valid logical ID", "use letters and digits only")
        if not isinstance(entry.value, dict) or required_key not in entry.value:
            entry.fail(f"must be a mapping with a {required_key} key")
        entries[name] = entry.value
    return entries


def _parse_package(node: Node) -> PackageSettings:
    entries = node.mapping(["include", "exclude"])
    include = entries["include"].strings() if "include" in entries else ()
    exclude = entries["exclude"].strings() if "exclude" in entries else ()
    if include or exclude:
        from .build.patterns import pattern_problem  # pathspec: only when there are patterns

        for key, patterns in (("include", include), ("exclude", exclude)):
            for index, pattern in enumerate(patterns):
                problem = pattern_problem(pattern, key)
                if problem:
                    node.child(key).child(index).fail(f"{pattern!r} {problem[0]}", problem[1])
    return PackageSettings(include, exclude)
