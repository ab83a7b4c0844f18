"""Buckets, bucket policies, log groups, table settings and types through moto's models."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import Cloud


def bucket(version: int) -> dict[str, Any]:
    first = version == 1
    properties: dict[str, Any] = {"BucketName": "kept-files-1234"}
    if first:
        properties.update(
            VersioningConfiguration={"Status": "Enabled"},
            Tags=[{"Key": "v", "Value": "1"}],
            BucketEncryption={
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            PublicAccessBlockConfiguration={"BlockPublicAcls": True, "BlockPublicPolicy": True},
            OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            CorsConfiguration={
                "CorsRules": [
                    {
                        "AllowedMethods": ["GET"],
                        "AllowedOrigins": ["*"],
                        "ExposedHeaders": ["ETag"],
                        "MaxAge": 60,
                    }
                ]
            },
        )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny" if first else "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::kept-files-1234/*",
            }
        ],
    }
    return {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": properties},
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": policy},
            },
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"RetentionInDays": 5, "Tags": [{"Key": "v", "Value": "1"}]}
                if first
                else {"Tags": [{"Key": "w", "Value": "2"}]},
            },
        },
        "Outputs": {
            name: {"Value": {"Fn::GetAtt": ["Bucket", name]}}
            for name in ("Arn", "DomainName", "RegionalDomainName", "WebsiteURL")
        },
    }


def test_buckets_bucket_policies_and_log_groups_through_their_lifecycle(cloud: Cloud):
    cloud.create("files", bucket(1))
    cloud.wait("files", "stack_create_complete")
    name = "kept-files-1234"
    assert cloud.s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    assert cloud.s3.get_bucket_tagging(Bucket=name)["TagSet"] == [{"Key": "v", "Value": "1"}]
    rules = cloud.s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]
    assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert cloud.s3.get_bucket_cors(Bucket=name)["CORSRules"][0]["MaxAgeSeconds"] == 60
    assert (
        json.loads(cloud.s3.get_bucket_policy(Bucket=name)["Policy"])["Statement"][0]["Effect"]
        == "Deny"
    )
    assert cloud.outputs("files") == {
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.us-east-1.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-us-east-1.amazonaws.com",
    }
    group = cloud.logs.describe_log_groups()["logGroups"][0]
    assert group["retentionInDays"] == 5

    cloud.update("files", bucket(2))
    cloud.wait("files", "stack_update_complete")
    assert cloud.s3.get_bucket_versioning(Bucket=name)["Status"] == "Suspended"
    for read in (cloud.s3.get_bucket_tagging, cloud.s3.get_bucket_cors):
        with pytest.raises(ClientError):
            read(Bucket=name)
    assert (
        json.loads(cloud.s3.get_bucket_policy(Bucket=name)["Policy"])["Statement"][0]["Effect"]
        == "Allow"
    )
    group = cloud.logs.describe_log_groups()["logGroups"][0]
    assert "retentionInDays" not in group
    tags = cloud.logs.list_tags_log_group(logGroupName=group["logGroupName"])["tags"]
    assert tags == {"w": "2"}

    cloud.cfn.delete_stack(StackName="files")
    cloud.wait("files", "stack_delete_complete")
    assert cloud.s3.list_buckets()["Buckets"] == []


def test_properties_the_local_aws_does_not_emulate_fail_the_resource(cloud: Cloud):
    template = {
        "Resources": {
            "Site": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"WebsiteConfiguration": {"IndexDocument": "index.html"}},
            }
        }
    }
    cloud.create("site", template)
    assert cloud.settle("site")["StackStatus"] == "ROLLBACK_COMPLETE"
    assert (
        "CREATE_FAILED",
        "Property WebsiteConfiguration of AWS::S3::Bucket is not emulated by the local AWS",
    ) in cloud.resource_events("site", "Site")


def test_a_log_group_that_exists_already_fails_as_aws_says(cloud: Cloud):
    cloud.logs.create_log_group(logGroupName="/taken")
    template = {
        "Resources": {
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/taken"}}
        }
    }
    cloud.create("taken", template)
    assert cloud.settle("taken")["StackStatus"] == "ROLLBACK_COMPLETE"
    _, reason = cloud.resource_events("taken", "Logs")[1]
    assert reason == (
        "Resource handler returned message: \"Resource of type 'AWS::Logs::LogGroup' with "
        f"identifier '/taken' already exists.\" {reason[reason.index('(RequestToken') :]}"
    )
    assert reason.endswith("HandlerErrorCode: AlreadyExists)")
    assert cloud.logs.describe_log_groups()["logGroups"][0]["logGroupName"] == "/taken"


def test_a_log_group_deleted_out_of_band_fails_its_update(cloud: Cloud):
    template: dict[str, Any] = {
        "Resources": {
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/gone"}}
        }
    }
    cloud.create("gone", template)
    cloud.wait("gone", "stack_create_complete")
    cloud.logs.delete_log_group(logGroupName="/gone")
    template["Resources"]["Logs"]["Properties"]["RetentionInDays"] = 3
    cloud.update("gone", template)
    assert cloud.settle("gone")["StackStatus"] == "UPDATE_ROLLBACK_FAILED"
    reason = cloud.resource_events("gone", "Logs")[3][1]
    assert "Resource of type 'AWS::Logs::LogGroup' with identifier '/gone' was not found." in reason


def table(version: int) -> dict[str, Any]:
    first = version == 1
    properties: dict[str, Any] = {
        "AttributeDefinitions": [
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "sort", "AttributeType": "S"},
            {"AttributeName": "other", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "id", "KeyType": "HASH"},
            {"AttributeName": "sort", "KeyType": "RANGE"},
        ],
        "LocalSecondaryIndexes": [
            {
                "IndexName": "by_other",
                "KeySchema": [
                    {"AttributeName": "id", "KeyType": "HASH"},
                    {"AttributeName": "other", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "other_index",
                "KeySchema": [{"AttributeName": "other", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
                **(
                    {}
                    if first
                    else {
                        "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}
                    }
                ),
            }
        ],
        "BillingMode": "PAY_PER_REQUEST" if first else "PROVISIONED",
        "Tags": [{"Key": "v", "Value": str(version)}],
        "TableClass": "STANDARD" if first else "STANDARD_INFREQUENT_ACCESS",
        "DeletionProtectionEnabled": False,
    }
    if first:
        properties.update(
            StreamSpecification={"StreamViewType": "NEW_IMAGE"},
            SSESpecification={"SSEEnabled": True, "SSEType": "KMS"},
            TimeToLiveSpecification={"AttributeName": "expires", "Enabled": True},
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    else:
        properties["ProvisionedThroughput"] = {"ReadCapacityUnits": 3, "WriteCapacityUnits": 3}
    return {
        "Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": properties}},
        "Outputs": {"Stream": {"Value": {"Fn::GetAtt": ["Table", "StreamArn"]}}} if first else {},
    }


def test_table_settings_through_their_lifecycle(cloud: Cloud):
    cloud.create("settings", table(1))
    cloud.wait("settings", "stack_create_complete")
    name = cloud.physical_ids("settings")["Table"]
    description = cloud.ddb.describe_table(TableName=name)["Table"]
    assert description["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    assert cloud.outputs("settings")["Stream"] == description["LatestStreamArn"]
    ttl = cloud.ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED"
    backups = cloud.ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"

    cloud.update("settings", table(2))
    cloud.wait("settings", "stack_update_complete")
    description = cloud.ddb.describe_table(TableName=name)["Table"]
    assert description["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert description["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert (
        description["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["ReadCapacityUnits"] == 2
    )
    assert description.get("StreamSpecification", {}).get("StreamEnabled", False) is False
    ttl = cloud.ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "DISABLED"
    tags = cloud.ddb.list_tags_of_resource(ResourceArn=description["TableArn"])["Tags"]
    assert tags == [{"Key": "v", "Value": "2"}]


def test_other_types_go_through_motos_models(cloud: Cloud):
    def template(timeout: int) -> dict[str, Any]:
        return {
            "Resources": {
                "Queue": {
                    "Type": "AWS::SQS::Queue",
                    "Properties": {"QueueName": "jobs", "VisibilityTimeout": timeout},
                },
                "Network": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
                "Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
            },
            "Outputs": {"Queue": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}}},
        }

    cloud.create("moto", template(30))
    cloud.wait("moto", "stack_create_complete")
    sqs = cloud.clients.client("sqs")
    url = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
    assert cloud.outputs("moto")["Queue"] == "arn:aws:sqs:us-east-1:123456789012:jobs"
    assert cloud.physical_ids("moto")["Handle"].startswith(
        "https://cloudformation-waitcondition-us-east-1.s3.amazonaws.com/"
    )

    cloud.update("moto", template(60))
    cloud.wait("moto", "stack_update_complete")
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])
    assert attributes["Attributes"]["VisibilityTimeout"] == "60"

    changed = template(60)
    changed["Resources"]["Network"]["Properties"]["InstanceTenancy"] = "default"
    cloud.update("moto", changed)
    assert cloud.settle("moto")["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert (
        "UPDATE_FAILED",
        "The local AWS cannot update AWS::EC2::VPC resources in place",
    ) in cloud.resource_events("moto", "Network")

    broken = template(60)
    broken["Resources"]["Other"] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {"QueueName": "plain", "FifoQueue": True},
    }
    cloud.update("moto", broken)
    assert cloud.settle("moto")["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert cloud.resource_events("moto", "Other")[1] == (
        "CREATE_FAILED",
        "Queue name must end in .fifo for FIFO queues",
    )

    cloud.cfn.delete_stack(StackName="moto")
    cloud.wait("moto", "stack_delete_complete")
    assert sqs.list_queues().get("QueueUrls", []) == []
