from pathlib import Path

import pytest

import config.settings as project_settings
from tests.helpers import PRODUCTION, manage

pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]


def test_argon2_is_the_first_password_hasher():
    assert (
        project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_production_refuses_to_start_without_its_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set in production" in result.stderr


def test_production_passes_the_deployment_check_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_settings_come_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.DEBUG,"
        " s.ALLOWED_HOSTS)"
    )
    result = manage(
        "shell",
        "-v0",
        "-c",
        code,
        DATABASE_URL="postgres://someone@db.example:5432/charte",
        REDIS_URL="redis://127.0.0.1:6379/3",
        DEBUG="1",
        ALLOWED_HOSTS="a.example,b.example",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 3) == [
        "django.db.backends.postgresql",
        "charte.core.cache.RedisCache",
        "True",
        "['a.example', 'b.example']\n",
    ]


def test_a_development_secret_key_is_generated_once_outside_the_repository(tmp_path):
    code = "from django.conf import settings as s; print(s.SECRET_KEY)"
    first = manage("shell", "-v0", "-c", code, CHARTE_VAR_DIR=str(tmp_path))
    second = manage("shell", "-v0", "-c", code, CHARTE_VAR_DIR=str(tmp_path))

    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) > 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_an_environment_name_that_changes_nothing_is_refused():
    """Only development and production exist: "test" (or a typo for production) would start as
    development, quietly, where someone may believe the production guards hold."""
    for name in ("test", "prod", "Production"):
        result = manage("check", DJANGO_ENV=name)
        assert result.returncode != 0
        assert "DJANGO_ENV must be development or production" in result.stderr
