"""slam.remote reads AWS's answers, in the shapes boto3 returns them, into frozen values."""

from __future__ import annotations

import datetime

from slam.remote import (
    ChangeDetail,
    ChangeSet,
    FunctionVersion,
    LogEvent,
    ResourceChange,
    Stack,
    StackEvent,
    StackResource,
)

ARN = "arn:aws:cloudformation:us-west-2:123456789012"
STACK_ID = f"{ARN}:stack/tasks-api/8c3fe6b0-1a2b-11ef-b39e-0a5e1c2d3e4f"
CHANGE_SET_ID = f"{ARN}:changeSet/slam-deploy-1/5e1c9a1e-7d3f-4f07-a21e-2b7c1e0d9f10"
WHEN = datetime.datetime(2025, 3, 1, 12, 30, 5, 123000, tzinfo=datetime.timezone.utc)


def test_a_stack_from_describe_stacks():
    answer = {
        "StackId": STACK_ID,
        "StackName": "tasks-api",
        "Description": "tasks-api, deployed by slam",
        "Parameters": [
            {"ParameterKey": "LambdaS3Bucket", "ParameterValue": "tasks-api-j5fthi40"},
            {"ParameterKey": "DevVersion", "ParameterValue": "$LATEST"},
        ],
        "CreationTime": WHEN,
        "LastUpdatedTime": WHEN,
        "RollbackConfiguration": {},
        "StackStatus": "UPDATE_ROLLBACK_COMPLETE",
        "StackStatusReason": "The following resource(s) failed to update: [Function].",
        "DisableRollback": False,
        "NotificationARNs": [],
        "Capabilities": ["CAPABILITY_IAM"],
        "Outputs": [
            {
                "OutputKey": "FunctionName",
                "OutputValue": "tasks-api-Function-1XARPP7W4H3KR",
                "Description": "The name of the Lambda function.",
            }
        ],
        "Tags": [],
        "EnableTerminationProtection": False,
        "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
    }
    stack = Stack.from_response(answer)
    assert stack == Stack(
        stack_id=STACK_ID,
        name="tasks-api",
        status="UPDATE_ROLLBACK_COMPLETE",
        status_reason="The following resource(s) failed to update: [Function].",
        parameters={"LambdaS3Bucket": "tasks-api-j5fthi40", "DevVersion": "$LATEST"},
        outputs={"FunctionName": "tasks-api-Function-1XARPP7W4H3KR"},
    )
    assert (stack.region, stack.account) == ("us-west-2", "123456789012")


def test_a_stack_being_created_has_no_parameters_or_outputs_yet():
    answer = {
        "StackId": STACK_ID,
        "StackName": "tasks-api",
        "CreationTime": WHEN,
        "StackStatus": "REVIEW_IN_PROGRESS",
    }
    assert Stack.from_response(answer) == Stack(STACK_ID, "tasks-api", "REVIEW_IN_PROGRESS")


def test_a_change_set_from_describe_change_set_pages():
    first = {
        "ChangeSetName": "slam-deploy-1",
        "ChangeSetId": CHANGE_SET_ID,
        "StackId": STACK_ID,
        "StackName": "tasks-api",
        "Parameters": [{"ParameterKey": "DevVersion", "ParameterValue": "$LATEST"}],
        "CreationTime": WHEN,
        "ExecutionStatus": "AVAILABLE",
        "Status": "CREATE_COMPLETE",
        "NotificationARNs": [],
        "RollbackConfiguration": {},
        "Capabilities": ["CAPABILITY_IAM"],
        "Changes": [
            {
                "Type": "Resource",
                "ResourceChange": {
                    "Action": "Modify",
                    "LogicalResourceId": "DevTasksTable",
                    "PhysicalResourceId": "dev.tasks",
                    "ResourceType": "AWS::DynamoDB::Table",
                    "Replacement": "True",
                    "Scope": ["Properties"],
                    "Details": [
                        {
                            "Target": {
                                "Attribute": "Properties",
                                "Name": "KeySchema",
                                "RequiresRecreation": "Always",
                            },
                            "Evaluation": "Static",
                            "ChangeSource": "DirectModification",
                        },
                        {
                            "Target": {
                                "Attribute": "Properties",
                                "Name": "AttributeDefinitions",
                                "RequiresRecreation": "Never",
                            },
                            "Evaluation": "Static",
                            "ChangeSource": "DirectModification",
                        },
                    ],
                },
            }
        ],
        "NextToken": "page-2",
        "IncludeNestedStacks": False,
    }
    second = {
        **first,
        "NextToken": None,
        "Changes": [
            {
                "Type": "Resource",
                "ResourceChange": {
                    "PolicyAction": "Delete",
                    "Action": "Remove",
                    "LogicalResourceId": "ProdTasksTable",
                    "PhysicalResourceId": "prod.tasks",
                    "ResourceType": "AWS::DynamoDB::Table",
                    "Scope": [],
                    "Details": [],
                },
            },
            {"Type": "HookInvocation"},
        ],
    }
    assert ChangeSet.from_pages([first, second]) == ChangeSet(
        change_set_id=CHANGE_SET_ID,
        name="slam-deploy-1",
        stack_id=STACK_ID,
        stack_name="tasks-api",
        status="CREATE_COMPLETE",
        execution_status="AVAILABLE",
        changes=(
            ResourceChange(
                action="Modify",
                logical_id="DevTasksTable",
                resource_type="AWS::DynamoDB::Table",
                physical_id="dev.tasks",
                replacement="True",
                details=(
                    ChangeDetail("Properties", "KeySchema", "Always"),
                    ChangeDetail("Properties", "AttributeDefinitions", "Never"),
                ),
            ),
            ResourceChange(
                action="Remove",
                logical_id="ProdTasksTable",
                resource_type="AWS::DynamoDB::Table",
                physical_id="prod.tasks",
                policy_action="Delete",
            ),
        ),
    )


