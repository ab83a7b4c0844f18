"""``slam init``: write a commented, valid slam.yaml for a function or WSGI app."""

from __future__ import annotations

import argparse
import re
import string
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..atomic import AlreadyExists, write_atomically
from ..config import (
    ARCHITECTURES,
    DEFAULT_REQUIREMENTS,
    Config,
    config_from_text,
    guess_runtime,
    name_too_long,
)
from ..errors import EXIT_OK, UsageError
from ..plugins import InitOption, Plugin
from ..schema import ConfigError, dotted
from ..settings import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Function
from . import Command, Invocation, print_warnings

FUNCTION_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):([A-Za-z_]\w*)")
BUCKET_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits
DONE = (
    "The configuration file for your project has been generated. "
    "Remember to add {file} to source control."
)
FROM_MODULE = "function: the project name comes from the module"
# .gitignore lines that already say what to do with slam's build state (a "!" line too:
# the user keeps it on purpose)
STATE_PATTERNS = {f"{lead}.slam{tail}" for lead in ("", "/") for tail in ("", "/", "/*", "/**")}
STATE_ENTRY = "# slam's build state\n.slam/\n"

# Which option set each of slam's own keys, to report init's mistakes in the user's words;
# plugins declare theirs as InitOptions.
OPTION_FOR_KEY = {
    "name": "--name",
    "description": "--description",
    "requirements": "--requirements",
    "stage_environments": "--stages",
    "devstage": "--stages",
    "aws.s3_bucket": "--bucket",
    "aws.lambda_timeout": "--timeout",
    "aws.lambda_memory": "--memory",
    "aws.lambda_runtime": "--runtime",
    "aws.lambda_architecture": "--architecture",
}


def function_spec(text: str) -> Function:
    """argparse type for ``module:function``."""
    match = FUNCTION_RE.fullmatch(text)
    if not match:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not in the format module:function (e.g. fizzbuzz:fizzbuzz)"
        )
    return Function(match[1], match[2])


def add_arguments(parser: argparse.ArgumentParser, plugins: Sequence[Plugin[Any]]) -> None:
    parser.add_argument(
        "function",
        type=function_spec,
        help="The function or callable to deploy, in the format module:function.",
    )
    parser.add_argument("--name", help="API name.")
    parser.add_argument("--description", default="", help="Description of the API.")
    parser.add_argument("--bucket", help="S3 bucket where lambda packages are stored.")
    parser.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT,
        help="The timeout for the lambda function in seconds.",
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=DEFAULT_MEMORY,
        help="The memory allocation for the lambda function in megabytes.",
    )
    parser.add_argument(
        "--stages", default="dev", help="Comma-separated list of stage environments to deploy."
    )
    parser.add_argument(
        "--requirements",
        default=DEFAULT_REQUIREMENTS,
        help="The location of the project's requirements file.",
    )
    parser.add_argument(
        "--runtime", help="The Lambda runtime to use, such as python3.12 or python3.13."
    )
    parser.add_argument(
        "--architecture",
        default=ARCHITECTURES[0],
        help="The processor architecture of the function: x86_64 (default) or arm64.",
    )
    for plugin in plugins:
        for option in plugin.init_options:
            add_option(parser, option)


def add_option(parser: argparse.ArgumentParser, option: InitOption) -> None:
    """Add a plugin's option: ``--flag VALUE``, or a bare ``--flag`` for a switch."""
    if option.switch:
        parser.add_argument(option.flag, action="store_true", help=option.help)
    else:
        parser.add_argument(option.flag, metavar=option.metavar, help=option.help)


def project_name(module: str) -> str:
    """The default project name: the module, with '_' and '.' turned into '-'."""
    return re.sub(r"[_.]", "-", module)


def default_bucket(name: str) -> str:
    """``<name>-<8 random lowercase letters or digits>``, within S3's 63 characters."""
    import secrets

    suffix = "".join(secrets.choice(BUCKET_SUFFIX_ALPHABET) for _ in range(8))
    return f"{name.lower()[:54].rstrip('-.')}-{suffix}"


