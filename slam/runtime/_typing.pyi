"""Type names shared by the runtime modules, for the type checker only.

A stub with no module behind it: the runtime modules import it under
``if TYPE_CHECKING:``, so loading them never pays for :mod:`typing`, and the build
step, which copies ``*.py``, leaves it out of the Lambda package.
"""

from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Protocol

#: A Lambda event as Lambda delivers it: decoded JSON.
Event = Any

#: A JSON-ready dict returned to Lambda.
Result = dict[str, Any]

#: The ``sys.exc_info()`` triple an app passes to ``start_response``.
ExcInfo = tuple[type[BaseException], BaseException, TracebackType]

#: A PEP 3333 environ.
Environ = dict[str, Any]

#: Response headers as a WSGI app gives them.
Headers = list[tuple[str, str]]

#: The ``write()`` callable that ``start_response`` returns.
Write = Callable[[bytes], object]

class StartResponse(Protocol):
    """The ``start_response`` callable of PEP 3333."""

    def __call__(
        self, status: str, headers: Headers, exc_info: ExcInfo | None = None, /
    ) -> Write: ...

#: A PEP 3333 application.
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

class LambdaContext(Protocol):
    """The parts of Lambda's context object the runtime reads."""

    @property
    def invoked_function_arn(self) -> str: ...
    @property
    def function_version(self) -> str: ...

#: A Lambda handler.
Handler = Callable[[Event, Any], Any]

#: Environment variables as plain strings.
Variables = Mapping[str, str]

#: What the runtime works a request's location out from: the host, the stage, the
#: base path, whether the path starts with the stage, and the (X-Forwarded-Proto,
#: X-Forwarded-Port) headers.
Place = tuple[str, str | None, str, bool, tuple[str | None, str | None]]

#: The location worked out: SCRIPT_NAME, whether to strip it from the path, the URL
#: scheme, SERVER_NAME and SERVER_PORT.
Location = tuple[str, bool, str, str, str]
