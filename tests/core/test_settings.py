import os
import subprocess
import sys
from pathlib import Path

import config.settings as project_settings

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-Xq9!v2#Lm8@Rt5&Wz1^Pb7*Nc4(Fd6)Hj3",
    "ALLOWED_HOSTS": "charte.example",
    "EMAIL_HOST": "smtp.charte.example",
    "JOURNAL_KEY": "j" * 20 + "-Yr8!u3#Kn7@Sq6&Vx2^Oa9*Mb5(Ge1)Ik4",
    "PSEUDONYM_SECRET": "p" * 20 + "-Qw7!e2#Rt9@Yu4&Io6^Pa1*Sd3(Fg8)Hj5",
    "DATABASE_URL": "sqlite:////tmp/charte-deploy-check.sqlite3",
}


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
        "django.core.cache.backends.redis.RedisCache",
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