def render_config(args: argparse.Namespace, plugins: Sequence[Plugin[Any]]) -> str:
    from ..templating import render

    function: Function = args.function
    name = args.name or project_name(function.module)
    stages = [stage.strip() for stage in args.stages.split(",") if stage.strip()]
    return render(
        "slam.yaml.j2",
        name=name,
        description=args.description,
        module=function.module,
        app=function.app,
        requirements=args.requirements,
        devstage=stages[0] if stages else "",
        stages=stages,
        bucket=args.bucket or default_bucket(name),
        timeout=args.timeout,
        memory=args.memory,
        runtime=args.runtime or guess_runtime(),
        architecture=args.architecture,
        plugin_sections=[plugin.init_section(args) for plugin in plugins],
    )


def run(invocation: Invocation) -> int:
    config = write_config(invocation.options, invocation.config_file, invocation.plugins)
    print_warnings(config)
    print(DONE.format(file=invocation.options.config_file))  # as the user spelled it
    note = ignore_build_state(invocation.config_file.parent / ".gitignore")
    if note:
        print(note, file=sys.stderr)
    return EXIT_OK


def ignore_build_state(gitignore: Path) -> str | None:
    """Add ``.slam/`` to ``gitignore`` (creating it) unless a line already covers it;
    returns what to tell the user: what changed, or that it could not."""
    try:
        text = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
        patterns = {line.strip().lstrip("!") for line in text.splitlines()}
        if patterns & STATE_PATTERNS:
            return None
        with gitignore.open("a", encoding="utf-8") as file:
            file.write(("\n" if text and not text.endswith("\n") else "") + STATE_ENTRY)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        return (
            f"slam: warning: could not add .slam/ to {gitignore}: {reason}; add it yourself, "
            "so that slam's build state stays out of source control"
        )
    return f"slam: added .slam/ (slam's build state) to {gitignore}"


def write_config(
    args: argparse.Namespace, config_file: Path, plugins: Sequence[Plugin[Any]]
) -> Config:
    """Write the configuration file and return what it configures."""
    if config_file.exists():  # before anything else: say so, whatever else is wrong
        raise AlreadyExists(
            config_file, "edit it, or remove it to start over (slam init never overwrites it)"
        )
    _check_name_length(args)
    text = render_config(args, plugins)
    try:
        config = config_from_text(text, config_file, plugins)
    except ConfigError as exc:
        raise _in_option_terms(exc, plugins, named=bool(args.name)) from None
    write_atomically(config_file, text, overwrite=False)
    return config


def _check_name_length(args: argparse.Namespace) -> None:
    """A name too long for a stack is an error saying so, naming where it came from."""
    too_long = name_too_long(args.name or project_name(args.function.module))
    if too_long is None:
        return
    if args.name:
        raise UsageError(f"--name: {too_long}", "choose a shorter name")
    raise UsageError(f"{FROM_MODULE}, and {too_long}", "choose a shorter one with --name")


def _in_option_terms(
    error: ConfigError, plugins: Sequence[Plugin[Any]], named: bool = True
) -> UsageError:
    """The first problem, named by the option that set its key (the longest match);
    a name slam derived (``named`` false) is the function argument's."""
    problem = error.problems[0]
    key = dotted(problem.path)
    if key == "name" and not named:
        return UsageError(f"{FROM_MODULE}: {problem.message}", "choose a name with --name")
    options = {**OPTION_FOR_KEY, "function": "function"}
    options.update((option.key, option.flag) for p in plugins for option in p.init_options)
    matching = [prefix for prefix in options if key == prefix or key.startswith(prefix + ".")]
    option = options[max(matching, key=len)] if matching else key
    return UsageError(f"{option}: {problem.message}", problem.hint)


COMMAND = Command("Generate a configuration file.", run, add_arguments)
