"""Shared set-up for the runtime tests.

The helper modules beside this file (``runtime_events``, ``runtime_apps`` and the
``runtime_django`` project) are imported by name, so this folder goes on ``sys.path``;
pytest's importlib mode does not put it there.
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
