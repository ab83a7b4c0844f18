"""The errors CloudFormation's API answers with, by the codes AWS uses."""

from __future__ import annotations


class ApiError(Exception):
    """An error answer: its code, message and HTTP status, as CloudFormation gives them."""

    code = "InternalFailure"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ApiError):
    code = "ValidationError"


class TemplateError(ValidationError):
    """A template CloudFormation refuses before any resource is touched."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Template format error: {message}")


class AlreadyExists(ApiError):
    code = "AlreadyExistsException"


class InsufficientCapabilities(ApiError):
    code = "InsufficientCapabilitiesException"


class ChangeSetNotFound(ApiError):
    code = "ChangeSetNotFound"
    status = 404


class InvalidChangeSetStatus(ApiError):
    code = "InvalidChangeSetStatus"


class TokenAlreadyExists(ApiError):
    code = "TokenAlreadyExistsException"


class NotImplementedAction(ApiError):
    code = "InvalidAction"


def stack_not_found(name: str) -> ValidationError:
    return ValidationError(f"Stack with id {name} does not exist")
