"""Signed links for the sign-in address: confirm an account, confirm a new address, cancel it.

Design: no table. Like Django's `PasswordResetTokenGenerator`, a token is a timestamp and an
HMAC (keyed by SECRET_KEY, with its fallbacks) of the account's key, the values the link
carries (the addresses) and the state of the account that the link's use changes. A token
therefore dies by itself once used: confirming a new address changes the account's email,
confirming an account opens it, and both die when the password changes. The addresses travel
in the link (base64, in the path): they are what the link is about, and the only reader of
the email is the mailbox they name. A token older than its `timeout` is refused.

The cancel link is the exception, on purpose: it must keep working after the change it
cancels went through, and after the password changed (an intruder who knows the password
would change it first), so it hashes only the account and the two addresses, and does
the same thing however often it is followed, within its validity.
"""

import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import (
    base36_to_int,
    int_to_base36,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)

from charte.accounts.models import User
from charte.privacy.register import RETENTION_BY_CODE

EPOCH = datetime(2001, 1, 1, tzinfo=UTC)

# How long each link works. A sign-up's link lives as long as the register keeps an unconfirmed
# account (the rule "unconfirmed_sign_up", published on the charter).
SIGN_UP_VALIDITY = timedelta(days=RETENTION_BY_CODE["unconfirmed_sign_up"].days)
EMAIL_CHANGE_VALIDITY = timedelta(days=1)
CANCEL_VALIDITY = timedelta(days=7)


class AccountTokenGenerator:
    """Tokens that name an account and some values, and die when the account's state moves."""

    algorithm = "sha256"

    def __init__(self, *, key_salt: str, timeout: timedelta) -> None:
        self.key_salt = key_salt
        self.timeout = timeout

    def state(self, user: User) -> str:
        """What the use of the link changes: the token dies with it."""
        return ""

    def make_token(self, *, user: User, values: tuple[str, ...] = ()) -> str:
        return self._token(user, values, self._seconds(self._now()), settings.SECRET_KEY)

    def check_token(self, *, user: User | None, values: tuple[str, ...] = (), token: str) -> bool:
        if user is None or not token:
            return False
        try:
            stamp, _digest = token.split("-")
            timestamp = base36_to_int(stamp)
        except ValueError:
            return False
        secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        if not any(
            constant_time_compare(self._token(user, values, timestamp, secret), token)
            for secret in secrets
        ):
            return False
        return 0 <= self._seconds(self._now()) - timestamp <= self.timeout.total_seconds()

    def _token(
        self, user: User, values: tuple[str, ...], timestamp: int, secret: str | bytes
    ) -> str:
        message = "\x1f".join([str(user.pk), str(timestamp), *values, self.state(user)])
        digest = salted_hmac(self.key_salt, message, secret=secret, algorithm=self.algorithm)
        return f"{int_to_base36(timestamp)}-{digest.hexdigest()[::2]}"

    @staticmethod
    def _seconds(moment: datetime) -> int:
        return int((moment - EPOCH).total_seconds())

    def _now(self) -> datetime:
        return timezone.now()


class SignUpTokenGenerator(AccountTokenGenerator):
    """Confirms a new account's address: dies once the account is open or its password set anew."""

    def state(self, user: User) -> str:
        return f"{user.password}\x1f{user.is_active}\x1f{user.email or ''}"


class EmailChangeTokenGenerator(AccountTokenGenerator):
    """Confirms a new address: dies once the email changed (to it or another) or the password."""

    def state(self, user: User) -> str:
        return f"{user.password}\x1f{user.email or ''}"


sign_up_tokens = SignUpTokenGenerator(key_salt="charte.accounts.sign_up", timeout=SIGN_UP_VALIDITY)
email_change_tokens = EmailChangeTokenGenerator(
    key_salt="charte.accounts.email_change", timeout=EMAIL_CHANGE_VALIDITY
)
cancel_tokens = AccountTokenGenerator(
    key_salt="charte.accounts.email_change_cancel", timeout=CANCEL_VALIDITY
)


def encode_values(*values: str) -> str:
    """Addresses for a link's path (an address has no newline)."""
    return urlsafe_base64_encode(force_bytes("\n".join(values)))


def decode_values(encoded: str, count: int) -> tuple[str, ...] | None:
    try:
        values = tuple(force_str(urlsafe_base64_decode(encoded)).split("\n"))
    except (ValueError, UnicodeDecodeError):
        return None
    return values if len(values) == count and all(values) else None


def person_for(uid: str) -> User | None:
    """The account a link's `uid` (its public id, hex) names, or None."""
    try:
        public_id = uuid.UUID(hex=uid)
    except ValueError:
        return None
    return User.objects.filter(public_id=public_id).first()


# The links, always on our own address (SITE_URL), never on the Host header of a request. ----


def _absolute(name: str, *args: str) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def sign_up_url(person: User) -> str:
    token = sign_up_tokens.make_token(user=person)
    return _absolute("accounts:sign_up_confirm", person.public_id.hex, token)


def email_change_url(person: User, new: str) -> str:
    token = email_change_tokens.make_token(user=person, values=(new,))
    return _absolute(
        "accounts:email_change_confirm", person.public_id.hex, encode_values(new), token
    )


def cancel_url(person: User, *, old: str, new: str) -> str:
    token = cancel_tokens.make_token(user=person, values=(old, new))
    return _absolute(
        "accounts:email_change_cancel", person.public_id.hex, encode_values(old, new), token
    )


def recovery_urls() -> dict[str, str]:
    """Where the holder of an address goes to sign in, or to choose a new password."""
    return {
        "login_url": _absolute("accounts:login"),
        "reset_url": _absolute("accounts:password_reset"),
    }
