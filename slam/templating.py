"""Jinja2 rendering for slam's templates (slam.yaml for init, CloudFormation fragments).

Every value that comes from a user enters a template through the ``json`` filter,
which writes it as a JSON scalar or collection. JSON is valid YAML flow syntax, so
no value (quotes, newlines, ``{{ }}``, ``- `` or ``#``) can change the structure of
the document around it. The ``yaml`` filter does the same, but leaves a plain word
(``fizzbuzz``, ``python3.12``) unquoted.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


def json_literal(value: Any) -> str:
    """A value as JSON text that YAML reads back as the same value."""
    return json.dumps(value, ensure_ascii=True, sort_keys=True)


PLAIN_SCALAR_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def yaml_literal(value: Any) -> str:
    """Like ``json_literal``, but a simple word stays unquoted for a person to read."""
    if (
        isinstance(value, str)
        and PLAIN_SCALAR_RE.fullmatch(value)
        and value.lower() not in YAML_WORDS
    ):
        return value
    return json_literal(value)


@cache
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("slam", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["json"] = json_literal
    env.filters["yaml"] = yaml_literal
    return env


def render(template: str, **context: Any) -> str:
    """Render a template under slam/templates/ to text."""
    return environment().get_template(template).render(**context)


def render_yaml(template: str, **context: Any) -> Any:
    """Render a template under slam/templates/ and parse the YAML it produces."""
    import yaml

    return yaml.safe_load(render(template, **context))
