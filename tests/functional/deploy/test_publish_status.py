"""``slam publish`` and ``slam status`` on a deployed project."""

from __future__ import annotations

import json

import pytest

from .conftest import Cloud, Project, function_name

pytestmark = pytest.mark.slow  # builds packages and deploys stacks


def invoke(cloud: Cloud, function: str, stage: str) -> str:
    answer = cloud.client("lambda").invoke(FunctionName=f"{function}:{stage}")
    return str(json.loads(answer["Payload"].read()))


def test_status_before_any_deploy_says_so_and_fails(project: Project, cloud: Cloud):
    result = project.slam("status")
    assert (result.code, result.out, result.err) == (1, "demo has not been deployed yet.\n", "")
    as_json = project.slam("status", "--json")
    assert as_json.code == 1
    assert json.loads(as_json.out) == {"name": "demo", "deployed": False}
    assert [(call.method, call.service) for call in cloud.slam_calls()] == [
        ("POST", "cloudformation")
    ] * 2


def test_status_prints_the_deploys_block_and_json_for_scripts(project: Project, cloud: Cloud):
    deployed = project.slam("deploy")
    result = project.slam("status")
    assert (result.code, result.err) == (0, "")
    assert result.out == deployed.out.split("Deploying demo:dev...\n")[1]
    facts = json.loads(project.slam("status", "--json").out)
    assert facts == {
        "name": "demo",
        "deployed": True,
        "stack_status": "CREATE_COMPLETE",
        "region": "us-east-1",
        "account": "123456789012",
        "function_name": function_name(deployed.out),
        "s3_bucket": "demo-packages",
        "stages": {
            "dev": {"version": "$LATEST", "url": None},
            "prod": {"version": "$LATEST", "url": None},
        },
        "plugin_lines": [],
    }


def test_a_stack_whose_first_deploy_failed_has_not_been_deployed(project: Project, cloud: Cloud):
    project.configure(
        '  cfn_resources: {Broken: {Type: "AWS::Logs::LogGroup", Properties: {Retention: 3}}}\n'
    )
    assert project.slam("deploy").code == 1
    result = project.slam("status")
    assert result.code == 1
    assert result.out == "demo has not been deployed yet.\n"
    assert result.err.startswith("Note: stack demo is ROLLBACK_COMPLETE")
    facts = json.loads(project.slam("status", "--json").out)
    assert facts == {"name": "demo", "deployed": False, "stack_status": "ROLLBACK_COMPLETE"}


def test_publish_freezes_dev_and_moves_only_the_target_stage(project: Project, cloud: Cloud):
    deployed = project.slam("deploy")
    function = function_name(deployed.out)

    result = project.slam("publish", "prod")

    assert result.code == 0, result.err
    assert result.out == (
        "Publishing demo:dev to prod...\n"
        "demo is deployed!\n"
        f"  Function name: {function}\n"
        "  S3 bucket: demo-packages\n"
        "  Stages:\n"
        "    dev:$LATEST\n"
        "    prod:1\n"
    )
    assert f"dev's code is version 1 of function {function}." in result.err
    assert "ProdAlias (AWS::Lambda::Alias) UPDATE_COMPLETE" in result.err
    template_before = cloud.client("cloudformation").get_template(StackName="demo")
    assert cloud.parameters("demo")["ProdVersion"] == "1"

    project.answer("two")
    assert project.slam("deploy").code == 0
    assert (invoke(cloud, function, "dev"), invoke(cloud, function, "prod")) == ("two", "one")
    assert cloud.parameters("demo")["ProdVersion"] == "1"  # a deploy keeps prod where it is

    again = project.slam("publish", "prod")
    assert "    prod:2\n" in again.out
    assert invoke(cloud, function, "prod") == "two"
    after = cloud.client("cloudformation").get_template(StackName="demo")
    assert after["TemplateBody"] == template_before["TemplateBody"]


def test_publishing_what_a_stage_already_runs_changes_nothing(project: Project, cloud: Cloud):
    project.configure(stages="dev: , staging: , prod: ")
    project.slam("deploy")
    project.slam("publish", "staging")
    project.slam("publish", "prod", "--version", "staging")
    cloud.forget_calls()

    result = project.slam("publish", "prod", "--version", "staging")

    assert result.code == 0, result.err
    assert result.err == "prod already runs the version staging runs.\n"
    assert "    prod:1\n    staging:1\n" in result.out
    assert [(call.method, call.service) for call in cloud.slam_calls()] == [
        ("POST", "cloudformation")  # DescribeStacks: the check and the status block
    ]
    numbered = project.slam("publish", "staging", "--version", "1")
    assert (numbered.code, numbered.err) == (0, "staging already runs version 1.\n")


@pytest.mark.parametrize(
    ("argv", "code", "error"),
    [
        (["dev"], 2, "slam: error: stage dev cannot be published to itself"),
        (["qa"], 2, "slam: error: 'qa' is not a stage of demo (its stages: "),
        (["prdo"], 2, "slam: error: 'prdo' is not a stage of demo ("),
        (["prod", "--version", "qa"], 2, "slam: error: --version 'qa' is not a stage of demo ("),
        (["prod", "--version", "7"], 1, "slam: error: version 7 of function demo-Function-"),
    ],
)
def test_publish_refuses_what_cannot_be_published(
    project: Project, cloud: Cloud, argv: list[str], code: int, error: str
):
    project.slam("deploy")
    result = project.slam("publish", *argv)
    assert result.code == code
    assert result.err.splitlines()[-2].startswith(error)
    assert cloud.parameters("demo")["ProdVersion"] == "$LATEST"


def test_publish_before_any_deploy_says_to_deploy_first(project: Project, cloud: Cloud):
    result = project.slam("publish", "prod")
    assert result.code == 1
    assert result.err.splitlines() == [
        "slam: error: demo has not been deployed yet.",
        "hint: run `slam deploy` first",
    ]


def test_a_stage_added_since_the_last_deploy_cannot_be_published_to(project: Project, cloud: Cloud):
    project.slam("deploy")
    project.configure(stages="dev: , prod: , staging: ")
    result = project.slam("publish", "staging")
    assert result.code == 1
    assert result.err.splitlines()[-2:] == [
        "slam: error: stage staging is not deployed yet",
        "hint: run `slam deploy` to deploy the stages slam.yaml added, then publish",
    ]


def test_plugins_add_lines_to_the_status(project: Project, cloud: Cloud, install_plugin):
    install_plugin(
        "greeting",
        "greeting_plugin",
        "from slam.plugins import Plugin\n"
        "class Greeting(Plugin):\n"
        "    name = 'greeting'\n"
        "    config_key = 'greeting'\n"
        "    def status_lines(self, config, settings, outputs):\n"
        "        return [f\"  Greeting: {settings['text']} from {outputs['FunctionName']}\"]\n"
        "plugin = Greeting()\n",
    )
    project.configure("greeting: {text: hello}\n")
    deployed = project.slam("deploy")
    line = f"  Greeting: hello from {function_name(deployed.out)}"
    assert deployed.out.endswith(f"    prod:$LATEST\n{line}\n")
    assert project.slam("status").out.endswith(f"{line}\n")
    assert json.loads(project.slam("status", "--json").out)["plugin_lines"] == [line]
