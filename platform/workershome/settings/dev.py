"""Development and demo settings: the embedded default unless servers are named."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SITE_PORT", "8000")

from .base import *
