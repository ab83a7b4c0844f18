"""Resource providers: how each resource type is created, updated and deleted."""

from __future__ import annotations

from .apigateway import Account, Deployment, Method, Resource, RestApi, Stage
from .awslambda import Alias, Function, Permission, Version
from .base import (
    Clients,
    NotFound,
    Provider,
    Provisioned,
    ResourceFailure,
    ResourceRequest,
    StackContext,
)
from .dynamodb import Table
from .fallback import WaitConditionHandle, moto_provider
from .iam import ManagedPolicy, Policy, Role
from .storage import Bucket, BucketPolicy, LogGroup

PROVIDERS: dict[str, Provider] = {
    provider.type_name: provider
    for provider in (
        Function(),
        Version(),
        Alias(),
        Permission(),
        RestApi(),
        Resource(),
        Method(),
        Deployment(),
        Stage(),
        Account(),
        Role(),
        Policy(),
        ManagedPolicy(),
        Table(),
        Bucket(),
        BucketPolicy(),
        LogGroup(),
        WaitConditionHandle(),
    )
}


def provider_for(type_name: str) -> Provider | None:
    """The provider of ``type_name``: slam's own, else moto's model, else None."""
    return PROVIDERS.get(type_name) or moto_provider(type_name)


__all__ = [
    "Clients",
    "NotFound",
    "Provider",
    "Provisioned",
    "ResourceFailure",
    "ResourceRequest",
    "StackContext",
    "provider_for",
]
