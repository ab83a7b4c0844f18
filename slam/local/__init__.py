"""The local AWS: what runs on the developer's machine instead of AWS.

moto's server (the optional extra ``slam-deploy[local]``), extended by the modules
listed in :data:`slam.local.extensions.EXTENSIONS` until a slam deployment behaves
as it does on AWS. slam's own commands reach it only through ``AWS_ENDPOINT_URL``.

- ``server`` (``LocalAWS``) and ``aws`` (``python -m slam.local.aws``): the server.
- ``cloudformation/``: CloudFormation's API, served by the package itself.
- ``awslambda``, with ``functions``, ``worker``, ``bootstrap`` and ``runtimes``: Lambda
  running the uploaded code in warm worker processes.
- ``apigateway``, with ``gateway``, ``proxy``, ``restapi``, ``resource_policy`` and
  ``gateway_logs``: API Gateway serving the deployed stages over HTTP.
- ``logs`` and ``s3``: corrections to moto's CloudWatch Logs and S3.
- ``serve`` and its helpers: ``slam serve``, one stage of a project on the same gateway
  and Lambda workers, without moto unless the stage has DynamoDB tables.

moto's server has no plugin interface for changing how a service answers, so these
modules wrap it as WSGI middleware where they can and otherwise reach into its
internals. Each one that does lists every such place in its docstring, with the moto
version it was checked against (5.2.5, the version the ``local`` extra pins):
``server``, ``awslambda``, ``apigateway``, ``logs``, ``s3``, and in ``cloudformation/``
``managed_policies``, ``providers/apigateway`` and ``providers/fallback``.
"""
