"""Function mode: calling a plain Python function (slam/runtime/function.py)."""

from __future__ import annotations

import decimal
import functools
from typing import Any

import pytest
from runtime_events import context_for, s3_event, schedule_event

from slam.runtime.function import (
    ResultNotSerialisableError,
    is_invoke_event,
    make_handler,
    parameters,
)

CONTEXT = context_for("prod")


def fizzbuzz(number: int) -> str:
    return "fizz buzz" if number % 15 == 0 else str(number)


def test_invoke_event_calls_with_kwargs() -> None:
    assert make_handler(fizzbuzz)({"kwargs": {"number": 15}}, CONTEXT) == "fizz buzz"


def test_invoke_event_with_args() -> None:
    def describe(name: str, age: int, *, unit: str = "years") -> str:
        return f"{name} is {age} {unit}"

    event = {"args": ["john"], "kwargs": {"age": 34}}
    assert make_handler(describe)(event, CONTEXT) == "john is 34 years"


def test_event_and_context_are_passed_when_named() -> None:
    def handler(number: int, event: dict[str, Any], context: Any) -> list[Any]:
        return [number, event, context.invoked_function_arn]

    event = {"kwargs": {"number": 2}}
    assert make_handler(handler)(event, CONTEXT) == [2, event, CONTEXT.invoked_function_arn]


def test_only_the_named_one_is_passed() -> None:
    def handler(number: int, *, context: Any) -> str:
        return f"{number} on {context.function_version}"

    assert make_handler(handler)({"kwargs": {"number": 2}}, CONTEXT) == "2 on $LATEST"


def test_var_keyword_receives_event_and_context() -> None:
    def handler(**kwargs: Any) -> list[str]:
        return sorted(kwargs)

    assert make_handler(handler)({"kwargs": {"a": 1}}, CONTEXT) == ["a", "context", "event"]


def test_invoke_argument_named_event_wins() -> None:
    def handler(event: str) -> str:
        return event

    assert make_handler(handler)({"kwargs": {"event": "mine"}}, CONTEXT) == "mine"


@pytest.mark.parametrize("event", [s3_event(), schedule_event(), [1, 2], "text", None])
def test_other_events_are_passed_as_event_and_context(event: Any) -> None:
    def handler(event: Any, context: Any) -> list[Any]:
        return [event, context.function_version]

    assert make_handler(handler)(event, CONTEXT) == [event, "$LATEST"]


def test_other_events_fill_only_the_positional_slots_the_function_has() -> None:
    def one(event: Any) -> Any:
        return event

    def none() -> str:
        return "called"

    def star(*args: Any) -> int:
        return len(args)

    def three(a: Any, b: Any, c: Any = "default") -> Any:
        return c

    assert make_handler(one)(s3_event(), CONTEXT) == s3_event()
    assert make_handler(none)(s3_event(), CONTEXT) == "called"
    assert make_handler(star)(s3_event(), CONTEXT) == 2
    assert make_handler(three)(s3_event(), CONTEXT) == "default"


def test_signature_mismatch_is_the_functions_own_type_error() -> None:
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'number'"):
        make_handler(fizzbuzz)({"kwargs": {}}, CONTEXT)


def test_exceptions_propagate() -> None:
    def broken(number: int) -> int:
        return 1 // number

    with pytest.raises(ZeroDivisionError):
        make_handler(broken)({"kwargs": {"number": 0}}, CONTEXT)


@pytest.mark.parametrize(
    ("result", "type_name"),
    [({"tags": {"a", "b"}}, "set"), ([object()], "object"), (decimal.Context(), "Context")],
)
def test_result_that_is_not_json_names_its_type(result: Any, type_name: str) -> None:
    with pytest.raises(ResultNotSerialisableError) as raised:
        make_handler(lambda: result)({"kwargs": {}}, CONTEXT)
    assert str(raised.value) == (
        "slam: test_result_that_is_not_json_names_its_type.<locals>.<lambda> returned a value "
        f"that cannot be JSON-serialised: {type_name} is not a JSON type"
    )


@pytest.mark.parametrize(
    "result", [{"price": decimal.Decimal("9.99")}, b"raw bytes", None, [1, "two", 3.0, True]]
)
def test_results_lambda_can_send_are_returned_as_they_are(result: Any) -> None:
    assert make_handler(lambda: result)({"kwargs": {}}, CONTEXT) is result


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"kwargs": {}}, True),
        ({"kwargs": {"a": 1}, "args": [1]}, True),
        ({"kwargs": {}, "args": "x"}, False),
        ({"kwargs": [], "args": []}, False),
        ({"args": [1]}, False),
        ({"kwargs": {}, "other": 1}, False),
        ([], False),
    ],
)
def test_invoke_event_shape(event: Any, expected: bool) -> None:
    assert is_invoke_event(event) is expected


def plain(a: Any, /, b: Any, *rest: Any, c: Any, **options: Any) -> None: ...


def decorated(function: Any) -> Any:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return wrapper


class Greeter:
    def __call__(self, name: str, event: Any = None) -> str:
        return f"hello {name}"

    def greet(self, name: str, context: Any = None) -> str:
        return f"hi {name} on {context.function_version}"


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (plain, (frozenset({"b", "c"}), 2, True)),
        (lambda: None, (frozenset(), 0, False)),
        (lambda event: None, (frozenset({"event"}), 1, False)),
        (decorated(fizzbuzz), (frozenset({"number"}), 1, False)),
        (Greeter(), (frozenset({"name", "event"}), 2, False)),
        (Greeter().greet, (frozenset({"name", "context"}), 2, False)),
        (functools.partial(plain, 1), (frozenset({"b", "c"}), 2, True)),
        (len, (frozenset(), 1, False)),
    ],
)
def test_parameters_are_read_from_the_signature(fn: Any, expected: Any) -> None:
    assert parameters(fn) == expected


def test_decorated_function_gets_only_what_it_names() -> None:
    handler = make_handler(decorated(fizzbuzz))
    assert handler({"kwargs": {"number": 30}}, CONTEXT) == "fizz buzz"


def test_methods_and_callable_objects() -> None:
    assert make_handler(Greeter())({"kwargs": {"name": "ann"}}, CONTEXT) == "hello ann"
    assert make_handler(Greeter().greet)({"kwargs": {"name": "bo"}}, CONTEXT) == "hi bo on $LATEST"
