"""`make bench`: every benchmark of the project, each printing its figures."""

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from bench import banner_size

    banner_size.main()


if __name__ == "__main__":
    main()
