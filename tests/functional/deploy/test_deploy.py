"""``slam deploy``: what it prints, what AWS holds afterwards, and what a deploy with
nothing (or little) to do costs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import Cloud, Project, function_name

pytestmark = pytest.mark.slow  # builds packages and deploys stacks


def status_block(cloud: Cloud, name: str, stages: dict[str, str]) -> str:
    """The status block, from what the stack holds (read with boto3)."""
    stack = cloud.stack(name)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    lines = [
        f"{name} is deployed!",
        f"  Function name: {outputs['FunctionName']}",
        f"  S3 bucket: {parameters['LambdaS3Bucket']}",
        "  Stages:",
        *(f"    {stage}:{version}" for stage, version in stages.items()),
    ]
    return "\n".join(lines) + "\n"


def package_keys(cloud: Cloud, project: Project) -> list[str]:
    return [key for key in cloud.keys(project.bucket) if key.endswith(".zip")]


def test_a_first_deploy_prints_the_seeds_lines_and_creates_everything(
    project: Project, cloud: Cloud
):
    result = project.slam("deploy")

    assert result.code == 0, result.err
    block = status_block(cloud, "demo", {"dev": "$LATEST", "prod": "$LATEST"})
    assert result.out == "Building lambda package...\nDeploying demo:dev...\n" + block
    err = result.err.splitlines()
    assert (
        "About to change AWS account 123456789012, region us-east-1, stack demo "
        "(as arn:aws:sts::123456789012:user/moto)."
    ) in err
    assert "Creating bucket demo-packages in us-east-1..." in err
    assert "Changes to stack demo: 5 to add" in err
    assert "  + Function          AWS::Lambda::Function" in err
    assert "Function (AWS::Lambda::Function) CREATE_COMPLETE" in err
    assert err[-1] == "demo (AWS::CloudFormation::Stack) CREATE_COMPLETE"

    (key,) = package_keys(cloud, project)
    assert cloud.parameters("demo")["LambdaS3Key"] == key
    s3 = cloud.client("s3")
    blocked = s3.get_public_access_block(Bucket=project.bucket)["PublicAccessBlockConfiguration"]
    assert all(blocked.values())
    rules = s3.get_bucket_encryption(Bucket=project.bucket)["ServerSideEncryptionConfiguration"]
    assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    answer = cloud.client("lambda").invoke(FunctionName=f"{function_name(result.out)}:dev")
    assert json.loads(answer["Payload"].read()) == "one"


def test_a_second_deploy_with_nothing_changed_does_nothing_in_two_calls(
    project: Project, cloud: Cloud
):
    first = project.slam("deploy")
    package = next((project.root / ".slam" / "build").glob("lambda_package.*.zip"))
    built = package.stat().st_mtime_ns
    cloud.forget_calls()

    second = project.slam("deploy")

    assert second.code == 0, second.err
    assert second.out == first.out
    assert second.err == "demo:dev is up to date: nothing to deploy.\n"
    calls = [(call.method, call.service) for call in cloud.slam_calls()]
    # HeadObject for the package, DescribeStacks for the stack and the status block
    assert calls == [("HEAD", "s3"), ("POST", "cloudformation")]
    assert package.stat().st_mtime_ns == built


def test_changing_only_the_memory_updates_the_stack_without_building_or_uploading(
    project: Project, cloud: Cloud
):
    project.slam("deploy")
    keys = package_keys(cloud, project)
    project.configure(memory=256)
    cloud.forget_calls()

    result = project.slam("deploy")

    assert result.code == 0, result.err
    assert "has been built" not in result.err
    assert "Uploading" not in result.err
    assert "Changes to stack demo: 1 to modify" in result.err
    assert not [call for call in cloud.slam_calls() if call.method == "PUT"]
    assert package_keys(cloud, project) == keys
    function = cloud.client("lambda").get_function(FunctionName=function_name(result.out))
    assert function["Configuration"]["MemorySize"] == 256


def test_a_code_change_is_one_upload_and_one_update_and_the_old_package_goes(
    project: Project, cloud: Cloud
):
    project.slam("deploy")
    (old,) = package_keys(cloud, project)
    project.answer("two")
    cloud.forget_calls()

    result = project.slam("deploy")

    assert result.code == 0, result.err
    puts = [call.path for call in cloud.slam_calls() if call.method == "PUT"]
    (new,) = package_keys(cloud, project)
    assert puts == [f"/{project.bucket}/{new}"]
    assert new != old
    executions = [line for line in result.err.splitlines() if "UPDATE_IN_PROGRESS: User" in line]
    assert executions == ["demo (AWS::CloudFormation::Stack) UPDATE_IN_PROGRESS: User Initiated"]
    assert "Removed 1 older package from s3://demo-packages/demo/." in result.err
    assert "prod runs $LATEST too, so the new code reaches it as well." in result.err
    answer = cloud.client("lambda").invoke(FunctionName=f"{function_name(result.out)}:prod")
    assert json.loads(answer["Payload"].read()) == "two"


def test_a_fresh_clone_rebuilds_but_uploads_and_updates_nothing(project: Project, cloud: Cloud):
    project.slam("deploy")
    shutil.rmtree(project.root / ".slam")
    cloud.forget_calls()

    result = project.slam("deploy")

    assert result.code == 0, result.err
    assert "has been built successfully" in result.err
    assert result.err.endswith("demo:dev is up to date: nothing to deploy.\n")
    assert [(call.method, call.service) for call in cloud.slam_calls()] == [
        ("HEAD", "s3"),
        ("POST", "cloudformation"),
    ]


def test_no_lambda_deploys_the_configuration_with_the_package_the_stack_runs(
    project: Project, cloud: Cloud
):
    refused = project.slam("deploy", "--no-lambda")
    assert refused.code == 1
    assert refused.err.splitlines()[-2:] == [
        "slam: error: --no-lambda deploys the package stack demo runs, and there is no "
        "such stack yet",
        "hint: deploy once without --no-lambda",
    ]

    project.slam("deploy")
    key = cloud.parameters("demo")["LambdaS3Key"]
    manifest = project.root / ".slam" / "build" / "package.json"
    built = manifest.stat().st_mtime_ns
    project.configure(stages="dev: , prod: , staging: ")
    project.answer("a change --no-lambda leaves out")
    result = project.slam("deploy", "--no-lambda")

    assert result.code == 0, result.err
    assert not result.out.startswith("Building")
    assert "    staging:$LATEST\n" in result.out
    assert cloud.parameters("demo")["LambdaS3Key"] == key
    assert manifest.stat().st_mtime_ns == built  # no build


def test_lambda_package_deploys_the_given_zip(project: Project, cloud: Cloud, tmp_path: Path):
    project.slam("build")
    given = tmp_path / "given.zip"
    shutil.copy(next((project.root / ".slam" / "build").glob("lambda_package.*.zip")), given)
    project.answer("not this one")

    result = project.slam("deploy", "--lambda-package", str(given))

    assert result.code == 0, result.err
    assert result.out.startswith("Deploying demo:dev...\n")
    assert "Uploading given.zip" in result.err
    answer = cloud.client("lambda").invoke(FunctionName=f"{function_name(result.out)}:dev")
    assert json.loads(answer["Payload"].read()) == "one"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--stage", "qa"], "slam: error: --stage 'qa' is not a stage of demo (its stages: "),
        (["--lambda-package", "missing.zip"], "slam: error: --lambda-package missing.zip"),
    ],
)
def test_bad_options_are_refused_before_anything_happens(
    project: Project, cloud: Cloud, argv: list[str], message: str
):
    result = project.slam("deploy", *argv)
    assert result.code == 2
    assert result.err.startswith(message)
    assert result.out == ""
    assert cloud.slam_calls() == []
    assert not (project.root / ".slam" / "build").exists()


def test_missing_credentials_stop_the_deploy_before_the_build(
    project: Project, cloud: Cloud, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = project.slam("deploy")
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        "slam: error: no AWS credentials found",
        "hint: run `aws configure`, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass "
        "--profile",
    ]
    assert not (project.root / ".slam" / "build").exists()


def test_a_deploy_to_another_stage_moves_only_that_stage(project: Project, cloud: Cloud):
    project.slam("deploy")
    assert project.slam("publish", "prod").code == 0
    project.answer("two")

    result = project.slam("deploy", "--stage", "prod")

    assert result.code == 0, result.err
    assert "Deploying demo:prod...\n" in result.out
    assert "    dev:$LATEST\n    prod:$LATEST\n" in result.out
    assert "dev runs $LATEST too, so the new code reaches it as well." in result.err


def test_force_asks_cloudformation_even_when_the_stack_records_this_deploy(
    project: Project, cloud: Cloud
):
    project.slam("deploy")
    result = project.slam("deploy", "--force")
    assert result.code == 0, result.err
    assert "CloudFormation found nothing to change in stack demo." in result.err
    change_sets = cloud.client("cloudformation").list_change_sets(StackName="demo")
    # the first deploy's, executed; the one that found nothing was deleted
    assert [c["ExecutionStatus"] for c in change_sets["Summaries"]] == ["EXECUTE_COMPLETE"]
