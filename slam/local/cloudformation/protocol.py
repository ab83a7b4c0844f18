"""CloudFormation's wire format (AWS's "query" protocol), driven by botocore's model.

Maps, which none of the operations served here use, are not handled.

A request is a form (``Action=CreateStack&Parameters.member.1.ParameterKey=...``);
an answer is XML wrapped in ``<ActionResponse><ActionResult>``. Reading and writing
both follow the operation's shapes in botocore's service model, so every field is
named and nested exactly as the SDKs expect.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs
from xml.etree import ElementTree

from .errors import ApiError

NAMESPACE = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
Params = dict[str, str]


@lru_cache(maxsize=1)
def service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("cloudformation")


def parse_form(body: str) -> Params:
    """The form's fields; a field given twice keeps its last value."""
    return {key: values[-1] for key, values in parse_qs(body, keep_blank_values=True).items()}


def read_input(action: str, form: Params) -> dict[str, Any]:
    """The operation's input as a dict shaped like boto3's keyword arguments."""
    shape = service_model().operation_model(action).input_shape
    value: dict[str, Any] = _read_structure(form, "", shape) or {}
    return value


def _read(form: Params, prefix: str, shape: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _read_structure(form, prefix, shape)
    if kind == "list":
        return _read_list(form, prefix, shape)
    if prefix not in form:
        return None
    return _scalar(form[prefix], kind)


def _read_structure(form: Params, prefix: str, shape: Any) -> dict[str, Any] | None:
    result: dict[str, Any] = {}
    for name, member in shape.members.items():
        key = f"{prefix}.{name}" if prefix else name
        value = _read(form, key, member)
        if value is not None:
            result[name] = value
    return result if result or not prefix else None


def _read_list(form: Params, prefix: str, shape: Any) -> list[Any] | None:
    if form.get(prefix) == "":
        return []
    items = []
    index = 1
    while True:
        item = _read(form, f"{prefix}.member.{index}", shape.member)
        if item is None:
            break
        items.append(item)
        index += 1
    return items or None


def _scalar(text: str, kind: str) -> Any:
    if kind in ("integer", "long"):
        return int(text)
    if kind == "boolean":
        return text.lower() == "true"
    return text


def answer(action: str, result: Mapping[str, Any]) -> bytes:
    """The XML answer to a successful ``action``."""
    root = ElementTree.Element(f"{action}Response", xmlns=NAMESPACE)
    shape = service_model().operation_model(action).output_shape
    if shape is not None:
        wrapper = ElementTree.SubElement(root, shape.serialization.get("resultWrapper"))
        _write(wrapper, result, shape)
    metadata = ElementTree.SubElement(root, "ResponseMetadata")
    ElementTree.SubElement(metadata, "RequestId").text = str(uuid.uuid4())
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def error_answer(error: ApiError) -> bytes:
    """The XML answer for a refused request."""
    root = ElementTree.Element("ErrorResponse", xmlns=NAMESPACE)
    body = ElementTree.SubElement(root, "Error")
    ElementTree.SubElement(body, "Type").text = "Sender" if error.status < 500 else "Receiver"
    ElementTree.SubElement(body, "Code").text = error.code
    ElementTree.SubElement(body, "Message").text = error.message
    ElementTree.SubElement(root, "RequestId").text = str(uuid.uuid4())
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def _write(parent: ElementTree.Element, value: Any, shape: Any) -> None:
    kind = shape.type_name
    if kind == "structure":
        for name, member in shape.members.items():
            if value.get(name) is not None:
                element = ElementTree.SubElement(parent, member.serialization.get("name", name))
                _write(element, value[name], member)
    elif kind == "list":
        for item in value:
            element = ElementTree.SubElement(parent, "member")
            _write(element, item, shape.member)
    else:
        parent.text = _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)
