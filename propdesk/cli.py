"""The ``propdesk`` console command: Django's management commands under the product's name.

``propdesk demo``, ``propdesk token create --user NAME``, ``propdesk migrate``, ``propdesk
runserver`` … are all ``manage.py`` commands; ``python -m propdesk`` does the same.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "propdesk"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
