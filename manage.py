#!/usr/bin/env python
"""Django's command-line utility for the Workers' Home platform."""

import os
import sys
from pathlib import Path


def main() -> None:
    # The project packages live in platform/ (no __init__.py there: it must not shadow the
    # standard library's `platform`); the editable install puts it on the path, this too.
    root = Path(__file__).resolve().parent
    for folder in (root, root / "platform"):
        if str(folder) not in sys.path:
            sys.path.insert(1, str(folder))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workershome.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