def test_a_failed_change_set_keeps_its_reason():
    answer = {
        "ChangeSetName": "slam-deploy-2",
        "ChangeSetId": CHANGE_SET_ID,
        "StackId": STACK_ID,
        "StackName": "tasks-api",
        "CreationTime": WHEN,
        "ExecutionStatus": "UNAVAILABLE",
        "Status": "FAILED",
        "StatusReason": "The submitted information didn't contain changes. Submit different "
        "information to create a change set.",
        "Changes": [],
    }
    change_set = ChangeSet.from_pages([answer])
    assert (change_set.status, change_set.execution_status, change_set.status_reason) == (
        "FAILED",
        "UNAVAILABLE",
        answer["StatusReason"],
    )


def test_a_stack_event_from_describe_stack_events():
    answer = {
        "StackId": STACK_ID,
        "EventId": "DevTasksTable-CREATE_FAILED-2025-03-01T12:30:05.123Z",
        "StackName": "tasks-api",
        "LogicalResourceId": "DevTasksTable",
        "PhysicalResourceId": "dev.tasks",
        "ResourceType": "AWS::DynamoDB::Table",
        "Timestamp": WHEN,
        "ResourceStatus": "CREATE_FAILED",
        "ResourceStatusReason": 'Resource handler returned message: "Table already exists: '
        'dev.tasks" (RequestToken: 1, HandlerErrorCode: AlreadyExists)',
        "ResourceProperties": '{"TableName":"dev.tasks"}',
        "ClientRequestToken": "slam-deploy-0f1e2d3c",
    }
    assert StackEvent.from_response(answer) == StackEvent(
        event_id="DevTasksTable-CREATE_FAILED-2025-03-01T12:30:05.123Z",
        timestamp=WHEN,
        logical_id="DevTasksTable",
        resource_type="AWS::DynamoDB::Table",
        status="CREATE_FAILED",
        reason=answer["ResourceStatusReason"],
        physical_id="dev.tasks",
        client_token="slam-deploy-0f1e2d3c",
    )


def test_a_stack_resource_from_list_stack_resources():
    answer = {
        "LogicalResourceId": "ApiBucketPolicy",
        "PhysicalResourceId": "",
        "ResourceType": "AWS::S3::BucketPolicy",
        "LastUpdatedTimestamp": WHEN,
        "ResourceStatus": "DELETE_FAILED",
        "ResourceStatusReason": "Access Denied",
        "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"},
    }
    assert StackResource.from_response(answer) == StackResource(
        "ApiBucketPolicy", "AWS::S3::BucketPolicy", "DELETE_FAILED", None, "Access Denied"
    )


def test_a_function_version_from_get_function_configuration():
    answer = {
        "FunctionName": "tasks-api-Function-1XARPP7W4H3KR",
        "FunctionArn": "arn:aws:lambda:us-west-2:123456789012:function:"
        "tasks-api-Function-1XARPP7W4H3KR:$LATEST",
        "Runtime": "python3.12",
        "CodeSize": 1843221,
        "CodeSha256": "Hc9Ji6GZ6m6PAphmPDEqvu2ZV2eh4+w4tzWVTQqfNTg=",
        "Version": "$LATEST",
        "State": "Active",
        "LastUpdateStatus": "InProgress",
    }
    assert FunctionVersion.from_response(answer) == FunctionVersion(
        "tasks-api-Function-1XARPP7W4H3KR",
        "$LATEST",
        "Hc9Ji6GZ6m6PAphmPDEqvu2ZV2eh4+w4tzWVTQqfNTg=",
        "Active",
        "InProgress",
    )


def test_a_log_event_from_filter_log_events():
    answer = {
        "logStreamName": "2025/03/01/[$LATEST]3f9c2a1b4d5e6f708192a3b4c5d6e7f8",
        "timestamp": 1740832205123,
        "message": "START RequestId: 6a1f Version: $LATEST\n",
        "ingestionTime": 1740832205456,
        "eventId": "38123456789012345678901234567890123456789012345678901234",
    }
    assert LogEvent.from_response(answer) == LogEvent(
        1740832205123,
        "START RequestId: 6a1f Version: $LATEST\n",
        "2025/03/01/[$LATEST]3f9c2a1b4d5e6f708192a3b4c5d6e7f8",
        "38123456789012345678901234567890123456789012345678901234",
    )
