"""Test-wide settings: fast password hashing and tasks run at once (after commit)."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Argon2 stays first in real settings (tests/core/test_settings.py checks it); tests create
    # many accounts, and a deliberately slow hash would only slow them down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
