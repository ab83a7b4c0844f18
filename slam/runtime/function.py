"""Call a plain Python function from Lambda events (slam's function mode).

- An event from ``slam invoke``, ``{"kwargs": {...}}`` with an optional ``"args": [...]``,
  calls ``fn(*args, **kwargs)``. When the function's signature names ``event`` or
  ``context``, or takes ``**kwargs``, those are passed too, as keyword arguments (an
  invoke argument of the same name wins).
- Any other event (S3, SQS, a schedule...) calls ``fn(event, context)``, passing as many
  of the two as the function takes positionally.

How to call the function is decided once, from its signature. The return value must
be JSON-serialisable (Decimal and top-level bytes pass, as Lambda accepts them);
exceptions propagate, so Lambda reports them with type, message and stack trace.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from ._typing import Event, Handler


class ResultNotSerialisableError(TypeError):
    """The function returned something Lambda cannot send back as JSON."""


def make_handler(fn: Callable[..., object]) -> Handler:
    """Return a Lambda handler ``handler(event, context)`` that calls ``fn``."""
    import inspect  # function mode only: WSGI apps never pay for it
    import json

    parameters = inspect.signature(fn).parameters.values()
    takes_any_keyword = any(p.kind is p.VAR_KEYWORD for p in parameters)
    keywords = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    pass_event = takes_any_keyword or "event" in keywords
    pass_context = takes_any_keyword or "context" in keywords
    positional = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters)
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        positional = 2
    positional = min(positional, 2)
    name = getattr(fn, "__qualname__", repr(fn))

    def refuse(value: object) -> object:
        # Lambda sends Decimal; a Decimal can only exist if its module was imported
        if isinstance(value, getattr(sys.modules.get("decimal"), "Decimal", ())):
            return float(value)  # type: ignore[arg-type]
        raise ResultNotSerialisableError(
            f"slam: {name} returned a value that cannot be JSON-serialised: "
            f"{type(value).__qualname__} is not a JSON type"
        )

    def handler(event: Event, context: object) -> object:
        if is_invoke_event(event):
            kwargs = dict(event["kwargs"])
            if pass_event:
                kwargs.setdefault("event", event)
            if pass_context:
                kwargs.setdefault("context", context)
            result = fn(*event.get("args", ()), **kwargs)
        else:
            result = fn(*(event, context)[:positional])
        if not isinstance(result, bytes):
            json.dumps(result, default=refuse)
        return result

    return handler


def is_invoke_event(event: Event) -> bool:
    """Say whether ``event`` is what ``slam invoke`` sends: ``{"kwargs": {...}, "args": [...]}``."""
    return (
        isinstance(event, dict)
        and isinstance(event.get("kwargs"), dict)
        and isinstance(event.get("args", []), list)
        and event.keys() <= {"kwargs", "args"}
    )
