"""The test suite's settings: the project's, with fast password hashing and tasks run at once.

Argon2 stays first in the real settings (tests/core/test_settings.py checks it); tests create
many accounts, and a deliberately slow hash would only slow them down. Tasks run in-process as
soon as they are enqueued (that is, after commit), so a test sees their effect.
"""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
