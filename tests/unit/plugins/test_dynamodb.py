from __future__ import annotations

from typing import Any

import pytest
import yaml

from slam.config import config_from_text
from slam.plugins import load_plugins
from slam.plugins.dynamodb import Index, Table, Throughput
from slam.schema import ConfigError

CORE = """
name: api
function: {module: api, app: app}
stage_environments: {dev: , prod: }
aws: {s3_bucket: api-abcd1234}
"""

SEED_EXAMPLE = """
dynamodb_tables:
  # a simple table with "id" as hash key
  mytable:
    attributes:
      id: "S"
    key: "id"
    read_throughput: 1
    write_throughput: 1

  # a more complex table with hash/sort keys and secondary indexes
  mytable2:
    attributes:
      id: "S"
      name: "S"
      age: "N"
    key: ["id", "name"]
    read_throughput: 1
    write_throughput: 1
    local_secondary_indexes:
      myindex:
        key: ["id", "age"]
        project: ["name"]
    global_secondary_indexes:
      myindex2:
        key: ["age", "name"]
        project: "all"
        read_throughput: 1
        write_throughput: 1
"""


def tables(section: str) -> tuple[Table, ...]:
    return (
        config_from_text(CORE + section, "slam.yaml", load_plugins())
        .plugin_settings("dynamodb")
        .tables
    )


def problems(tables_section: dict[str, Any]) -> list[str]:
    text = CORE + yaml.safe_dump({"dynamodb_tables": tables_section})
    with pytest.raises(ConfigError) as caught:
        config_from_text(text, "slam.yaml", load_plugins())
    return [f"{message} (hint: {hint})" for message, hint in caught.value.lines()]


def test_the_documented_example_is_valid():
    simple, complex_ = tables(SEED_EXAMPLE)
    assert simple == Table("mytable", {"id": "S"}, "id", None, Throughput(1, 1))
    assert (complex_.hash_key, complex_.range_key) == ("id", "name")
    assert complex_.local_indexes == (Index("myindex", "id", "age", ("name",)),)
    assert complex_.global_indexes == (Index("myindex2", "age", "name", "all", Throughput(1, 1)),)
    assert complex_.key_attributes() == {"age": "N", "id": "S", "name": "S"}


def test_on_demand_table_with_keys_only_index_and_retain():
    (table,) = tables(
        """
dynamodb_tables:
  tasks:
    attributes: {id: S, owner: S, done: BOOL}
    key: id
    global_secondary_indexes:
      by_owner:
        key: owner
        project:
    retain: true
"""
    )
    assert table.throughput is None
    assert table.global_indexes == (Index("by_owner", "owner", None, ()),)
    assert table.retain is True
    assert table.key_attributes() == {"id": "S", "owner": "S"}


def test_empty_section_enables_the_plugin_with_no_tables():
    assert tables("dynamodb_tables:\n") == ()


KEYED = {"attributes": {"id": "S", "name": "S", "age": "N"}, "key": ["id", "name"]}

