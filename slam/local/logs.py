"""moto's CloudWatch Logs, reading events as ``FilterLogEvents`` does on AWS.

- ``logStreamNamePrefix`` keeps the streams whose names start with it (moto ignores it
  and answers every stream's events); given with ``logStreamNames``, it is an
  ``InvalidParameterException``, as on AWS.
- Events come in time order across streams, as AWS now always interleaves them (moto
  answers stream after stream unless ``interleaved`` is set).
- ``limit`` and ``nextToken`` page through them, as moto already does.

Where this reaches into moto (checked against moto 5.2.5):
``moto.logs.responses.LogsResponse.filter_log_events`` is replaced by
:func:`filter_log_events_response`, which calls ``LogsBackend.filter_log_events`` and
reads the group's streams from ``LogsBackend.groups[name].streams``.
"""

from __future__ import annotations

import json
from typing import Any


def _streams(response: Any, group: str) -> list[str] | None:
    """The streams to read: those named, or whose name has the prefix; None: every stream."""
    from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException

    names: list[str] = response._get_param("logStreamNames") or []
    prefix = response._get_param("logStreamNamePrefix")
    if prefix is None:
        return names or None
    if names:
        raise InvalidParameterException(
            "logStreamNames and logStreamNamePrefix cannot both be specified."
        )
    found = response.logs_backend.groups.get(group)
    if found is None:
        raise ResourceNotFoundException()
    return [name for name in list(found.streams) if name.startswith(prefix)]


def filter_log_events_response(response: Any) -> str:
    """``FilterLogEvents``: stands for moto's ``LogsResponse.filter_log_events``."""
    group = response._get_param("logGroupName")
    streams = _streams(response, group)
    if streams == []:  # moto reads an empty list as every stream
        return json.dumps({"events": [], "searchedLogStreams": []})
    events, next_token, searched = response.logs_backend.filter_log_events(
        group,
        streams or [],
        response._get_param("startTime"),
        response._get_param("endTime"),
        response._get_param("limit"),
        response._get_param("nextToken"),
        response._get_param("filterPattern"),
        True,  # interleaved, as AWS always answers now
    )
    answer = {"events": events, "searchedLogStreams": searched}
    if next_token:
        answer["nextToken"] = next_token
    return json.dumps(answer)


def install() -> None:
    from moto.logs.responses import LogsResponse

    LogsResponse.filter_log_events = filter_log_events_response  # type: ignore[method-assign,assignment]
