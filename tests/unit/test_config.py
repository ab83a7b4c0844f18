from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from slam import config as config_module
from slam.config import (
    Config,
    check_stage,
    config_from_text,
    guess_runtime,
    load_config,
    logical_id,
)
from slam.errors import SlamError, UsageError
from slam.plugins import load_plugins
from slam.schema import ConfigError

BASE: dict[str, Any] = {
    "name": "tasks-api",
    "description": "A tasks API",
    "function": {"module": "tasks_api", "app": "app"},
    "requirements": "requirements.txt",
    "devstage": "dev",
    "environment": {"IN_LAMBDA": "1"},
    "stage_environments": {"dev": {"DEBUG": "1"}, "prod": {"DEBUG": "0"}},
    "aws": {
        "s3_bucket": "tasks-api-abcd1234",
        "lambda_timeout": 10,
        "lambda_memory": 128,
        "lambda_runtime": "python3.12",
    },
    "wsgi": {"deploy_api_gateway": True, "log_stages": ["dev"]},
    "dynamodb_tables": {"tasks": {"attributes": {"id": "S"}, "key": "id"}},
}


def build(changes: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    """BASE with dotted-key changes applied; a value of DELETE removes the key."""
    data = copy.deepcopy(BASE)
    for dotted, value in {**(changes or {}), **top}.items():
        *parents, last = dotted.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = value
    return data


DELETE = object()


def parse(data: Any) -> Config:
    return config_from_text(yaml.safe_dump(data, sort_keys=False), "slam.yaml", load_plugins())


def problems(data: Any) -> list[str]:
    """Each problem as 'message (hint: ...)'."""
    with pytest.raises(ConfigError) as caught:
        parse(data)
    return [f"{message} (hint: {hint})" for message, hint in caught.value.lines()]


def test_base_config_is_valid_and_complete():
    config = parse(BASE)
    assert config.name == "tasks-api"
    assert str(config.function) == "tasks_api:app"
    assert config.stages == ("dev", "prod")
    assert config.environment == {"IN_LAMBDA": "1"}
    assert config.stage_environments["prod"] == {"DEBUG": "0"}
    assert config.aws.lambda_architecture == "x86_64"
    assert config.plugin_settings("wsgi").log_stages == ("dev",)
    assert config.plugin_settings("dynamodb").tables[0].hash_key == "id"
    assert config.root == Path("slam.yaml").absolute().parent


def test_defaults_fill_in_what_is_left_out():
    data = {
        "name": "fizzbuzz",
        "function": {"module": "fizzbuzz", "app": "fizzbuzz"},
        "stage_environments": {"dev": None},
        "aws": {"s3_bucket": "fizzbuzz-abcd1234"},
    }
    config = parse(data)
    assert config.devstage == "dev"
    assert config.requirements == "requirements.txt"
    assert (config.aws.lambda_timeout, config.aws.lambda_memory) == (10, 128)
    assert config.aws.lambda_runtime == guess_runtime()
    assert config.plugins == ()
    assert config.description == ""


def test_sections_with_only_comments_read_as_empty():
    text = yaml.safe_dump(build(environment=DELETE, package=DELETE), sort_keys=False)
    text += "environment:\n  # KEY: value\npackage:\n  exclude:\n  include:\n"
    config = config_from_text(text, "slam.yaml", load_plugins())
    assert config.environment == {}
    assert config.package.exclude == ()


def with_variables(sections: str) -> str:
    """BASE as YAML text, with ``sections`` (environment, stage_environments) written out."""
    text = yaml.safe_dump(build(environment=DELETE, stage_environments=DELETE), sort_keys=False)
    return text + sections


def test_environment_values_keep_the_text_written():
    text = with_variables(
        "environment:\n"
        "  VERSION: 3.10\n"
        "  ZIP: 012345\n"
        "  HEX: 0x1F\n"
        "  SCIENTIFIC: 1e3\n"
        "  LIMIT: .inf\n"
        "  RETRIES: 3\n"
        "  SINCE: 2024-01-01\n"
        "  QUOTED: '3.10'\n"
        "  PLAIN: hello world\n"
        "stage_environments:\n"
        "  dev: {DEBUG: true, VERBOSE: yes, TOKEN: null, OTHER: ~, RATE: 1_000}\n"
        "  prod: {DEBUG: False, VERBOSE: off, TOKEN: '', OTHER: x, RATE: -0.50}\n"
    )
    config = config_from_text(text, "slam.yaml", load_plugins())
    assert config.environment == {
        "VERSION": "3.10",
        "ZIP": "012345",
        "HEX": "0x1F",
        "SCIENTIFIC": "1e3",
        "LIMIT": ".inf",
        "RETRIES": "3",
        "SINCE": "2024-01-01",
        "QUOTED": "3.10",
        "PLAIN": "hello world",
    }
    assert config.stage_environments == {
        "dev": {"DEBUG": "true", "VERBOSE": "yes", "TOKEN": "null", "OTHER": "~", "RATE": "1_000"},
        "prod": {"DEBUG": "False", "VERBOSE": "off", "TOKEN": "", "OTHER": "x", "RATE": "-0.50"},
    }


def test_other_settings_still_read_numbers_and_booleans():
    text = with_variables("environment: {AB: 3}\nstage_environments: {dev: , prod: }\n")
    config = config_from_text(text, "slam.yaml", load_plugins())
    assert config.aws.lambda_timeout == 10
    assert config.plugin_settings("wsgi").deploy_api_gateway is True


def test_a_shared_environment_block_merges_and_keeps_its_text():
    text = with_variables(
        "environment: &common {VERSION: 3.10, REGION_NAME: eu}\n"
        "stage_environments:\n"
        "  dev:\n"
        "    <<: *common\n"
        "    DEBUG: 1\n"
        "  prod:\n"
        "    <<: *common\n"
        "    VERSION: 3.20\n"
    )
    config = config_from_text(text, "slam.yaml", load_plugins())
    assert config.environment == {"VERSION": "3.10", "REGION_NAME": "eu"}
    assert config.stage_environments == {
        "dev": {"VERSION": "3.10", "REGION_NAME": "eu", "DEBUG": "1"},
        "prod": {"VERSION": "3.20", "REGION_NAME": "eu"},
    }


def test_a_reused_table_definition_works():
    text = yaml.safe_dump(build(dynamodb_tables=DELETE), sort_keys=False)
    text += (
        "dynamodb_tables:\n"
        "  tasks: &table\n"
        "    attributes: {id: S}\n"
        "    key: id\n"
        "  archive: *table\n"
    )
    tables = config_from_text(text, "slam.yaml", load_plugins()).plugin_settings("dynamodb").tables
    assert [(table.name, table.hash_key) for table in tables] == [
        ("tasks", "id"),
        ("archive", "id"),
    ]


@pytest.mark.parametrize(
    ("sections", "problem"),
    [
        (
            "stage_environments: {dev: , prod: }\nenvironment:\n  ON: x\n",
            "slam.yaml:{line}: environment: key 'ON' must be a string (hint: quote it: 'ON')",
        ),
        (
            "environment: {AB: x}\nstage_environments:\n  prod:\n  dev: {1: x}\n",
            "slam.yaml:{line}: stage_environments.dev: key '1' must be a string "
            "(hint: quote it: '1')",
        ),
        (
            "environment: {AB: x}\nstage_environments:\n  dev:\n  prod:\n  ~: {}\n",
            "slam.yaml:{line}: stage_environments: key '~' must be a string (hint: quote it: '~')",
        ),
    ],
)
def test_a_key_yaml_reads_as_another_type_is_named_as_written(sections: str, problem: str):
    text = with_variables(sections)
    line = len(text.splitlines())
    assert problems_in(text) == [problem.format(line=line)]


def problems_in(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config_from_text(text, "slam.yaml", load_plugins())
    return [f"{message} (hint: {hint})" for message, hint in caught.value.lines()]


def test_an_empty_variable_is_still_an_error():
    text = with_variables("environment:\n  TOKEN:\nstage_environments:\n  dev: {DEBUG: }\n")
    line = text.splitlines().index("  TOKEN:") + 1
    assert problems_in(text) == [  # stages are read first
        f"slam.yaml:{line + 2}: stage_environments.dev.DEBUG: has no value "
        '(hint: write DEBUG: "" for an empty value)',
        f"slam.yaml:{line}: environment.TOKEN: has no value "
        '(hint: write TOKEN: "" for an empty value)',
    ]


def test_the_variable_name_hint_gives_the_rules():
    (problem,) = problems(build({"environment.X": "1"}))
    assert problem.endswith(
        "environment.X: 'X' is not a valid variable name (hint: use at least two letters, "
        "digits and '_', starting with a letter, not starting with AWS_)"
    )


def test_load_config_reads_the_file(tmp_path: Path):
    path = tmp_path / "slam.yaml"
    path.write_text(yaml.safe_dump(BASE))
    assert load_config(path, load_plugins()).file == path


def test_missing_file_is_a_slam_error(tmp_path: Path):
    with pytest.raises(SlamError, match="not found"):
        load_config(tmp_path / "nope.yaml", load_plugins())


def test_a_name_too_long_for_a_stack_is_one_problem_naming_the_limit():
    assert problems(build(name="a" * 129)) == [
        "slam.yaml:1: name: is 129 characters long, more than 128 (it names the stack) "
        "(hint: shorten it to 128 characters at most)"
    ]
    assert parse(build(name="a" * 128)).name == "a" * 128  # CloudFormation's own limit
    assert problems(build(name="a_" * 70)) == [  # too long is said first, without the name
        "slam.yaml:1: name: is 140 characters long, more than 128 (it names the stack) "
        "(hint: shorten it to 128 characters at most)"
    ]


def test_a_stage_slam_yaml_does_not_have_is_one_usage_error_naming_the_stages():
    config = parse(build({"stage_environments.staging": None}))
    check_stage(config, "staging", "--stage")  # a configured stage passes
    with pytest.raises(UsageError) as mistyped:
        check_stage(config, "prdo", "--stage")
    assert mistyped.value.lines() == [
        (
            "--stage 'prdo' is not a stage of tasks-api (its stages: dev, prod, staging); "
            "did you mean 'prod'?",
            "use one of them, or add prdo under stage_environments in slam.yaml",
        )
    ]
    assert mistyped.value.exit_code == 2
    with pytest.raises(UsageError) as unknown:
        check_stage(config, "qa")  # an argument, as slam publish's STAGE: no option to name
    assert unknown.value.message == (
        "'qa' is not a stage of tasks-api (its stages: dev, prod, staging)"
    )


def test_document_must_be_a_mapping():
    assert problems(["a", "b"]) == [
        "slam.yaml:1: must be a mapping of settings "
        "(hint: run `slam init module:function` for a template)"
    ]


INVALID = [
    # (changes, key path expected in the message, words expected in the message)
    ({"name": DELETE}, "name", "is required"),
    ({"name": "my_api"}, "name", "not valid"),
    ({"name": "9lives"}, "name", "not valid"),
    ({"nmae": "x"}, "nmae", "did you mean 'name'"),
    ({"description": "x" * 300}, "description", "300 characters"),
    ({"function": DELETE}, "function", "is required"),
    ({"function.module": "tasks-api"}, "function.module", "not valid"),
    ({"function.app": "app()"}, "function.app", "not valid"),
    ({"function.ap": "x"}, "function.ap", "did you mean 'app'"),
    ({"requirements": ["a"]}, "requirements", "must be a string"),
    ({"devstage": "staging"}, "devstage", "not a configured stage"),
    ({"stage_environments": {}}, "stage_environments", "at least one stage"),
    ({"stage_environments": ["dev"]}, "stage_environments", "must be a mapping"),
    ({"stage_environments.bad stage": None}, "stage_environments.bad stage", "not valid"),
    ({"stage_environments.123": None}, "stage_environments.123", "not valid"),
    (
        {"stage_environments.my-stage": None, "stage_environments.my_stage": None},
        "stage_environments.my_stage",
        "too similar",
    ),
    ({"stage_environments.Dev": None}, "stage_environments.Dev", "too similar"),
    ({"environment.2FAST": "x"}, "environment.2FAST", "not a valid variable name"),
    ({"environment.AWS_REGION": "x"}, "environment.AWS_REGION", "not a valid variable name"),
    ({"environment.STAGE": "x"}, "environment.STAGE", "reserved"),
    ({"environment.FLAG": ["a"]}, "environment.FLAG", "must be a string, not a list"),
    ({"environment.BIG": "x" * 5000}, "environment", "holds 5013 bytes"),
    ({"aws": DELETE}, "aws.s3_bucket", "is required"),
    ({"aws.s3_bucket": "My_Bucket"}, "aws.s3_bucket", "not a valid S3 bucket name"),
    ({"aws.s3_bucket": "ab"}, "aws.s3_bucket", "not a valid S3 bucket name"),
    ({"aws.s3_bucket": "a..b"}, "aws.s3_bucket", "not a valid S3 bucket name"),
    ({"aws.s3_bucket": "192.168.1.1"}, "aws.s3_bucket", "not a valid S3 bucket name"),
    ({"aws.s3_bucket": "xn--bucket"}, "aws.s3_bucket", "not a valid S3 bucket name"),
    ({"aws.lambda_timeout": 0}, "aws.lambda_timeout", "out of range"),
    ({"aws.lambda_timeout": 901}, "aws.lambda_timeout", "out of range"),
    ({"aws.lambda_timeout": "10"}, "aws.lambda_timeout", "whole number of seconds"),
    ({"aws.lambda_timeout": True}, "aws.lambda_timeout", "whole number of seconds"),
    ({"aws.lambda_memory": 127}, "aws.lambda_memory", "out of range"),
    ({"aws.lambda_memory": 10241}, "aws.lambda_memory", "out of range"),
    ({"aws.lambda_runtime": "python2.7"}, "aws.lambda_runtime", "not one of"),
    ({"aws.lambda_architecture": "aarch64"}, "aws.lambda_architecture", "not one of"),
    ({"aws.lambda_timeuot": 3}, "aws.lambda_timeuot", "did you mean 'lambda_timeout'"),
    (
        {"aws.lambda_security_groups": ["sg-0123abcd"]},
        "aws.lambda_subnet_ids",
        "needs both security groups and subnets",
    ),
    (
        {"aws.lambda_subnet_ids": ["subnet-0123abcd"]},
        "aws.lambda_security_groups",
        "needs both security groups and subnets",
    ),
    (
        {"aws.lambda_security_groups": ["group-1"], "aws.lambda_subnet_ids": ["subnet-0123abcd"]},
        "aws.lambda_security_groups[0]",
        "not a valid ID",
    ),
    (
        {"aws.lambda_managed_policies": ["arn:aws:s3:::bucket"]},
        "aws.lambda_managed_policies[0]",
        "neither a policy name nor a policy ARN",
    ),
    (
        {"aws.lambda_managed_policies": ["has space"]},
        "aws.lambda_managed_policies[0]",
        "neither a policy name nor a policy ARN",
    ),
    (
        {"aws.lambda_managed_policies": ["AWSLambdaBasicExecutionRole", "AmazonS3ReadOnly"]},
        "aws.lambda_managed_policies[1]",
        "'AmazonS3ReadOnly' is not an AWS managed policy",
    ),
    (
        {"aws.lambda_managed_policies": "AmazonECSServiceRolePolicy"},
        "aws.lambda_managed_policies[0]",
        "policy of an AWS service-linked role",
    ),
    (
        {"aws.lambda_inline_policies": {"p": {"Version": "2012-10-17"}}},
        "aws.lambda_inline_policies.p",
        "Statement list",
    ),
    (
        {"aws.lambda_inline_policies": {"bad name": {"Statement": [{}]}}},
        "aws.lambda_inline_policies.bad name",
        "not valid",
    ),
    (
        {"aws.lambda_inline_policies": {"p": {"Statment": []}}},
        "aws.lambda_inline_policies.p.Statment",
        "did you mean 'Statement'",
    ),
    (
        {"aws.cfn_resources": {"My-Queue": {"Type": "AWS::SQS::Queue"}}},
        "aws.cfn_resources.My-Queue",
        "not a valid logical ID",
    ),
    (
        {"aws.cfn_resources": {"Queue": {"Properties": {}}}},
        "aws.cfn_resources.Queue",
        "with a Type key",
    ),
    (
        {"aws.cfn_outputs": {"QueueUrl": {"Ref": "Queue"}}},
        "aws.cfn_outputs.QueueUrl",
        "with a Value key",
    ),
    ({"package.exclude": ["../secrets"]}, "package.exclude[0]", "outside the project"),
    ({"package.include": ["/../etc/passwd"]}, "package.include[0]", "outside the project"),
    ({"package.include": ["keys\\"]}, "package.include[0]", "not a valid pattern"),
    ({"package.exclude": ["app.py", "#notes"]}, "package.exclude[1]", "matches nothing"),
    ({"package.exlude": ["x"]}, "package.exlude", "did you mean 'exclude'"),
    ({"wsgi.log_stages": ["qa"]}, "wsgi.log_stages[0]", "not a configured stage"),
    ({"wsgi.deploy_api_gateway": "yes please"}, "wsgi.deploy_api_gateway", "true or false"),
    ({"wsgi.base_path": "api/"}, "wsgi.base_path", "not a valid base path"),
    ({"wsgi.deploy_apigateway": True}, "wsgi.deploy_apigateway", "did you mean"),
]


@pytest.mark.parametrize(("changes", "key", "words"), INVALID, ids=lambda v: str(v)[:40])
def test_each_mistake_names_its_key_path(changes: dict[str, Any], key: str, words: str):
    messages = problems(build(changes))
    assert any(f": {key}: " in message and words in message for message in messages), messages
    assert all(message.startswith("slam.yaml") for message in messages)


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("exclude", "to put it back, write 'docs/keep.md' under package.include"),
        ("include", "to leave it out, write 'docs/keep.md' under package.exclude"),
    ],
)
def test_package_patterns_refuse_negation_and_point_to_the_other_list(key: str, hint: str):
    (message,) = problems(build({f"package.{key}": ["docs", "!docs/keep.md"]}))
    assert message.endswith(
        f": package.{key}[1]: '!docs/keep.md' starts with '!', and negation is not supported "
        f"here (hint: {hint})"
    )


