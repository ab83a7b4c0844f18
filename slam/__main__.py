"""``python -m slam``: the same as the ``slam`` command."""

import sys

from .cli import main

sys.exit(main())
