"""The `fazhi` command: Django's manage.py plus the project's own commands.

`fazhi demo load`, `fazhi audit verify`, `fazhi backup create -o F`,
`fazhi selfeval score F --json` … are management commands with subcommands,
so `fazhi help` lists everything in one place.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fazhi", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
