"""The ``wsgi`` plugin: deploy ``function`` as a WSGI web app behind API Gateway."""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..schema import Node
from ..settings import CoreSettings
from ..templating import render, render_yaml
from . import InitOption, Plugin

BASE_PATH_RE = re.compile(r"(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+")


@dataclass(frozen=True)
class WsgiSettings:
    deploy_api_gateway: bool = True
    log_stages: tuple[str, ...] = ()
    base_path: str | None = None


class WsgiPlugin(Plugin[WsgiSettings]):
    name = "wsgi"
    config_key = "wsgi"
    order = 10
    init_options = (
        InitOption("--wsgi", "wsgi", "Treat the given function as a WSGI app.", switch=True),
        InitOption(
            "--no-api-gateway", "wsgi.deploy_api_gateway", "Do not deploy API Gateway.", switch=True
        ),
    )

    def init_section(self, args: argparse.Namespace) -> str:
        if args.no_api_gateway and not args.wsgi:
            raise UsageError("--no-api-gateway only applies to WSGI apps", "add --wsgi")
        return render(
            "init/wsgi.yaml.j2", enabled=args.wsgi, deploy_api_gateway=not args.no_api_gateway
        )

    def parse_config(self, node: Node, config: CoreSettings) -> WsgiSettings:
        entries = node.mapping(["deploy_api_gateway", "log_stages", "base_path"])
        log_stages = entries["log_stages"].strings() if "log_stages" in entries else ()
        for index, stage in enumerate(log_stages):
            if stage not in config.stages:
                node.child("log_stages").child(index).fail(
                    f"{stage!r} is not a configured stage",
                    f"use stages from stage_environments: {', '.join(config.stages)}",
                )
        return WsgiSettings(
            deploy_api_gateway=node.child("deploy_api_gateway").boolean(True),
            log_stages=log_stages,
            base_path=_parse_base_path(node.child("base_path")),
        )

    def cloudformation(self, config: CoreSettings, settings: WsgiSettings) -> Mapping[str, Any]:
        if not settings.deploy_api_gateway:
            return {}
        from ..cloudformation import stack_description, stage_names

        return dict(
            render_yaml(
                "cloudformation/wsgi.yaml.j2",
                name=config.name,
                description=stack_description(config),
                stages=stage_names(config),
                logging=bool(settings.log_stages),
                log_stages=settings.log_stages,
            )
        )

    def runtime_options(self, config: CoreSettings, settings: WsgiSettings) -> Mapping[str, Any]:
        return {"base_path": settings.base_path}


def _parse_base_path(node: Node) -> str | None:
    if node.missing:
        return None
    path = node.string()
    if path and not BASE_PATH_RE.fullmatch(path):
        node.fail(f"{path!r} is not a valid base path", "write it like /api, with no trailing /")
    return path or None


plugin = WsgiPlugin()
