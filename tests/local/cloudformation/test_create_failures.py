"""A stack whose creation fails: the failed resource's reason, cancellations, the rollback."""

from __future__ import annotations

import pytest
from botocore.exceptions import WaiterError

from .conftest import Cloud

ROLLED_BACK = ["CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
NO_SUCH_KEY = (
    "Error occurred while GetObject. S3 Error Code: NoSuchKey. "
    "S3 Error Message: The specified key does not exist."
)


def test_missing_package_key_fails_the_function_and_rolls_the_stack_back(cloud: Cloud):
    cloud.upload()
    cloud.create("fizzbuzz", cloud.example("fizzbuzz"), Parameters=cloud.code("missing.zip"))
    with pytest.raises(WaiterError):
        cloud.wait("fizzbuzz", "stack_create_complete")

    stack = cloud.settle("fizzbuzz")
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert cloud.statuses("fizzbuzz") == ROLLED_BACK
    rollback = [
        e for e in cloud.events("fizzbuzz") if e["ResourceStatus"] == "ROLLBACK_IN_PROGRESS"
    ]
    assert rollback[0]["ResourceStatusReason"] == (
        "The following resource(s) failed to create: [Function]. Rollback requested by user."
    )
    (failed,) = [
        r for s, r in cloud.resource_events("fizzbuzz", "Function") if s == "CREATE_FAILED"
    ]
    assert NO_SUCH_KEY in failed
    assert failed.startswith('Resource handler returned message: "')
    assert cloud.resource_events("fizzbuzz", "FunctionRole") == [
        ("CREATE_IN_PROGRESS", None),
        ("CREATE_COMPLETE", None),
        ("DELETE_IN_PROGRESS", None),
        ("DELETE_COMPLETE", None),
    ]
    assert cloud.iam.list_roles()["Roles"] == []
    assert cloud.lam.list_functions()["Functions"] == []
    resources = cloud.cfn.describe_stack_resources(StackName="fizzbuzz")["StackResources"]
    assert {r["ResourceStatus"] for r in resources} == {"DELETE_COMPLETE"}


def test_taken_bucket_name_fails_and_cancels_what_runs_beside_it(cloud: Cloud):
    cloud.s3.create_bucket(Bucket="taken-name-1234")
    template = {
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "TableName": "beside",
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST",
                },
            },
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "taken-name-1234"}},
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "beside"}},
            "After": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": {"Fn::Sub": "${Bucket}-after"}},
            },
        }
    }
    cloud.create("taken", template)
    assert cloud.settle("taken")["StackStatus"] == "ROLLBACK_COMPLETE"

    assert cloud.resource_events("taken", "Bucket")[1][0] == "CREATE_FAILED"
    assert "taken-name-1234 already exists" in str(cloud.resource_events("taken", "Bucket")[1][1])
    assert cloud.resource_events("taken", "Logs") == [
        ("CREATE_IN_PROGRESS", None),
        ("CREATE_FAILED", "Resource creation cancelled"),
        ("DELETE_COMPLETE", None),
    ]
    assert cloud.resource_events("taken", "Table") == [
        ("CREATE_IN_PROGRESS", None),
        ("CREATE_COMPLETE", None),
        ("DELETE_IN_PROGRESS", None),
        ("DELETE_COMPLETE", None),
    ]
    assert cloud.resource_events("taken", "After") == []
    reason = next(
        e["ResourceStatusReason"]
        for e in cloud.events("taken")
        if e["ResourceStatus"] == "ROLLBACK_IN_PROGRESS"
    )
    assert reason.startswith("The following resource(s) failed to create: [Bucket, Logs]. ")
    assert cloud.ddb.list_tables()["TableNames"] == []
    assert cloud.logs.describe_log_groups()["logGroups"] == []
    assert [b["Name"] for b in cloud.s3.list_buckets()["Buckets"]] == ["taken-name-1234"]


USER_RESOURCE = """\
name: extra
function: {module: app, app: handler}
stage_environments: {dev: }
aws:
  s3_bucket: extra-packages
  cfn_resources:
    Uploads:
      Type: AWS::Logs::LogGroup
      Properties: {RetentionDays: 7}
"""


def test_invalid_property_in_a_users_resource_fails_it(cloud: Cloud):
    key = cloud.upload()
    cloud.create("extra", cloud.render(USER_RESOURCE), Parameters=cloud.code(key))
    assert cloud.settle("extra")["StackStatus"] == "ROLLBACK_COMPLETE"

    assert ("CREATE_FAILED", "Encountered unsupported property RetentionDays") in (
        cloud.resource_events("extra", "Uploads")
    )
    assert cloud.lam.list_functions()["Functions"] == []


MISSING_POLICY = """\
name: policies
function: {module: app, app: handler}
stage_environments: {dev: }
aws:
  s3_bucket: policy-packages
  lambda_managed_policies: [arn:aws:iam::aws:policy/NoSuchPolicy]
"""


def test_a_managed_policy_that_does_not_exist_fails_the_role(cloud: Cloud):
    key = cloud.upload()
    cloud.create("policies", cloud.render(MISSING_POLICY), Parameters=cloud.code(key))
    assert cloud.settle("policies")["StackStatus"] == "ROLLBACK_COMPLETE"

    status, reason = cloud.resource_events("policies", "FunctionRole")[1]
    assert status == "CREATE_FAILED"
    assert (
        "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable." in reason
    )
    assert "(Service: Iam, Status Code: 404" in reason
    assert cloud.iam.list_roles()["Roles"] == []


def test_disabled_rollback_leaves_create_failed_with_what_was_created(cloud: Cloud):
    cloud.create(
        "kept",
        cloud.example("fizzbuzz"),
        Parameters=cloud.code("missing.zip"),
        DisableRollback=True,
    )
    stack = cloud.settle("kept")
    assert (stack["StackStatus"], stack["StackStatusReason"]) == (
        "CREATE_FAILED",
        "The following resource(s) failed to create: [Function]. ",
    )
    assert stack["DisableRollback"] is True
    assert len(cloud.iam.list_roles()["Roles"]) == 1

    cloud.cfn.delete_stack(StackName="kept")
    cloud.wait("kept", "stack_delete_complete")
    assert cloud.iam.list_roles()["Roles"] == []


def test_on_failure_delete_removes_the_stack_after_its_rollback(cloud: Cloud):
    stack_id = cloud.create(
        "gone", cloud.example("fizzbuzz"), Parameters=cloud.code("missing.zip"), OnFailure="DELETE"
    )
    cloud.wait("gone", "stack_delete_complete")
    assert cloud.statuses(stack_id) == [*ROLLED_BACK, "DELETE_IN_PROGRESS", "DELETE_COMPLETE"]
    assert cloud.cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == (
        "DELETE_COMPLETE"
    )


def test_a_property_of_the_wrong_shape_fails_its_validation(cloud: Cloud):
    template = {
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "AttributeDefinitions": "id",
                    "BillingMode": "PAY_PER_REQUEST",
                },
            }
        }
    }
    cloud.create("shapeless", template)
    assert cloud.settle("shapeless")["StackStatus"] == "ROLLBACK_COMPLETE"
    status, reason = cloud.resource_events("shapeless", "Table")[1]
    assert status == "CREATE_FAILED"
    assert reason.startswith(
        "Properties validation failed for resource Table with message: "
        "Invalid type for parameter AttributeDefinitions"
    )
