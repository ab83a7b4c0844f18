"""Regenerate slam/data/aws_managed_policies.json, the AWS managed policies slam knows.

slam resolves a bare policy name in ``aws.lambda_managed_policies`` to its ARN, whose
path (``/``, ``/service-role/``, ``/job-function/``...) differs from policy to policy.
moto's IAM backend carries AWS's list of managed policies with their paths and
documents; this script keeps the name and the path of each, nothing else.

    .venv/bin/python scripts/update_managed_policies.py          # rewrite the table
    .venv/bin/python scripts/update_managed_policies.py --check  # exit 1 if it is stale

Upgrade moto first (``pip install -U 'moto[server]'``) to pick up AWS's newer policies.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TABLE = Path(__file__).resolve().parents[1] / "slam" / "data" / "aws_managed_policies.json"


def policy_paths() -> dict[str, str]:
    """Every AWS managed policy in moto's data: name -> path, sorted by name."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    policies = json.loads(aws_managed_policies_data)
    return {name: policies[name]["Path"] for name in sorted(policies)}


def table_text(paths: dict[str, str]) -> str:
    """The table as slam ships it: one policy a line, so that updates diff well."""
    return json.dumps(paths, indent=0, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = table_text(policy_paths())
    if argv == ["--check"]:
        if TABLE.read_text(encoding="utf-8") != text:
            print(f"{TABLE} is stale: run {Path(__file__).name} to regenerate it")
            return 1
        return 0
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE}: {text.count(chr(10)) - 2} policies")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
