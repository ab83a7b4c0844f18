"""Deleting stacks: every resource goes, in reverse order, unless retained or refused."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError, WaiterError

from .conftest import BUCKET, Cloud

LOGGED_TASKS = """\
name: everything
function: {module: app, app: app}
stage_environments: {dev: , prod: }
aws:
  s3_bucket: everything-packages
  lambda_managed_policies: [AWSLambdaDynamoDBExecutionRole]
  lambda_inline_policies:
    read-uploads:
      Version: "2012-10-17"
      Statement:
        - {Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::uploads/*"}
wsgi: {deploy_api_gateway: true, log_stages: [dev]}
dynamodb_tables:
  tasks:
    attributes: {id: S}
    key: id
  archive:
    attributes: {id: S}
    key: id
    retain: true
"""


def test_deleting_a_stack_deletes_everything_it_created(cloud: Cloud):
    cloud.name_logging_role()
    key = cloud.upload()
    stack_id = cloud.create("everything", cloud.render(LOGGED_TASKS), Parameters=cloud.code(key))
    cloud.wait("everything", "stack_create_complete")
    ids = cloud.physical_ids("everything")

    cloud.cfn.delete_stack(StackName="everything", ClientRequestToken="bye")
    cloud.wait("everything", "stack_delete_complete")

    assert cloud.statuses(stack_id)[-2:] == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]
    assert cloud.lam.list_functions()["Functions"] == []
    assert cloud.iam.list_roles()["Roles"] == []
    assert cloud.apigw.get_rest_apis()["items"] == []
    # the function's log group is retained, as the tables with retain: true
    kept_groups = [group["logGroupName"] for group in cloud.logs.describe_log_groups()["logGroups"]]
    assert kept_groups == [f"/aws/lambda/{ids['Function']}"]
    assert sorted(cloud.ddb.list_tables()["TableNames"]) == ["dev.archive", "prod.archive"]
    assert [b["Name"] for b in cloud.s3.list_buckets()["Buckets"]] == [BUCKET]
    local = cloud.iam.list_policies(Scope="Local")["Policies"]
    assert local == []

    deleted = [
        e["LogicalResourceId"]
        for e in cloud.events(stack_id)
        if e["ResourceStatus"] == "DELETE_COMPLETE"
    ]
    assert deleted.index("DevApiStage") < deleted.index("DevApiDeployment")
    assert deleted.index("DevApiDeployment") < deleted.index("ApiRootMethod")
    assert deleted.index("ApiRootMethod") < deleted.index("Api")
    assert deleted.index("DevApiPermission") < deleted.index("DevAlias")
    assert deleted.index("DevAlias") < deleted.index("Function") < deleted.index("FunctionRole")
    skipped = [e for e in cloud.events(stack_id) if e["ResourceStatus"] == "DELETE_SKIPPED"]
    assert {e["PhysicalResourceId"] for e in skipped} == {
        "dev.archive",
        "prod.archive",
        f"/aws/lambda/{ids['Function']}",
    }
    assert ids["DevArchiveTable"] == "dev.archive"
    assert {e.get("ClientRequestToken") for e in cloud.events(stack_id)[-5:]} == {"bye"}

    with pytest.raises(ClientError, match="Stack with id everything does not exist"):
        cloud.cfn.describe_stacks(StackName="everything")
    stack = cloud.cfn.describe_stacks(StackName=stack_id)["Stacks"][0]
    assert stack["StackStatus"] == "DELETE_COMPLETE"
    assert "DeletionTime" in stack
    summaries = cloud.cfn.list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"]
    assert [s["StackId"] for s in summaries] == [stack_id]
    assert cloud.cfn.describe_stacks()["Stacks"] == []
    cloud.cfn.delete_stack(StackName="everything")
    cloud.cfn.delete_stack(StackName=stack_id)


def bucket_template(policy: str = "Delete") -> dict[str, object]:
    return {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": policy},
            "Notes": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": {"Fn::Sub": "/notes/${Bucket}"}},
            },
            "Other": {"Type": "AWS::Logs::LogGroup"},
        }
    }


def test_a_bucket_that_is_not_empty_fails_the_delete(cloud: Cloud):
    stack_id = cloud.create("files", bucket_template())
    cloud.wait("files", "stack_create_complete")
    bucket = cloud.physical_ids("files")["Bucket"]
    cloud.s3.put_object(Bucket=bucket, Key="note.txt", Body=b"keep me")
    with pytest.raises(ClientError, match="can only be specified when the stack is in the DELETE"):
        cloud.cfn.delete_stack(StackName="files", RetainResources=["Bucket"])

    cloud.cfn.delete_stack(StackName="files")
    with pytest.raises(WaiterError):
        cloud.wait("files", "stack_delete_complete")
    stack = cloud.settle("files")
    assert (stack["StackStatus"], stack["StackStatusReason"]) == (
        "DELETE_FAILED",
        "The following resource(s) failed to delete: [Bucket]. ",
    )
    status, reason = cloud.resource_events("files", "Bucket")[-1]
    assert status == "DELETE_FAILED"
    assert "The bucket you tried to delete is not empty" in reason
    assert cloud.logs.describe_log_groups()["logGroups"] == []
    remaining = cloud.cfn.list_stack_resources(StackName="files")["StackResourceSummaries"]
    assert {r["LogicalResourceId"]: r["ResourceStatus"] for r in remaining} == {
        "Bucket": "DELETE_FAILED",
        "Notes": "DELETE_COMPLETE",
        "Other": "DELETE_COMPLETE",
    }

    cloud.cfn.delete_stack(StackName="files", RetainResources=["Bucket"])
    cloud.wait("files", "stack_delete_complete")
    assert cloud.resource_events(stack_id, "Bucket")[-1] == ("DELETE_SKIPPED", None)
    assert cloud.s3.get_object(Bucket=bucket, Key="note.txt")["Body"].read() == b"keep me"


def test_emptying_the_bucket_lets_the_delete_finish(cloud: Cloud):
    cloud.create("files", bucket_template())
    cloud.wait("files", "stack_create_complete")
    bucket = cloud.physical_ids("files")["Bucket"]
    cloud.s3.put_object(Bucket=bucket, Key="note.txt", Body=b"x")
    cloud.cfn.delete_stack(StackName="files")
    assert cloud.settle("files")["StackStatus"] == "DELETE_FAILED"

    cloud.s3.delete_object(Bucket=bucket, Key="note.txt")
    cloud.cfn.delete_stack(StackName="files")
    cloud.wait("files", "stack_delete_complete")
    assert cloud.s3.list_buckets()["Buckets"] == []


def test_resources_deleted_out_of_band_count_as_deleted(cloud: Cloud):
    cloud.create("files", bucket_template())
    cloud.wait("files", "stack_create_complete")
    ids = cloud.physical_ids("files")
    cloud.s3.delete_bucket(Bucket=ids["Bucket"])
    cloud.logs.delete_log_group(logGroupName=ids["Other"])
    cloud.cfn.delete_stack(StackName="files")
    cloud.wait("files", "stack_delete_complete")


def test_termination_protection_refuses_deletion_until_lifted(cloud: Cloud):
    first = cloud.create("guarded", bucket_template("Retain"), EnableTerminationProtection=True)
    cloud.wait("guarded", "stack_create_complete")
    with pytest.raises(ClientError, match=r"cannot be deleted while TerminationProtection"):
        cloud.cfn.delete_stack(StackName="guarded")
    cloud.cfn.update_termination_protection(StackName="guarded", EnableTerminationProtection=False)
    cloud.cfn.delete_stack(StackName="guarded")
    cloud.wait("guarded", "stack_delete_complete")
    assert len(cloud.s3.list_buckets()["Buckets"]) == 1

    second = cloud.create("guarded", {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}})
    assert second != first
    cloud.wait("guarded", "stack_create_complete")
    resources = cloud.cfn.describe_stack_resources(StackName=first)["StackResources"]
    assert {r["ResourceStatus"] for r in resources} == {"DELETE_COMPLETE", "DELETE_SKIPPED"}
    body = cloud.cfn.get_template(StackName=first)["TemplateBody"]
    assert body == json.loads(json.dumps(bucket_template("Retain")))
