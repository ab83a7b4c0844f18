"""The errors slam reports to users, and the exit-code contract.

Exit codes: 0 success; 1 a failure the user can fix (``SlamError``); 2 a usage
error (bad command line, from argparse); 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class SlamError(Exception):
    """A failure the user can fix: what is wrong, and a hint saying how to fix it."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[tuple[str, str | None]]:
        """(message, hint) pairs, one per problem, in the order to print them."""
        return [(self.message, self.hint)]


class UsageError(SlamError):
    """The command line is wrong (exit code 2, like argparse's own errors)."""

    exit_code = EXIT_USAGE
