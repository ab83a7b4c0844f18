"""AWS::ApiGateway::* resources: what API Gateway holds after each create, update and delete."""

from __future__ import annotations

import json
from typing import Any

from .conftest import Cloud

CLOUDWATCH_ROLE = {
    "Type": "AWS::IAM::Role",
    "Properties": {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "apigateway.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        "ManagedPolicyArns": [
            "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
        ],
    },
}


def api(version: int) -> dict[str, Any]:
    """A REST API with a mock method, two deployments and a logged stage."""
    first = version == 1
    api_properties: dict[str, Any] = {
        "Name": f"api-{version}",
        "BinaryMediaTypes": ["image/png"] if first else ["*/*", "application/zip"],
        "EndpointConfiguration": {"Types": ["REGIONAL"]},
        "Policy": {"Version": "2012-10-17", "Statement": [] if first else [{"Effect": "Deny"}]},
        "Tags": [{"Key": "v", "Value": str(version)}],
    }
    if first:
        api_properties["Description"] = "first"
    settings = {"ResourcePath": "/items", "HttpMethod": "GET", "LoggingLevel": "INFO"}
    if not first:
        settings["DataTraceEnabled"] = True
    return {
        "Resources": {
            "Role": CLOUDWATCH_ROLE,
            "Account": {
                "Type": "AWS::ApiGateway::Account",
                "Properties": {"CloudWatchRoleArn": {"Fn::GetAtt": ["Role", "Arn"]}},
            },
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": api_properties},
            "Items": {
                "Type": "AWS::ApiGateway::Resource",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                    "PathPart": "items",
                },
            },
            "Method": {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "ResourceId": {"Ref": "Items"},
                    "HttpMethod": "GET",
                    "AuthorizationType": "NONE" if first else "AWS_IAM",
                    "RequestParameters": {"method.request.querystring.page": False},
                    "MethodResponses": [{"StatusCode": "200"}],
                    "Integration": {
                        "Type": "MOCK",
                        "RequestTemplates": {"application/json": '{"statusCode": 200}'},
                        "IntegrationResponses": [{"StatusCode": "200"}],
                    },
                },
            },
            "Deployment": {
                "Type": "AWS::ApiGateway::Deployment",
                "DependsOn": "Method",
                "Properties": {"RestApiId": {"Ref": "Api"}, "Description": f"deployment {version}"},
            },
            "Staged": {
                "Type": "AWS::ApiGateway::Deployment",
                "DependsOn": "Method",
                "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "quick"},
            },
            "Stage": {
                "Type": "AWS::ApiGateway::Stage",
                "DependsOn": "Account",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "StageName": "live",
                    "DeploymentId": {"Ref": "Deployment" if first else "Staged"},
                    "Description": f"stage {version}",
                    "Variables": {"ONE": "1", "TWO": "2"} if first else {"ONE": "one"},
                    "TracingEnabled": not first,
                    "MethodSettings": [settings],
                    "AccessLogSetting": {
                        "DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:x",
                        "Format": "$context.requestId" if first else "$context.status",
                    },
                    "Tags": [{"Key": "stage", "Value": "live"}],
                },
            },
        },
        "Outputs": {
            "Root": {"Value": {"Fn::GetAtt": ["Api", "RootResourceId"]}},
            "DeploymentId": {"Value": {"Fn::GetAtt": ["Deployment", "DeploymentId"]}},
            "Account": {"Value": {"Ref": "Account"}},
        },
    }


def test_rest_api_resources_through_their_lifecycle(cloud: Cloud):
    cloud.create("gateway", api(1))
    cloud.wait("gateway", "stack_create_complete")
    ids = cloud.physical_ids("gateway")
    api_id = ids["Api"]
    rest_api = cloud.apigw.get_rest_api(restApiId=api_id)
    assert (rest_api["name"], rest_api["description"]) == ("api-1", "first")
    assert rest_api["binaryMediaTypes"] == ["image/png"]
    assert rest_api["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert cloud.outputs("gateway")["Root"] == rest_api["rootResourceId"]
    assert cloud.outputs("gateway")["DeploymentId"] == ids["Deployment"]
    assert cloud.outputs("gateway")["Account"].startswith("gatew-Accou-")
    method = cloud.apigw.get_method(restApiId=api_id, resourceId=ids["Items"], httpMethod="GET")
    assert method["authorizationType"] == "NONE"
    assert method["methodIntegration"]["type"] == "MOCK"
    assert list(method["methodResponses"]) == ["200"]
    stage = cloud.apigw.get_stage(restApiId=api_id, stageName="live")
    assert (stage["deploymentId"], stage["variables"]) == (
        ids["Deployment"],
        {"ONE": "1", "TWO": "2"},
    )
    assert stage["methodSettings"]["~1items/GET"]["loggingLevel"] == "INFO"
    assert stage["accessLogSettings"]["format"] == "$context.requestId"
    quick = cloud.apigw.get_stage(restApiId=api_id, stageName="quick")
    assert quick["deploymentId"] == ids["Staged"]

    cloud.update("gateway", api(2))
    cloud.wait("gateway", "stack_update_complete")
    rest_api = cloud.apigw.get_rest_api(restApiId=api_id)
    assert (rest_api["name"], rest_api.get("description", "")) == ("api-2", "")
    assert rest_api["binaryMediaTypes"] == ["*/*", "application/zip"]
    assert json.loads(rest_api["policy"])["Statement"] == [{"Effect": "Deny"}]
    method = cloud.apigw.get_method(restApiId=api_id, resourceId=ids["Items"], httpMethod="GET")
    assert method["authorizationType"] == "AWS_IAM"
    stage = cloud.apigw.get_stage(restApiId=api_id, stageName="live")
    assert (stage["deploymentId"], stage["variables"]) == (ids["Staged"], {"ONE": "one"})
    assert (stage["description"], stage["tracingEnabled"]) == ("stage 2", True)
    assert stage["methodSettings"]["~1items/GET"]["dataTraceEnabled"] is True
    deployment = cloud.apigw.get_deployment(restApiId=api_id, deploymentId=ids["Deployment"])
    assert deployment["description"] == "deployment 2"

    cloud.cfn.delete_stack(StackName="gateway")
    cloud.wait("gateway", "stack_delete_complete")
    assert cloud.apigw.get_rest_apis()["items"] == []
    assert cloud.apigw.get_account()["cloudwatchRoleArn"].endswith(ids["Role"])
