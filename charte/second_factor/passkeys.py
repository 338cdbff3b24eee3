"""Passkeys (WebAuthn) as a second factor, with py_webauthn doing the cryptography.

Design: the browser's part is `static/second_factor/passkeys.js` (ours, no library). The server
makes a fresh challenge for each ceremony and keeps it in the session, for one use within
`CHALLENGE_TTL`; the answer must come from our own origin for our relying party id. The
relying party id is the host the request came to, which Django has already checked against
ALLOWED_HOSTS (in production, the site's own name; in development, `localhost`). WebAuthn does
not work on a bare IP address such as 127.0.0.1: the pages then say so and offer the app.
Only the credential's public key and signature counter are kept.
"""

import ipaddress
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from charte.accounts.models import User
from charte.second_factor.models import Passkey

CHALLENGE_KEY = "_webauthn_challenge"
CHALLENGE_TTL = timedelta(minutes=5)
# How long the browser waits for the person's authenticator before it gives up. Browsers keep
# it between 10 seconds and 10 minutes, whatever is asked.
CEREMONY_TIMEOUT = timedelta(minutes=1)


class PasskeyError(Exception):
    """The browser's answer did not verify (or came too late, or for another ceremony)."""


def relying_party(request: HttpRequest) -> tuple[str, str]:
    """(relying party id, origin) for this request: the host, as ALLOWED_HOSTS let it in."""
    host = request.get_host()
    hostname, _port = split_domain_port(host)
    return hostname, f"{request.scheme}://{host}"


def available(request: HttpRequest) -> bool:
    """Passkeys need a host name: browsers refuse them on an IP address."""
    hostname, _origin = relying_party(request)
    try:
        ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        return bool(hostname)
    return False


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    transports = []
    for value in passkey.transports or []:
        try:
            transports.append(AuthenticatorTransport(value))
        except ValueError:
            continue
    return PublicKeyCredentialDescriptor(id=bytes(passkey.credential_id), transports=transports)


def _timeout_ms() -> int:
    return int(CEREMONY_TIMEOUT.total_seconds() * 1000)


def _remember(request: HttpRequest, purpose: str, challenge: bytes) -> None:
    request.session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "at": timezone.now().isoformat(),
    }


def _take_challenge(request: HttpRequest, purpose: str) -> bytes:
    """The challenge of this ceremony, usable once: a replayed answer finds none."""
    stored = request.session.pop(CHALLENGE_KEY, None)
    if not isinstance(stored, dict) or stored.get("purpose") != purpose:
        raise PasskeyError("no challenge")
    try:
        at = datetime.fromisoformat(stored["at"])
        challenge = base64url_to_bytes(stored["challenge"])
    except (KeyError, ValueError, TypeError):
        raise PasskeyError("bad challenge") from None
    if timezone.now() - at > CHALLENGE_TTL:
        raise PasskeyError("challenge expired")
    return challenge


def registration_options(request: HttpRequest, user: User) -> str:
    rp_id, _origin = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.OTP_TOTP_ISSUER,
        user_id=user.public_id.bytes,
        user_name=user.login,
        user_display_name=user.full_name or user.login,
        timeout=_timeout_ms(),
        exclude_credentials=[_descriptor(p) for p in Passkey.objects.filter(user=user)],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    _remember(request, "register", options.challenge)
    return options_to_json(options)


@dataclass(frozen=True)
class Registered:
    credential_id: bytes
    public_key: bytes
    sign_count: int
    transports: list[str]


def verify_registration(request: HttpRequest, credential: dict[str, Any]) -> Registered:
    challenge = _take_challenge(request, "register")
    rp_id, origin = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise PasskeyError(str(exc)) from exc
    transports = credential.get("response", {}).get("transports") or []
    return Registered(
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t for t in transports if isinstance(t, str)][:8],
    )


def authentication_options(request: HttpRequest, user: User) -> str:
    rp_id, _origin = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=[_descriptor(p) for p in Passkey.objects.filter(user=user)],
        timeout=_timeout_ms(),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _remember(request, "authenticate", options.challenge)
    return options_to_json(options)


def verify_authentication(
    request: HttpRequest, user: User, credential: dict[str, Any]
) -> tuple[Passkey, int]:
    """The person's passkey that signed this session's challenge, and its new counter."""
    challenge = _take_challenge(request, "authenticate")
    raw_id = credential.get("rawId") or credential.get("id") or ""
    try:
        credential_id = base64url_to_bytes(str(raw_id))
    except (ValueError, TypeError):
        raise PasskeyError("bad credential id") from None
    passkey = Passkey.objects.filter(user=user, credential_id=credential_id).first()
    if passkey is None:
        raise PasskeyError("unknown passkey")
    rp_id, origin = relying_party(request)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise PasskeyError(str(exc)) from exc
    return passkey, verified.new_sign_count


def parse(request: HttpRequest) -> dict[str, Any]:
    """The JSON object the script posted (anything else is refused)."""
    if request.content_type != "application/json":
        raise PasskeyError("not JSON")
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise PasskeyError("not JSON") from None
    if not isinstance(data, dict):
        raise PasskeyError("not an object")
    return data
