"""Development and demo settings: the embedded default unless servers are named."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SITE_PORT", "8000")
# Development and demo only: a published key, worthless for real data (production must set its own).
os.environ.setdefault("SENSITIVE_DATA_KEYS", "uNttCzxXKLcgTl72BxvMjV8wc0PydCpnXy6txaNVg5g=")

from .base import *
