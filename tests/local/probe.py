"""A Lambda package whose handler does what each event asks, to probe the local Lambda."""

from __future__ import annotations

PROBE = """
import json
import logging
import os
import sys
import time

CALLS = 0
print("init in", os.getpid())


def handler(event, context):
    global CALLS
    CALLS += 1
    action = event.get("action")
    if action == "sleep":
        time.sleep(event["seconds"])
    elif action == "raise":
        raise ValueError(event.get("message", "boom"))
    elif action == "exit":
        os._exit(event["status"])
    elif action == "print":
        print(event["text"])
    elif action == "log":
        logging.getLogger().warning("first line\\nsecond line")
    elif action == "big":
        return "x" * event["size"]
    elif action == "bytes":
        return b"\\x00\\xff"
    elif action == "set":
        return {1, 2}
    elif action == "import":
        try:
            __import__(event["module"])
        except ImportError:
            return False
        return True
    elif action == "put":
        import boto3

        boto3.client("s3").put_object(Bucket=event["bucket"], Key=event["key"], Body=b"done")
    return {
        "pid": os.getpid(),
        "calls": CALLS,
        "environment": dict(os.environ),
        "context": {
            "aws_request_id": context.aws_request_id,
            "invoked_function_arn": context.invoked_function_arn,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining": context.get_remaining_time_in_millis(),
        },
        "python": "%d.%d" % sys.version_info[:2],
        "executable": sys.executable,
        "cwd": os.getcwd(),
    }
"""
