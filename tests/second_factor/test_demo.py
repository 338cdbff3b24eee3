"""The demo's staff accounts pass the second factor with the key seed_demo prints."""

import importlib.util
import io
from binascii import unhexlify
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP

from charte.core.demo import DEMO_PASSWORD
from charte.second_factor.demo import DEMO_TOTP_KEY, demo_secret
from tests.second_factor.helpers import LOGIN, VERIFY

pytestmark = pytest.mark.django_db


def screenshots_script():
    path = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("screenshots", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_demo_prints_the_key_and_demo_code_the_code_that_opens_a_staff_page():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    code = io.StringIO()
    call_command("demo_code", stdout=code)
    client = Client()

    signed_in = client.post(
        LOGIN, {"username": "elise.moreau@charte.example", "password": DEMO_PASSWORD}
    )
    verified = client.post(VERIFY, {"code": code.getvalue().split()[0]})

    assert demo_secret() in out.getvalue()
    assert signed_in["Location"].startswith(VERIFY)
    assert verified.status_code == 302
    assert client.get("/journal/").status_code == 200


def test_the_screenshots_script_types_the_same_code():
    script = screenshots_script()

    assert script.DEMO_TOTP_KEY == DEMO_TOTP_KEY
    assert script.demo_code() == f"{TOTP(unhexlify(DEMO_TOTP_KEY)).token():06d}"
