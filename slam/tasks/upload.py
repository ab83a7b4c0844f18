"""The ``upload`` step: the Lambda package, stored in the project's bucket by its hash.

The package goes to ``<bucket>/<name>/<sha256>.zip``, so the same bytes are stored
once: the step is up to date while that object exists (one HeadObject), and a fresh
clone that rebuilds the same zip uploads nothing. The bucket is created on first use,
in the stack's region (Lambda reads code only from its own region), with public
access blocked and objects encrypted.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..build.archive import format_size, sha256_of
from ..errors import SlamError
from ..remote import BucketState
from ..stack import deployed_package_key, package_key
from .package import read_manifest
from .project import Project
from .remote import Remote, remote_check
from .step import TaskDict, reports_failures

DOC = "Upload the Lambda package to the S3 bucket, once per content hash."


@dataclass(frozen=True)
class PackageFile:
    """The package a deploy ships: its key in the bucket, and the local zip (None with
    ``--no-lambda``, which deploys again the package the stack runs)."""

    key: str
    path: Path | None = None
    sha256: str | None = None


def package_to_deploy(project: Project) -> PackageFile:
    """The package of this run: the one built, ``--lambda-package``'s, or the deployed one."""
    remote, config = project.remote, project.config
    options = remote.options
    if options.no_lambda:
        stack = remote.stack()
        key = deployed_package_key(stack) if stack is not None else None
        if key is None:
            raise SlamError(
                f"--no-lambda deploys the package stack {config.name} runs, and there is no "
                "such stack yet",
                "deploy once without --no-lambda",
            )
        return PackageFile(key)
    if options.lambda_package is not None:
        path = options.lambda_package
        if "lambda_package_sha256" not in remote.memo:  # hashed once per run
            remote.memo["lambda_package_sha256"] = sha256_of(path)
        sha256 = str(remote.memo["lambda_package_sha256"])
    else:
        manifest = read_manifest(project.layout)
        path, sha256 = project.layout.build / manifest["file"], str(manifest["sha256"])
    return PackageFile(package_key(config.name, sha256), path, sha256)


def tasks(project: Project) -> Iterator[TaskDict]:
    options = project.remote.options
    if options.no_lambda:
        return  # the stack's own package: nothing to upload
    yield {
        "basename": "upload",
        "doc": DOC,
        "actions": [(upload_package, [project])],
        "task_dep": [] if options.lambda_package is not None else ["package"],
        "uptodate": [remote_check("package uploaded", lambda: package_uploaded(project))],
        "io": {"capture": False},  # progress reaches the terminal as it happens
        "meta": {"slam": {"progress": None}},
    }


def package_uploaded(project: Project) -> bool:
    """Whether the bucket already holds this package (one HeadObject)."""
    package = package_to_deploy(project)
    bucket = project.config.aws.s3_bucket
    return project.remote.aws.s3.object_exists(bucket, package.key)


@reports_failures
def upload_package(project: Project) -> dict[str, Any]:
    remote = project.remote
    package = package_to_deploy(project)
    assert package.path is not None and package.sha256 is not None  # not with --no-lambda
    remote.announce()
    bucket = ensure_bucket(remote)
    size = format_size(package.path.stat().st_size)
    print(
        f"Uploading {package.path.name} ({size}) to s3://{bucket}/{package.key}...",
        file=sys.stderr,
        flush=True,
    )
    remote.aws.s3.upload_file(bucket, package.key, package.path, package.sha256)
    return {}


def ensure_bucket(remote: Remote) -> str:
    """The config's bucket, created if missing; a SlamError when another account owns it
    or it lives in another region."""
    aws, name = remote.aws, remote.config.aws.s3_bucket
    bucket = aws.s3.bucket(name, aws.caller_identity().account)
    if bucket.state is BucketState.NOT_MINE:
        raise SlamError(
            f"the bucket {name} belongs to another AWS account, or your AWS identity may not "
            "read it",
            "bucket names are global: choose another aws.s3_bucket in slam.yaml (or, if the "
            "bucket is yours, allow s3:ListBucket on it)",
        )
    if bucket.state is BucketState.MISSING:
        print(f"Creating bucket {name} in {aws.region}...", file=sys.stderr, flush=True)
        aws.s3.create_bucket(name)
        aws.s3.block_public_access(name)
        aws.s3.encrypt_by_default(name)
    elif bucket.region != aws.region:
        raise SlamError(
            f"the bucket {name} is in {bucket.region}, but the stack deploys to {aws.region}, "
            "and Lambda reads code only from its own region",
            f"choose another aws.s3_bucket in slam.yaml, or deploy with --region {bucket.region}",
        )
    return name