def test_package_patterns_may_be_anchored_with_a_leading_slash():
    config = parse(build({"package.exclude": ["/docs", "docs/", "*.md"]}))
    assert config.package.exclude == ("/docs", "docs/", "*.md")


def test_errors_carry_line_numbers_and_hints():
    text = yaml.safe_dump(build({"aws.lambda_timeout": 1000}), sort_keys=False)
    with pytest.raises(ConfigError) as caught:
        config_from_text(text, "slam.yaml", load_plugins())
    line = text.splitlines().index("  lambda_timeout: 1000") + 1
    assert caught.value.message == f"slam.yaml:{line}: aws.lambda_timeout: 1000 is out of range"
    assert caught.value.hint == "use a number of seconds from 1 to 900"


def test_all_problems_are_reported_together():
    messages = problems(build({"aws.lambda_timeout": 0, "aws.lambda_memory": 1, "nmae": 1}))
    assert len(messages) == 3


def test_deprecated_runtime_warns(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(config_module.LAMBDA_RUNTIMES, "python3.12", datetime.date(2020, 1, 1))
    config = parse(BASE)
    assert config.aws.lambda_runtime == "python3.12"
    assert config.warnings == (
        "slam.yaml: aws.lambda_runtime: AWS deprecated python3.12 on 2020-01-01; "
        "consider moving to python3.14",
    )


def test_current_runtime_does_not_warn():
    assert parse(build({"aws.lambda_runtime": "python3.14"})).warnings == ()


def test_vpc_settings_are_read():
    config = parse(
        build(
            {
                "aws.lambda_security_groups": "sg-0123abcd",
                "aws.lambda_subnet_ids": ["subnet-0a1b2c3d", "subnet-1a1b2c3d"],
            }
        )
    )
    assert config.aws.lambda_security_groups == ("sg-0123abcd",)
    assert config.aws.lambda_subnet_ids == ("subnet-0a1b2c3d", "subnet-1a1b2c3d")


def test_policies_and_extra_resources_are_read():
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    config = parse(
        build(
            {
                "aws.lambda_managed_policies": [
                    "AWSLambdaDynamoDBExecutionRole",
                    "arn:aws:iam::123456789012:policy/mine",
                    "arn:aws:iam::aws:policy/SomePolicyNewerThanSlam",
                ],
                "aws.lambda_inline_policies": {"read-uploads": policy},
                "aws.cfn_resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
                "aws.cfn_outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}},
            }
        )
    )
    assert config.aws.lambda_managed_policies == (
        "AWSLambdaDynamoDBExecutionRole",
        "arn:aws:iam::123456789012:policy/mine",
        "arn:aws:iam::aws:policy/SomePolicyNewerThanSlam",
    )
    assert config.aws.lambda_inline_policies == {"read-uploads": policy}
    assert config.aws.cfn_resources == {"Queue": {"Type": "AWS::SQS::Queue"}}
    assert config.aws.cfn_outputs == {"QueueUrl": {"Value": {"Ref": "Queue"}}}


def test_an_unknown_policy_name_suggests_the_closest():
    (problem,) = problems(build({"aws.lambda_managed_policies": ["AmazonS3ReadOnlyAcess"]}))
    assert problem.endswith(
        "aws.lambda_managed_policies[0]: 'AmazonS3ReadOnlyAcess' is not an AWS managed policy "
        "(hint: did you mean 'AmazonS3ReadOnlyAccess'? Or give a policy of your own by its "
        "full ARN: arn:aws:iam::<account>:policy/<name>)"
    )


def test_logical_ids_from_names():
    assert logical_id("dev") == "Dev"
    assert logical_id("my-stage") == "MyStage"
    assert logical_id("my_stage") == "MyStage"
    assert logical_id("v2.beta") == "V2Beta"


def test_runtime_guess_follows_the_running_python():
    assert guess_runtime((3, 12)) == "python3.12"
    assert guess_runtime((3, 9)) == "python3.14"
    assert guess_runtime((4, 0)) == "python3.14"


def test_runtime_guess_skips_deprecated_runtimes():
    before, after = datetime.date(2026, 10, 30), datetime.date(2026, 10, 31)
    assert guess_runtime((3, 10), today=before) == "python3.10"
    assert guess_runtime((3, 10), today=after) == "python3.14"
