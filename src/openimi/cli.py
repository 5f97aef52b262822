"""The ``openimi`` console command: Django's manage.py under the product's name.

``openimi demo``, ``openimi load_reference``, ``openimi worker`` and every Django command
(``openimi migrate``, ``openimi runserver`` ...) work from anywhere once installed.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimi.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "openimi"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
