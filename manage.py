#!/usr/bin/env python
"""Django's command-line utility. Puts platform/ (a plain folder, never a package) on the import path."""

import os
import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(1, str(Path(__file__).resolve().parent / "platform"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