INVALID = [
    ({"t": {"key": "id"}}, "dynamodb_tables.t.attributes", "is required"),
    ({"t": {"attributes": {"id": "S"}}}, "dynamodb_tables.t.key", "must name a hash key"),
    (
        {"t": {"attributes": {"id": "S"}, "key": "idd"}},
        "dynamodb_tables.t.key",
        "attribute 'idd' is not defined",
    ),
    ({"t": {"attributes": {"id": "BOOL"}, "key": "id"}}, "dynamodb_tables.t.key", "has type BOOL"),
    (
        {"t": {"attributes": {"id": "X"}, "key": "id"}},
        "dynamodb_tables.t.attributes.id",
        "not one of",
    ),
    (
        {"t": {"attributes": {"a": "S", "b": "S", "c": "S"}, "key": ["a", "b", "c"]}},
        "dynamodb_tables.t.key",
        "must name a hash key",
    ),
    ({"t": {**KEYED, "key": ["id", "nme"]}}, "dynamodb_tables.t.key[1]", "'nme' is not defined"),
    (
        {"t": {**KEYED, "read_throughput": 5}},
        "dynamodb_tables.t.write_throughput",
        "give both read_throughput and write_throughput",
    ),
    (
        {"t": {**KEYED, "read_throughput": 0, "write_throughput": 1}},
        "dynamodb_tables.t.read_throughput",
        "out of range",
    ),
    (
        {"t": {**KEYED, "local_secondary_indexes": {"lsi": {"key": ["age", "id"]}}}},
        "dynamodb_tables.t.local_secondary_indexes.lsi.key",
        "must be the table's hash key",
    ),
    (
        {"t": {**KEYED, "local_secondary_indexes": {"lsi": {"key": "id"}}}},
        "dynamodb_tables.t.local_secondary_indexes.lsi.key",
        "need [hash key, range key]",
    ),
    (
        {
            "t": {
                "attributes": {"id": "S", "age": "N"},
                "key": "id",
                "local_secondary_indexes": {"lsi": {"key": ["id", "age"]}},
            }
        },
        "dynamodb_tables.t.local_secondary_indexes.lsi.key",
        "need a table with a range key",
    ),
    (
        {
            "t": {
                **KEYED,
                "local_secondary_indexes": {f"l{i:02}": {"key": ["id", "age"]} for i in range(6)},
            }
        },
        "dynamodb_tables.t.local_secondary_indexes",
        "has 6 indexes",
    ),
    (
        {
            "t": {
                **KEYED,
                "local_secondary_indexes": {"lsi": {"key": ["id", "age"], "read_throughput": 1}},
            }
        },
        "dynamodb_tables.t.local_secondary_indexes.lsi.read_throughput",
        "not a known setting",
    ),
    (
        {"t": {**KEYED, "global_secondary_indexes": {"g": {"key": "age"}}}},
        "dynamodb_tables.t.global_secondary_indexes.g",
        "not valid",
    ),
    (
        {
            "t": {
                **KEYED,
                "read_throughput": 1,
                "write_throughput": 1,
                "global_secondary_indexes": {"gsi": {"key": "age"}},
            }
        },
        "dynamodb_tables.t.global_secondary_indexes.gsi",
        "because the table sets them",
    ),
    (
        {
            "t": {
                **KEYED,
                "global_secondary_indexes": {
                    "gsi": {"key": "age", "read_throughput": 1, "write_throughput": 1}
                },
            }
        },
        "dynamodb_tables.t.global_secondary_indexes.gsi",
        "the table is on-demand",
    ),
    (
        {"t": {**KEYED, "global_secondary_indexes": {"gsi": {"key": "age", "project": "some"}}}},
        "dynamodb_tables.t.global_secondary_indexes.gsi.project",
        "not a projection",
    ),
    (
        {"t": {**KEYED, "global_secondary_indexes": {"gsi": {"key": "age", "projection": "all"}}}},
        "dynamodb_tables.t.global_secondary_indexes.gsi.projection",
        "did you mean 'project'",
    ),
    (
        {
            "t": {
                **KEYED,
                "global_secondary_indexes": {f"g{i:02}": {"key": "age"} for i in range(21)},
            }
        },
        "dynamodb_tables.t.global_secondary_indexes",
        "has 21 indexes",
    ),
    ({"t": {**KEYED, "retain": "yes"}}, "dynamodb_tables.t.retain", "true or false"),
    ({"t": {**KEYED, "keys": "id"}}, "dynamodb_tables.t.keys", "did you mean 'key'"),
    ({"bad/name": KEYED}, "dynamodb_tables.bad/name", "not valid"),
    ({"x" * 252: KEYED}, "dynamodb_tables." + "x" * 252, "must fit in 255"),
    ({"my-table": KEYED, "my_table": KEYED}, "dynamodb_tables.my_table", "too similar"),
]


@pytest.mark.parametrize(("section", "key", "words"), INVALID, ids=lambda v: str(v)[:40])
def test_each_mistake_names_its_key_path(section: dict[str, Any], key: str, words: str):
    messages = problems(section)
    assert any(f": {key}: " in message and words in message for message in messages), messages
