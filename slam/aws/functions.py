"""Lambda: the function's versions and aliases, publishing, invoking."""

from __future__ import annotations

import base64
from typing import Any

from botocore.exceptions import ClientError

from ..remote import FunctionVersion, Invocation, InvocationType
from .errors import error_code
from .session import Service

LATEST = "$LATEST"


class Functions(Service):
    service = "lambda"

    def function_version(self, function: str, qualifier: str = LATEST) -> FunctionVersion | None:
        """A version of ``function``, or the one an alias points at; None when missing."""
        with self.failures(f"function {function}:{qualifier}"):
            try:
                answer = self.client.get_function_configuration(
                    FunctionName=function, Qualifier=qualifier
                )
            except ClientError as error:
                if error_code(error) == "ResourceNotFoundException":
                    return None
                raise
        return FunctionVersion.from_response(answer)

    def alias_version(self, function: str, alias: str) -> str | None:
        """The version ``alias`` points at, or None when there is no such alias."""
        with self.failures(f"alias {alias} of function {function}"):
            try:
                answer = self.client.get_alias(FunctionName=function, Name=alias)
            except ClientError as error:
                if error_code(error) == "ResourceNotFoundException":
                    return None
                raise
        return str(answer["FunctionVersion"])

    def publish_version(
        self, function: str, code_sha256: str, description: str = ""
    ) -> FunctionVersion:
        """Freeze $LATEST as a numbered version, provided its code is still ``code_sha256``
        (base64, as Lambda reports it): exactly what was deployed, or an error."""
        with self.failures(f"function {function}"):
            answer = self.client.publish_version(
                FunctionName=function, CodeSha256=code_sha256, Description=description
            )
        return FunctionVersion.from_response(answer)

    def invoke(
        self,
        function: str,
        qualifier: str,
        payload: bytes,
        invocation_type: InvocationType = InvocationType.SYNC,
        log_tail: bool = False,
    ) -> Invocation:
        """Invoke ``function:qualifier`` (an alias or a version) with a JSON ``payload``."""
        # The qualified name does what Qualifier does, and every emulator honours it.
        qualified = f"{function}:{qualifier}"
        params: dict[str, Any] = {
            "FunctionName": qualified,
            "InvocationType": invocation_type.value,
            "Payload": payload,
        }
        if log_tail:
            params["LogType"] = "Tail"
        with self.failures(f"function {qualified}"):
            answer = self.client.invoke(**params)
            body = answer["Payload"].read() if answer.get("Payload") else b""
        tail = answer.get("LogResult")
        return Invocation(
            status_code=answer["StatusCode"],
            payload=body,
            function_error=answer.get("FunctionError"),
            executed_version=answer.get("ExecutedVersion"),
            log_tail=base64.b64decode(tail).decode("utf-8", "replace") if tail else None,
        )
