"""The ``dynamodb`` plugin: DynamoDB tables for every stage, named ``<stage>.<table>``."""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..config import logical_id
from ..errors import UsageError
from ..schema import Node
from ..settings import CoreSettings
from ..templating import render, render_yaml
from . import InitOption, Plugin

TABLE_NAME_RE = re.compile(r"[A-Za-z0-9_.-]{1,255}")
INDEX_NAME_RE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
ATTRIBUTE_TYPES = ("S", "N", "B", "BOOL")
KEY_TYPES = ("S", "N", "B")
TABLE_KEYS = (
    "attributes",
    "key",
    "read_throughput",
    "write_throughput",
    "local_secondary_indexes",
    "global_secondary_indexes",
    "retain",
)
# Read and write items; nothing that changes or deletes the tables themselves.
TABLE_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:UpdateItem",
)
MAX_CAPACITY = 1_000_000
MAX_LOCAL_INDEXES = 5
MAX_GLOBAL_INDEXES = 20


@dataclass(frozen=True)
class Throughput:
    read: int
    write: int


@dataclass(frozen=True)
class Index:
    """A secondary index. ``projection`` is "all", or the extra attributes to project."""

    name: str
    hash_key: str
    range_key: str | None
    projection: str | tuple[str, ...]
    throughput: Throughput | None = None


@dataclass(frozen=True)
class Table:
    name: str
    attributes: Mapping[str, str]
    hash_key: str
    range_key: str | None
    throughput: Throughput | None
    local_indexes: tuple[Index, ...] = ()
    global_indexes: tuple[Index, ...] = ()
    retain: bool = False

    def key_attributes(self) -> dict[str, str]:
        """The attributes any key or index uses, with their types: what DynamoDB declares."""
        names = {self.hash_key, self.range_key}
        for index in (*self.local_indexes, *self.global_indexes):
            names |= {index.hash_key, index.range_key}
        return {name: kind for name, kind in sorted(self.attributes.items()) if name in names}


@dataclass(frozen=True)
class DynamoDbSettings:
    tables: tuple[Table, ...] = ()


class DynamoDbPlugin(Plugin[DynamoDbSettings]):
    name = "dynamodb"
    config_key = "dynamodb_tables"
    order = 20
    init_options = (
        InitOption(
            "--dynamodb-tables",
            "dynamodb_tables",
            "Comma-separated list of table names to create for each stage.",
        ),
    )

    def init_section(self, args: argparse.Namespace) -> str:
        tables = [name.strip() for name in (args.dynamodb_tables or "").split(",")]
        tables = [name for name in tables if name]
        if args.dynamodb_tables is not None and not tables:
            raise UsageError("--dynamodb-tables needs at least one table name", "e.g. tasks,users")
        return render("init/dynamodb.yaml.j2", tables=tables)

    def parse_config(self, node: Node, config: CoreSettings) -> DynamoDbSettings:
        tables = []
        ids: dict[str, str] = {}
        longest_stage = max((len(stage) for stage in config.stages), default=0)
        for name, table_node in node.mapping().items():
            if not TABLE_NAME_RE.fullmatch(name) or longest_stage + 1 + len(name) > 255:
                table_node.fail(
                    f"table name {name!r} is not valid",
                    "use letters, digits, '_', '-' and '.'; <stage>.<name> must fit in 255",
                )
            elif logical_id(name) in ids:
                table_node.fail(
                    f"tables {ids[logical_id(name)]!r} and {name!r} are too similar for "
                    "CloudFormation",
                    "rename one: table names must differ in more than case and punctuation",
                )
            ids[logical_id(name)] = name
            tables.append(_parse_table(name, table_node))
        return DynamoDbSettings(tuple(tables))

    def cloudformation(self, config: CoreSettings, settings: DynamoDbSettings) -> Mapping[str, Any]:
        from ..cloudformation import stage_names

        tables = []
        resources: list[Any] = []
        for table in settings.tables:
            for stage in stage_names(config):
                table_id = f"{stage.id}{logical_id(table.name)}Table"
                properties = table_properties(table, f"{stage.name}.{table.name}")
                tables.append({"id": table_id, "retain": table.retain, "properties": properties})
                resources.append({"Fn::GetAtt": [table_id, "Arn"]})
                resources.extend(
                    {"Fn::Sub": f"${{{table_id}.Arn}}/index/{index.name}"}
                    for index in (*table.local_indexes, *table.global_indexes)
                )
        return dict(
            render_yaml(
                "cloudformation/dynamodb.yaml.j2",
                tables=tables,
                actions=list(TABLE_ACTIONS),
                resources=resources,
            )
        )


