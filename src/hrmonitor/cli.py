"""The `hrmonitor` console command: Django's management commands plus `init`, `serve`,
`demo`, `createadmin` and `rotate-keys`."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrmonitor.settings")
    from django.core.management import execute_from_command_line

    # `hrmonitor rotate-keys` runs `rotate_keys`: command modules cannot have "-" in their names.
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        sys.argv[1] = sys.argv[1].replace("-", "_")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
