"""A person's second factors: authenticator apps (django-otp's TOTPDevice), passkeys, and
recovery codes. Each is a django-otp `Device`, so that one session key (django-otp's
`otp_device_id`) says which factor verified the session, whatever its kind, and deleting a
factor ends the verification of every session it verified.
"""

import hashlib
import secrets
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager, ThrottlingMixin

from charte.core.models import PublicIdModel


def new_salt() -> str:
    return secrets.token_hex(16)


class PasskeyManager(DeviceManager, models.Manager["Passkey"]):
    pass


class RecoveryCodeSetManager(DeviceManager, models.Manager["RecoveryCodeSet"]):
    pass


class Passkey(PublicIdModel, Device):
    """A WebAuthn credential (a passkey, a security key): only its public key is kept here."""

    credential_id = models.BinaryField(_("identifiant de la clé"), unique=True)
    public_key = models.BinaryField(_("clé publique"))
    sign_count = models.PositiveBigIntegerField(_("compteur de signatures"), default=0)
    transports = models.JSONField(_("moyens de connexion"), default=list, blank=True)
    created_at = models.DateTimeField(_("ajoutée le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    objects = PasskeyManager()

    class Meta:
        verbose_name = _("clé d'accès")
        verbose_name_plural = _("clés d'accès")

    def verify_token(self, token: object) -> bool:
        return False  # a passkey answers a challenge (see charte.second_factor.passkeys)


class RecoveryCodeSet(ThrottlingMixin, Device, models.Model):
    """A person's recovery codes, each usable once, kept only as salted scrypt digests.

    The codes are shown once, when they are made; only their digests are stored, under a salt
    of the set, so that checking a typed code costs one scrypt whatever the number of codes.
    """

    COUNT: ClassVar[int] = 10
    salt = models.CharField(_("sel"), max_length=32, default=new_salt)
    created_at = models.DateTimeField(_("créés le"), default=timezone.now)

    objects = RecoveryCodeSetManager()

    class Meta:
        verbose_name = _("codes de secours")
        verbose_name_plural = _("codes de secours")

    def __str__(self) -> str:
        return f"recovery codes of {self.user_id}"

    def digest(self, code: str) -> str:
        return hashlib.scrypt(
            normalise_code(code).encode(), salt=self.salt.encode(), n=2**14, r=8, p=1, dklen=32
        ).hex()

    def unused(self) -> "models.QuerySet[RecoveryCode]":
        return self.codes.filter(used_at__isnull=True)

    def verify_token(self, token: object) -> bool:
        """Use up one unused code (the caller journals it); throttled like the other factors."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        code = self.unused().filter(digest=self.digest(str(token))).first()
        if code is None:
            self.throttle_increment(commit=True)
            return False
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
        self.throttle_reset(commit=True)
        return True

    def get_throttle_factor(self) -> int:
        return 1


class RecoveryCode(models.Model):
    code_set = models.ForeignKey(
        RecoveryCodeSet, on_delete=models.CASCADE, related_name="codes", verbose_name=_("jeu")
    )
    digest = models.CharField(_("empreinte"), max_length=64)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("code de secours")
        verbose_name_plural = _("codes de secours")
        constraints = [
            models.UniqueConstraint(fields=["code_set", "digest"], name="second_factor_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code_set_id}: {'used' if self.used_at else 'unused'}"


# Recovery codes: 12 characters from an alphabet without look-alikes (no 0/o, 1/l/i), about
# 59 bits each, written in groups of four.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 12


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())
