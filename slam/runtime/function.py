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
import types

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from ._typing import Event, Handler


class ResultNotSerialisableError(TypeError):
    """The function returned something Lambda cannot send back as JSON."""


def make_handler(fn: Callable[..., object]) -> Handler:
    """Return a Lambda handler ``handler(event, context)`` that calls ``fn``."""
    import json

    keywords, positional, takes_any_keyword = parameters(fn)
    pass_event = takes_any_keyword or "event" in keywords
    pass_context = takes_any_keyword or "context" in keywords
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


def parameters(fn: Callable[..., object]) -> tuple[frozenset[str], int, bool]:
    """What ``fn`` takes: parameter names passable by keyword, how many of (event,
    context) fit its positional parameters (0 to 2), and whether it takes ``**kwargs``.
    """
    if type(fn) is types.FunctionType and not hasattr(fn, "__wrapped__"):
        # a plain function's code object says it all, without importing inspect (~4 ms)
        code = fn.__code__
        named = code.co_argcount + code.co_kwonlyargcount
        keywords = frozenset(code.co_varnames[code.co_posonlyargcount : named])
        var_positional = bool(code.co_flags & _CO_VARARGS)
        var_keyword = bool(code.co_flags & _CO_VARKEYWORDS)
        positional = code.co_argcount
    else:  # methods, classes, partials, decorated functions: inspect follows them
        import inspect

        kinds = [(p.name, p.kind.name) for p in inspect.signature(fn).parameters.values()]
        keywords = frozenset(name for name, kind in kinds if kind in _KEYWORD_KINDS)
        var_positional = any(kind == "VAR_POSITIONAL" for _, kind in kinds)
        var_keyword = any(kind == "VAR_KEYWORD" for _, kind in kinds)
        positional = sum(kind in _POSITIONAL_KINDS for _, kind in kinds)
    return keywords, 2 if var_positional else min(positional, 2), var_keyword


_CO_VARARGS = 0x04  # inspect.CO_VARARGS
_CO_VARKEYWORDS = 0x08  # inspect.CO_VARKEYWORDS
_KEYWORD_KINDS = ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY")
_POSITIONAL_KINDS = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")


def is_invoke_event(event: Event) -> bool:
    """Say whether ``event`` is what ``slam invoke`` sends: ``{"kwargs": {...}, "args": [...]}``."""
    return (
        isinstance(event, dict)
        and isinstance(event.get("kwargs"), dict)
        and isinstance(event.get("args", []), list)
        and event.keys() <= {"kwargs", "args"}
    )