def table_properties(table: Table, name: str) -> dict[str, Any]:
    """The AWS::DynamoDB::Table properties of one table on one stage."""
    properties: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": [
            {"AttributeName": attribute, "AttributeType": kind}
            for attribute, kind in table.key_attributes().items()
        ],
        "KeySchema": _key_schema(table.hash_key, table.range_key),
        **_billing(table.throughput),
    }
    if table.local_indexes:
        properties["LocalSecondaryIndexes"] = [_index(index) for index in table.local_indexes]
    if table.global_indexes:
        properties["GlobalSecondaryIndexes"] = [_index(index) for index in table.global_indexes]
    return properties


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def _billing(throughput: Throughput | None) -> dict[str, Any]:
    if throughput is None:
        return {"BillingMode": "PAY_PER_REQUEST"}
    return {
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {
            "ReadCapacityUnits": throughput.read,
            "WriteCapacityUnits": throughput.write,
        },
    }


def _index(index: Index) -> dict[str, Any]:
    if index.projection == "all":
        projection: dict[str, Any] = {"ProjectionType": "ALL"}
    elif index.projection:
        projection = {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(index.projection)}
    else:
        projection = {"ProjectionType": "KEYS_ONLY"}
    properties = {
        "IndexName": index.name,
        "KeySchema": _key_schema(index.hash_key, index.range_key),
        "Projection": projection,
    }
    if index.throughput is not None:
        properties["ProvisionedThroughput"] = _billing(index.throughput)["ProvisionedThroughput"]
    return properties


def _parse_table(name: str, node: Node) -> Table:
    node.mapping(TABLE_KEYS)
    attributes = _parse_attributes(node.child("attributes"))
    hash_key, range_key = _parse_key(node.child("key"), attributes, required=True)
    throughput = _parse_throughput(node)
    local_indexes = _parse_indexes(
        node.child("local_secondary_indexes"), attributes, is_global=False
    )
    global_indexes = _parse_indexes(
        node.child("global_secondary_indexes"),
        attributes,
        is_global=True,
        table_throughput=throughput,
    )
    _check_local_indexes(node.child("local_secondary_indexes"), local_indexes, hash_key, range_key)
    if len(global_indexes) > MAX_GLOBAL_INDEXES:
        node.child("global_secondary_indexes").fail(
            f"has {len(global_indexes)} indexes", f"DynamoDB allows {MAX_GLOBAL_INDEXES}"
        )
    return Table(
        name=name,
        attributes=attributes,
        hash_key=hash_key,
        range_key=range_key,
        throughput=throughput,
        local_indexes=local_indexes,
        global_indexes=global_indexes,
        retain=node.child("retain").boolean(False),
    )


def _parse_attributes(node: Node) -> dict[str, str]:
    if node.missing:
        node.fail("is required", "list the key attributes and their types, e.g. {id: S}")
    attributes = {}
    for name, kind in node.mapping().items():
        attributes[name] = kind.choice(ATTRIBUTE_TYPES, "S")
    return attributes


