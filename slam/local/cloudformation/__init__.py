"""CloudFormation as AWS runs it, for the local AWS.

moto's CloudFormation finishes every operation inside the API call, skips the
resource types it does not know and never fails a stack with a reason. This
package serves CloudFormation's API itself instead (a WSGI middleware in front of
moto's server, :func:`wrap`): stacks are created, updated and deleted by an
operation worker thread that processes resources in dependency order, with
per-resource events, the statuses AWS uses, rollbacks, change sets and
capabilities. Resources are provisioned through the services' own APIs, called on
the local AWS itself (``providers/``); types slam has no provider for go through
moto's CloudFormation models.

Modules: ``api`` (middleware, requests), ``reads`` and ``writes`` (the actions),
``protocol`` (the query wire format), ``template`` and ``intrinsics`` (reading
templates), ``checks`` (what is refused on submission), ``scope`` (parameters and
what intrinsics resolve to), ``graph`` (ordering), ``engine`` and ``operations``
(the worker's passes and the status machine), ``changes`` (change-set diffs),
``state`` (stacks, events), ``views`` (API shapes), ``errors`` (API error codes),
``managed_policies`` (AWS managed policies in the local account).

What it does not do: ``CancelUpdateStack``, ``RollbackStack``, ``SignalResource``,
stack policies, drift detection, StackSets, resource imports and the type registry
answer ``InvalidAction``; template transforms, nested stacks and custom resources are
refused on submission (``checks``); notifications are not sent, ``RoleARN`` is not
assumed, ``TimeoutInMinutes`` and rollback triggers are not watched; a property a
provider cannot honour (its ``unemulated`` set) fails its resource rather than being
ignored.

Places that reach into moto's internals (checked against moto 5.2.5):

- ``managed_policies``: replaces ``moto.iam.models.IAMBackend._init_aws_policies`` so
  the standard partition's IAM holds AWS's managed policies (built from moto's own list);
- ``providers/apigateway.py`` ``_moto_rest_api``: the REST API model in
  ``moto.apigateway.models.apigateway_backends``, to set ``binaryMediaTypes`` (moto's
  CreateRestApi ignores them, its UpdateRestApi misreads their patch paths) and a
  deployment's ``description`` (moto has no UpdateDeployment);
- ``providers/fallback.py``: ``moto.cloudformation.parsing.get_model_map`` and the
  ``CloudFormationModel`` classmethods (``create_from_cloudformation_json``,
  ``update_from_cloudformation_json``, ``delete_from_cloudformation_json``,
  ``has_cfn_attr``, ``get_cfn_attribute``) for types slam has no provider for.
"""

from __future__ import annotations

from typing import Any

WsgiApp = Any


def install() -> None:
    """Let IAM roles attach AWS managed policies, as they can on AWS."""
    from . import managed_policies

    managed_policies.install()


def wrap(app: WsgiApp) -> WsgiApp:
    """``app`` with CloudFormation's API served by this package."""
    from . import reads, writes  # noqa: F401 - registering their actions
    from .api import middleware

    return middleware(app)


def shutdown() -> None:
    """Let running stack operations finish."""
    from .state import STORE

    STORE.wait()
