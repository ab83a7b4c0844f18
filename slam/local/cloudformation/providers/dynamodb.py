"""AWS::DynamoDB::Table, created and updated in place as CloudFormation does it.

An update changes what DynamoDB's UpdateTable can change (billing mode,
throughput, one global secondary index created or deleted, streams, encryption,
time to live...); a change of the key schema, the local indexes, the name or an
existing attribute's type replaces the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import (
    Provider,
    Provisioned,
    ResourceFailure,
    ResourceRequest,
    changed,
    named_conflict,
)

PASSED_AS_IS = (
    "AttributeDefinitions",
    "KeySchema",
    "BillingMode",
    "ProvisionedThroughput",
    "LocalSecondaryIndexes",
    "TableClass",
    "DeletionProtectionEnabled",
    "Tags",
    "OnDemandThroughput",
    "WarmThroughput",
)


class Table(Provider):
    type_name = "AWS::DynamoDB::Table"
    properties = frozenset(
        {*PASSED_AS_IS, "ContributorInsightsSpecification", "GlobalSecondaryIndexes"}
        | {"ImportSourceSpecification", "KinesisStreamSpecification", "TableName"}
        | {"PointInTimeRecoverySpecification", "ResourcePolicy", "SSESpecification"}
        | {"StreamSpecification", "TimeToLiveSpecification"}
    )
    required = frozenset({"KeySchema"})
    unemulated = frozenset(
        {"ContributorInsightsSpecification", "ImportSourceSpecification"}
        | {"KinesisStreamSpecification", "ResourcePolicy"}
    )
    create_only = frozenset({"KeySchema", "LocalSecondaryIndexes", "TableName"})
    conditional = frozenset({"AttributeDefinitions"})
    name_property = "TableName"
    attributes = frozenset({"Arn", "StreamArn"})

    def replacement(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
        return super().replacement(old, new) or _retyped(old, new)

    def recreation(self, name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
        if name == "AttributeDefinitions":
            return "Conditionally" if _retyped(old, new) else "Never"
        return super().recreation(name, old, new)

    def create(self, request: ResourceRequest) -> Provisioned:
        props = request.properties
        name = str(props.get("TableName") or request.generated_name(255))
        params = {key: props[key] for key in PASSED_AS_IS if key in props}
        if props.get("GlobalSecondaryIndexes"):
            params["GlobalSecondaryIndexes"] = [_index(i) for i in props["GlobalSecondaryIndexes"]]
        if "StreamSpecification" in props:
            params["StreamSpecification"] = _stream(props["StreamSpecification"])
        if "SSESpecification" in props:
            params["SSESpecification"] = _sse(props["SSESpecification"])
        with named_conflict(self.type_name, name):
            table = request.call("dynamodb", "create_table", TableName=name, **params)
        try:
            _time_to_live(request, name)
            _recovery(request, name)
        except ResourceFailure:
            request.call("dynamodb", "delete_table", TableName=name)
            raise
        return Provisioned(name, _table_attributes(table["TableDescription"]))

    def update(self, request: ResourceRequest) -> Provisioned:
        name = str(request.physical_id)
        _update_capacity(request, name)
        _update_indexes(request, name)
        _update_settings(request, name)
        if changed(request, "TimeToLiveSpecification"):
            _time_to_live(request, name)
        if changed(request, "PointInTimeRecoverySpecification"):
            _recovery(request, name)
        if changed(request, "Tags"):
            _retag(request, name)
        return Provisioned(name, _table_attributes(_describe(request, name)))

    def delete(self, request: ResourceRequest) -> None:
        request.call("dynamodb", "delete_table", TableName=request.physical_id)


def _retyped(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether an attribute both define has a new type: that replaces the table."""
    old_types, new_types = _attribute_types(old), _attribute_types(new)
    return any(name in old_types and old_types[name] != kind for name, kind in new_types.items())


def _attribute_types(props: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(item["AttributeName"]): str(item["AttributeType"])
        for item in props.get("AttributeDefinitions") or []
    }


def _table_attributes(table: Mapping[str, Any]) -> dict[str, Any]:
    attributes = {"Arn": table["TableArn"]}
    if table.get("LatestStreamArn"):
        attributes["StreamArn"] = table["LatestStreamArn"]
    return attributes


def _index(index: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in index.items() if key != "ContributorInsightsSpecification"}


def _stream(specification: Mapping[str, Any] | None) -> dict[str, Any]:
    if not specification:
        return {"StreamEnabled": False}
    return {"StreamEnabled": True, "StreamViewType": specification["StreamViewType"]}


def _sse(specification: Mapping[str, Any] | None) -> dict[str, Any]:
    specification = specification or {}
    result: dict[str, Any] = {"Enabled": specification.get("SSEEnabled", False)}
    for key in ("SSEType", "KMSMasterKeyId"):
        if key in specification:
            result[key] = specification[key]
    return result


