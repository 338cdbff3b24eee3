"""Signing in as a person would, second factor included: the codes an app would show."""

import time

from django.test import Client
from django.urls import reverse
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from charte.accounts.models import User
from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")
VERIFY = reverse("second_factor:verify")
SETUP = reverse("second_factor:setup")


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or `steps_ahead` periods of 30 s later)."""
    step = int((time.time() - device.t0) // device.step) + device.drift + steps_ahead
    return f"{hotp(device.bin_key, step, device.digits):0{device.digits}d}"


def give_app(user: User) -> TOTPDevice:
    """A person who set up an authenticator app earlier."""
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def sign_in(client: Client, user: User, password: str = PASSWORD):
    return client.post(LOGIN, {"username": user.login, "password": password})


def sign_in_fully(client: Client, user: User, device: TOTPDevice) -> Client:
    sign_in(client, user)
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 302, response
    return client


def ensure_app(user: User) -> TOTPDevice:
    """The person's authenticator app: set up before they sign in, if they have none."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or give_app(user)


def pass_in_browser(page, user: User, *, steps_ahead: int = 0) -> None:
    """On the verification page after the password: type the code the person's app shows."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    page.get_by_label("Code à 6 chiffres").fill(code_for(device, steps_ahead=steps_ahead))
    page.get_by_role("button", name="Valider").click()
