"""The local AWS: what runs on the developer's machine instead of AWS.

moto's server (the optional extra ``slam-deploy[local]``), extended by the modules
listed in :data:`slam.local.extensions.EXTENSIONS` until a slam deployment behaves
as it does on AWS. slam's own commands reach it only through ``AWS_ENDPOINT_URL``.

``slam serve`` (:mod:`slam.local.serve`) runs one stage of a project on the same
gateway and Lambda workers, without moto unless the stage has DynamoDB tables.
"""