def _time_to_live(request: ResourceRequest, name: str) -> None:
    specification = request.properties.get("TimeToLiveSpecification")
    previous = request.previous.get("TimeToLiveSpecification")
    if not specification and not previous:
        return
    if not specification:
        specification = {**previous, "Enabled": False}  # type: ignore[dict-item]
    request.call(
        "dynamodb",
        "update_time_to_live",
        TableName=name,
        TimeToLiveSpecification={
            "Enabled": specification.get("Enabled", False),
            "AttributeName": specification["AttributeName"],
        },
    )


def _recovery(request: ResourceRequest, name: str) -> None:
    specification = request.properties.get("PointInTimeRecoverySpecification")
    if specification is None and "PointInTimeRecoverySpecification" not in request.previous:
        return
    enabled = (specification or {}).get("PointInTimeRecoveryEnabled", False)
    request.call(
        "dynamodb",
        "update_continuous_backups",
        TableName=name,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": enabled},
    )


def _describe(request: ResourceRequest, name: str) -> dict[str, Any]:
    table: dict[str, Any] = request.call("dynamodb", "describe_table", TableName=name)["Table"]
    return table


def _units(throughput: Mapping[str, Any] | None) -> tuple[int, int]:
    throughput = throughput or {}
    return (
        int(throughput.get("ReadCapacityUnits", 0)),
        int(throughput.get("WriteCapacityUnits", 0)),
    )


def _update_capacity(request: ResourceRequest, name: str) -> None:
    """Billing mode and throughput, compared with what the table has (not what the
    stack thought it had: a rollback may start from a half-done update)."""
    table = _describe(request, name)
    props = request.properties
    mode = props.get("BillingMode", "PROVISIONED")
    actual = (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    throughput = props.get("ProvisionedThroughput")
    if mode == actual and (
        mode != "PROVISIONED" or _units(throughput) == _units(table.get("ProvisionedThroughput"))
    ):
        return
    params: dict[str, Any] = {"BillingMode": mode}
    if mode == "PROVISIONED":
        params["ProvisionedThroughput"] = throughput
        existing = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes") or []}
        updates = [
            {
                "Update": {
                    "IndexName": index,
                    "ProvisionedThroughput": settings["ProvisionedThroughput"],
                }
            }
            for index, settings in _indexes(props).items()
            if index in existing and settings.get("ProvisionedThroughput")
        ]
        if updates:
            params["GlobalSecondaryIndexUpdates"] = updates
    request.call("dynamodb", "update_table", TableName=name, **params)


def _indexes(props: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(i["IndexName"]): i for i in props.get("GlobalSecondaryIndexes") or []}


def _update_indexes(request: ResourceRequest, name: str) -> None:
    table = _describe(request, name)
    actual = {str(i["IndexName"]): i for i in table.get("GlobalSecondaryIndexes") or []}
    wanted = _indexes(request.properties)
    created = [index for index in wanted if index not in actual]
    deleted = [index for index in actual if index not in wanted]
    reshaped = [
        index
        for index in wanted.keys() & actual.keys()
        if wanted[index].get("KeySchema") != actual[index].get("KeySchema")
    ]
    if len(created) + len(deleted) + 2 * len(reshaped) > 1:
        raise ResourceFailure(
            "Cannot perform more than one GSI creation or deletion in a single update"
        )
    if created:
        request.call(
            "dynamodb",
            "update_table",
            TableName=name,
            AttributeDefinitions=request.properties["AttributeDefinitions"],
            GlobalSecondaryIndexUpdates=[{"Create": _index(wanted[created[0]])}],
        )
    if deleted:
        request.call(
            "dynamodb",
            "update_table",
            TableName=name,
            GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": deleted[0]}}],
        )
    updates = [
        {"Update": {"IndexName": index, "ProvisionedThroughput": throughput}}
        for index in sorted(wanted.keys() & actual.keys())
        if (throughput := wanted[index].get("ProvisionedThroughput"))
        and _units(throughput) != _units(actual[index].get("ProvisionedThroughput"))
    ]
    if updates:
        request.call(
            "dynamodb", "update_table", TableName=name, GlobalSecondaryIndexUpdates=updates
        )


def _update_settings(request: ResourceRequest, name: str) -> None:
    props = request.properties
    params: dict[str, Any] = {}
    if changed(request, "StreamSpecification"):
        params["StreamSpecification"] = _stream(props.get("StreamSpecification"))
    if changed(request, "SSESpecification"):
        params["SSESpecification"] = _sse(props.get("SSESpecification"))
    if changed(request, "DeletionProtectionEnabled"):
        params["DeletionProtectionEnabled"] = props.get("DeletionProtectionEnabled", False)
    if changed(request, "TableClass"):
        params["TableClass"] = props.get("TableClass", "STANDARD")
    if params:
        request.call("dynamodb", "update_table", TableName=name, **params)


def _retag(request: ResourceRequest, name: str) -> None:
    arn = _describe(request, name)["TableArn"]
    old = sorted({str(tag["Key"]) for tag in request.previous.get("Tags") or []})
    new = list(request.properties.get("Tags") or [])
    # Untag every old key first: moto 5.2.5's TagResource adds a second tag for a key.
    if old:
        request.call("dynamodb", "untag_resource", ResourceArn=arn, TagKeys=old)
    if new:
        request.call("dynamodb", "tag_resource", ResourceArn=arn, Tags=new)
