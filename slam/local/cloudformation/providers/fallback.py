"""Resource types slam has no provider for: moto's own CloudFormation models, and
CloudFormation's placeholder ``AWS::CloudFormation::WaitConditionHandle``.

A moto model is created, updated and deleted through the classmethods moto's
CloudFormation engine calls (``create_from_cloudformation_json`` and its
siblings on ``moto.core.common_models.CloudFormationModel``), and found through
``moto.cloudformation.parsing.get_model_map`` (checked against moto 5.2.5).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from .base import Provider, Provisioned, ResourceFailure, ResourceRequest

TYPE_NAME = re.compile(r"[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+")
PLACEHOLDER = "AWS::SERVICE::RESOURCE"


class _ModelAttributes(Mapping[str, Any]):
    """The ``Fn::GetAtt`` values of a moto model, read when asked for."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def __getitem__(self, name: str) -> Any:
        try:
            if self._model.has_cfn_attr(name):
                return self._model.get_cfn_attribute(name)
        except Exception:  # moto's models raise their own kinds for an unknown attribute
            pass
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class MotoModel(Provider):
    """A resource type through moto's model of it."""

    def __init__(self, type_name: str, model: Any) -> None:
        self.type_name = type_name  # type: ignore[misc]
        self.model = model
        self.name_property = model.cloudformation_name_type() or None  # type: ignore[misc]

    def create(self, request: ResourceRequest) -> Provisioned:
        name = request.generated_name()
        if self.name_property and self.name_property in request.properties:
            name = str(request.properties[self.name_property])
        resource = self._run(
            self.model.create_from_cloudformation_json,
            name,
            self._json(request),
            request.stack.account,
            request.stack.region,
            LogicalId=request.logical_id,
            StackId=request.stack.id,
            ResourceType=self.type_name,
        )
        return Provisioned(str(resource.physical_resource_id), _ModelAttributes(resource), resource)

    @property
    def updatable(self) -> bool:
        method = self.model.update_from_cloudformation_json
        return not getattr(method, "__isabstractmethod__", False)

    def update(self, request: ResourceRequest) -> Provisioned:
        resource = self._run(
            self.model.update_from_cloudformation_json,
            original_resource=request.handle,
            new_resource_name=str(request.physical_id),
            cloudformation_json=self._json(request),
            account_id=request.stack.account,
            region_name=request.stack.region,
        )
        return Provisioned(str(resource.physical_resource_id), _ModelAttributes(resource), resource)

    def delete(self, request: ResourceRequest) -> None:
        method = self.model.delete_from_cloudformation_json
        if not getattr(method, "__isabstractmethod__", False):
            self._run(
                method,
                str(request.physical_id),
                self._json(request),
                request.stack.account,
                request.stack.region,
            )

    def _json(self, request: ResourceRequest) -> dict[str, Any]:
        return {"Type": self.type_name, "Properties": dict(request.properties)}

    def _run(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except Exception as error:  # a moto model fails with any kind of exception
            message = getattr(error, "message", None) or str(error) or type(error).__name__
            raise ResourceFailure(str(message)) from None


class WaitConditionHandle(Provider):
    type_name = "AWS::CloudFormation::WaitConditionHandle"

    def create(self, request: ResourceRequest) -> Provisioned:
        stack = request.stack
        url = (
            f"https://cloudformation-waitcondition-{stack.region}.s3.amazonaws.com/"
            f"{stack.id}/{request.logical_id}/{uuid.uuid4()}"
        )
        return Provisioned(url)

    def update(self, request: ResourceRequest) -> Provisioned:
        return Provisioned(str(request.physical_id))

    def delete(self, request: ResourceRequest) -> None:
        """Nothing to delete: the handle is only a URL."""


@cache
def moto_provider(type_name: str) -> MotoModel | None:
    """The provider for ``type_name`` through moto's model, if moto has one."""
    from moto.cloudformation.parsing import get_model_map

    model = get_model_map().get(type_name)
    # moto's map also holds its base classes' placeholder names ("?", "AWS::SERVICE::RESOURCE").
    if model is None or not TYPE_NAME.fullmatch(type_name) or type_name == PLACEHOLDER:
        return None
    return MotoModel(type_name, model)