def _parse_key(node: Node, attributes: Mapping[str, str], required: bool) -> tuple[str, str | None]:
    """A key: one attribute name (hash) or a list of two (hash, range)."""
    names = node.strings()
    if not names or len(names) > 2:
        if required or not node.missing:
            node.fail("must name a hash key, or [hash key, range key]", "e.g. key: id")
        return "", None
    for index, name in enumerate(names):
        where = node if isinstance(node.value, str) else node.child(index)
        if name not in attributes:
            where.fail(
                f"attribute {name!r} is not defined in attributes",
                f"add it under attributes with its type, e.g. {name}: S",
            )
        elif attributes[name] not in KEY_TYPES:
            where.fail(
                f"key attribute {name!r} has type {attributes[name]}",
                "keys must be of type S, N or B",
            )
    return names[0], names[1] if len(names) == 2 else None


def _parse_throughput(node: Node) -> Throughput | None:
    """Both read and write capacity (provisioned), or neither (on-demand)."""
    read = node.child("read_throughput")
    write = node.child("write_throughput")
    if read.missing and write.missing:
        return None
    if read.missing or write.missing:
        (read if read.missing else write).fail(
            "is missing: give both read_throughput and write_throughput, or neither",
            "leave both empty for on-demand billing",
        )
        return None
    return Throughput(
        read.integer(1, 1, MAX_CAPACITY, "capacity units"),
        write.integer(1, 1, MAX_CAPACITY, "capacity units"),
    )


def _parse_indexes(
    node: Node,
    attributes: Mapping[str, str],
    *,
    is_global: bool,
    table_throughput: Throughput | None = None,
) -> tuple[Index, ...]:
    """Local or global secondary indexes. A global index may set its own throughput, and
    must when the table does (``table_throughput``; None for an on-demand table)."""
    allowed = ["key", "project", "read_throughput", "write_throughput"] if is_global else None
    indexes = []
    for name, index_node in node.mapping().items():
        index_node.mapping(allowed or ["key", "project"])
        if not INDEX_NAME_RE.fullmatch(name):
            index_node.fail(f"index name {name!r} is not valid", "use 3-255 letters, digits, _-.")
        hash_key, range_key = _parse_key(index_node.child("key"), attributes, required=True)
        throughput = _parse_throughput(index_node) if is_global else None
        if is_global:
            _check_index_billing(index_node, throughput, table_throughput)
        projection = _parse_projection(index_node.child("project"))
        indexes.append(Index(name, hash_key, range_key, projection, throughput))
    return tuple(indexes)


def _check_index_billing(
    node: Node, throughput: Throughput | None, table_throughput: Throughput | None
) -> None:
    if table_throughput is not None and throughput is None:
        node.fail(
            "needs read_throughput and write_throughput, because the table sets them",
            "give the index its own capacity, or make the table on-demand",
        )
    elif table_throughput is None and throughput is not None:
        node.fail(
            "sets throughput, but the table is on-demand",
            "remove the index's throughput, or give the table read/write throughput",
        )


def _parse_projection(node: Node) -> str | tuple[str, ...]:
    """``all``, a list of attributes, or empty (keys only)."""
    if node.value == "all":
        return "all"
    if isinstance(node.value, str):
        node.fail(f"{node.value!r} is not a projection", "use all, a list of attributes, or []")
        return ()
    return node.strings()


def _check_local_indexes(
    node: Node, indexes: tuple[Index, ...], hash_key: str, range_key: str | None
) -> None:
    if len(indexes) > MAX_LOCAL_INDEXES:
        node.fail(f"has {len(indexes)} indexes", f"DynamoDB allows {MAX_LOCAL_INDEXES}")
    for index in indexes:
        key = node.child(index.name).child("key")
        if range_key is None:
            key.fail(
                "local indexes need a table with a range key",
                "give the table key: [hash, range], or use a global index",
            )
        elif index.hash_key and index.hash_key != hash_key:
            key.fail(
                f"the hash key must be the table's hash key {hash_key!r}",
                f"write key: [{hash_key}, <range attribute>]",
            )
        elif index.range_key is None and index.hash_key:
            key.fail("local indexes need [hash key, range key]", f"e.g. [{hash_key}, created]")


plugin = DynamoDbPlugin()
