"""Every shape of slam.yaml, rendered by `slam template`, deploys and deletes for real."""

from __future__ import annotations

from .conftest import Cloud

EVERY_SHAPE = """\
name: every-shape
description: a project using every key
function: {module: app, app: app}
environment: {IN_LAMBDA: "1"}
stage_environments:
  dev: {DEBUG: "1"}
  staging: {DEBUG: "0"}
  prod: {DEBUG: "0"}
aws:
  s3_bucket: every-shape-packages
  lambda_timeout: 30
  lambda_memory: 256
  lambda_runtime: python3.12
  lambda_architecture: arm64
  lambda_security_groups: [sg-0123456789abcdef0]
  lambda_subnet_ids: [subnet-0123456789abcdef0]
  lambda_managed_policies: [AWSLambdaDynamoDBExecutionRole]
  lambda_inline_policies:
    queue:
      Version: "2012-10-17"
      Statement:
        - {Effect: Allow, Action: "sqs:SendMessage", Resource: {"Fn::GetAtt": [Jobs, Arn]}}
  cfn_resources:
    Jobs:
      Type: AWS::SQS::Queue
      Properties: {VisibilityTimeout: 60}
    Uploads:
      Type: AWS::S3::Bucket
      Properties:
        VersioningConfiguration: {Status: Enabled}
  cfn_outputs:
    JobsUrl: {Value: {Ref: Jobs}}
    UploadsArn: {Value: {"Fn::GetAtt": [Uploads, Arn]}}
wsgi: {deploy_api_gateway: true, log_stages: [dev, prod], base_path: /api}
dynamodb_tables:
  tasks:
    attributes: {owner: S, id: S, due: N, tag: S}
    key: [owner, id]
    read_throughput: 2
    write_throughput: 1
    local_secondary_indexes:
      by_due: {key: [owner, due], project: all}
    global_secondary_indexes:
      by_tag: {key: tag, project: [due], read_throughput: 1, write_throughput: 1}
  audit:
    attributes: {id: S}
    key: id
    retain: true
"""


def test_a_project_using_every_key_deploys_then_deletes(cloud: Cloud):
    cloud.name_logging_role()
    key = cloud.upload()
    template = cloud.render(EVERY_SHAPE)
    stack_id = cloud.create("every-shape", template, Parameters=cloud.code(key))
    cloud.wait("every-shape", "stack_create_complete")

    ids = cloud.physical_ids("every-shape")
    function = cloud.lam.get_function(FunctionName=ids["Function"])["Configuration"]
    assert (function["MemorySize"], function["Runtime"]) == (256, "python3.12")
    assert function["Environment"]["Variables"] == {"IN_LAMBDA": "1"}
    assert function["VpcConfig"]["SubnetIds"] == ["subnet-0123456789abcdef0"]
    attached = cloud.iam.list_attached_role_policies(RoleName=ids["FunctionRole"])
    assert sorted(p["PolicyArn"].rsplit("/", 1)[1] for p in attached["AttachedPolicies"]) == [
        "AWSLambdaBasicExecutionRole",
        "AWSLambdaDynamoDBExecutionRole",
        "AWSLambdaVPCAccessExecutionRole",
    ]
    queue = cloud.iam.get_role_policy(RoleName=ids["FunctionRole"], PolicyName="queue")
    assert queue["PolicyDocument"]["Statement"][0]["Resource"] == (
        "arn:aws:sqs:us-east-1:123456789012:" + ids["Jobs"].rsplit("/", 1)[1]
    )
    table = cloud.ddb.describe_table(TableName="dev.tasks")["Table"]
    assert [i["IndexName"] for i in table["LocalSecondaryIndexes"]] == ["by_due"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["by_tag"]
    stages = cloud.apigw.get_stages(restApiId=ids["Api"])["item"]
    levels = {s["stageName"]: s["methodSettings"]["*/*"]["loggingLevel"] for s in stages}
    assert levels == {"dev": "INFO", "staging": "ERROR", "prod": "INFO"}
    outputs = cloud.outputs("every-shape")
    assert outputs["JobsUrl"] == ids["Jobs"]
    assert outputs["UploadsArn"] == f"arn:aws:s3:::{ids['Uploads']}"
    versioning = cloud.s3.get_bucket_versioning(Bucket=ids["Uploads"])
    assert versioning["Status"] == "Enabled"

    cloud.cfn.delete_stack(StackName="every-shape")
    cloud.wait("every-shape", "stack_delete_complete")
    assert cloud.statuses(stack_id)[-1] == "DELETE_COMPLETE"
    assert cloud.lam.list_functions()["Functions"] == []
    assert cloud.apigw.get_rest_apis()["items"] == []
    assert sorted(cloud.ddb.list_tables()["TableNames"]) == [
        "dev.audit",
        "prod.audit",
        "staging.audit",
    ]
    buckets = [b["Name"] for b in cloud.s3.list_buckets()["Buckets"]]
    assert ids["Uploads"] not in buckets
    assert cloud.clients.client("sqs").list_queues().get("QueueUrls", []) == []
