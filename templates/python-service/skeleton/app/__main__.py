"""python -m app: run the service."""

import sys

from .server import serve

sys.exit(serve())
