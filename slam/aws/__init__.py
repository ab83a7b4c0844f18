"""slam's one door to AWS: a client whose methods say what slam asks or changes.

``slam.aws`` is the only package of slam that imports boto3 and botocore. Commands
import it inside the function that calls AWS, so ``slam --help`` never pays for boto3.
The values its methods return are :mod:`slam.remote`'s frozen dataclasses, which import
no boto3; the decisions between the calls are pure functions of :mod:`slam.stack`.

    aws = AwsClient(AwsOptions(args.profile, args.region))
    stack = aws.stacks.describe_stack(config.name)      # the no-op deploy's one call

How the commands use it:

- deploy: ``s3.object_exists`` and ``stacks.describe_stack`` answer "anything to do?"
  (two calls, the second shared with the status block). Then
  ``caller_identity`` (one GetCallerIdentity) for the "about to change" line;
  ``s3.bucket`` / ``s3.create_bucket``, ``s3.object_exists`` / ``s3.upload_file``;
  ``logs.api_gateway_role`` when stages log; ``stacks.create_change_set`` and
  ``stacks.describe_change_set`` until it is ready; ``stacks.stack_template`` and
  ``tables.holds_items`` for the tables it would remove; ``stacks.execute_change_set``
  (or ``delete_change_set``); ``stacks.newest_event`` (where an operation's events
  start, and who started the one running) and ``stack_events`` while waiting;
  ``s3.upload_bytes`` for a template over the request limit; ``describe_stack`` for
  the status block; ``s3.list_objects`` / ``s3.delete_objects`` to prune old
  packages. Stuck stacks: ``delete_stack``, ``continue_update_rollback``,
  ``stack_resources``.
- publish: ``functions.function_version`` (a version number given exists),
  ``functions.publish_version`` with the CodeSha256 the deployed package key names,
  ``stacks.stack_template`` (for its capabilities), then ``stacks.update_stack`` moving
  one stage's version.
- status: ``stacks.describe_stack``. invoke: ``functions.invoke``. logs:
  ``logs.log_events``.
- delete: ``tables.holds_items``, ``stacks.delete_stack`` and ``stack_events``,
  ``logs.log_groups`` / ``logs.delete_log_group``, ``s3.list_objects`` /
  ``s3.delete_objects``, ``s3.delete_bucket``.

Credentials, region and endpoint are boto3's own (environment, ``~/.aws/config``, SSO,
instance roles; ``AWS_ENDPOINT_URL`` points slam at the local AWS or any compatible
endpoint), with ``--profile`` and ``--region`` on top. Throttling and transient errors
are retried by botocore's ``standard`` retry mode (exponential backoff with jitter);
``AWS_MAX_ATTEMPTS``, or ``max_attempts`` in the profile, replaces slam's default of 5
attempts. Every other failure is a SlamError naming the call, the resource and the fix.
"""

from __future__ import annotations

from ..remote import CallerIdentity
from ..settings import AwsOptions
from .errors import translated_errors
from .functions import Functions
from .logs import Logs
from .s3 import S3
from .session import Session
from .stacks import Stacks
from .tables import Tables

__all__ = ["AwsClient", "AwsOptions", "translated_errors"]


class AwsClient:
    """Every AWS call slam makes, grouped by service: ``s3``, ``stacks``
    (CloudFormation), ``functions`` (Lambda), ``logs`` (CloudWatch Logs and API
    Gateway's logging role) and ``tables`` (DynamoDB).

    Creating it reads the AWS configuration (a missing region or an unknown profile is
    a SlamError) but calls nothing; each service's boto3 client is made on first use.
    """

    def __init__(self, options: AwsOptions | None = None) -> None:
        self.session = Session(options or AwsOptions())
        self.region = self.session.region
        self.s3 = S3(self.session)
        self.stacks = Stacks(self.session)
        self.functions = Functions(self.session)
        self.logs = Logs(self.session)
        self.tables = Tables(self.session)
        self._identity: CallerIdentity | None = None

    def caller_identity(self) -> CallerIdentity:
        """The account and ARN of the credentials: one GetCallerIdentity, on first ask."""
        if self._identity is None:
            with translated_errors("sts", "your AWS identity"):
                answer = self.session.client("sts").get_caller_identity()
            self._identity = CallerIdentity(answer["Account"], answer["Arn"])
        return self._identity
