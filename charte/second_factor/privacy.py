from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from charte.privacy.register import Category
from charte.privacy.registry import Delete, derived, observed, provided, registry
from charte.second_factor.models import Passkey, RecoveryCode, RecoveryCodeSet

# Secrets and keys are `credentials`: never in an access archive (a file that travels).
_KEY = _("clé secrète partagée avec votre application d'authentification, jamais affichée après")

registry.personal(
    TOTPDevice,
    plural_name=_("applications d'authentification"),
    subjects=("user",),
    purposes=("account",),
    fields={
        "user": observed(Category.REFERENCE),
        "name": derived(Category.ACCOUNT),
        "confirmed": derived(Category.ACCOUNT),
        "key": derived(Category.CREDENTIALS, _KEY),
        "step": derived(Category.ACCOUNT),
        "t0": derived(Category.ACCOUNT),
        "digits": derived(Category.ACCOUNT),
        "tolerance": derived(Category.ACCOUNT),
        "drift": observed(Category.CONNECTION),
        "last_t": observed(Category.CONNECTION),
        "throttling_failure_timestamp": observed(Category.CONNECTION),
        "throttling_failure_count": observed(Category.CONNECTION),
        "created_at": observed(Category.ACCOUNT),
        "last_used_at": observed(Category.CONNECTION),
    },
    erasure=Delete(),
    retention="with_account",
)

registry.personal(
    Passkey,
    subjects=("user",),
    purposes=("account",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "user": observed(Category.REFERENCE),
        "name": provided(Category.ACCOUNT),
        "confirmed": derived(Category.ACCOUNT),
        "credential_id": observed(Category.CREDENTIALS),
        "public_key": observed(Category.CREDENTIALS, _("la clé publique de votre clé d'accès")),
        "sign_count": observed(Category.CONNECTION),
        "transports": observed(Category.CONNECTION),
        "created_at": observed(Category.ACCOUNT),
        "last_used_at": observed(Category.CONNECTION),
    },
    erasure=Delete(),
    retention="with_account",
)

registry.personal(
    RecoveryCodeSet,
    subjects=("user",),
    purposes=("account",),
    fields={
        "user": observed(Category.REFERENCE),
        "name": derived(Category.ACCOUNT),
        "confirmed": derived(Category.ACCOUNT),
        "salt": derived(Category.CREDENTIALS),
        "created_at": observed(Category.ACCOUNT),
        "throttling_failure_timestamp": observed(Category.CONNECTION),
        "throttling_failure_count": observed(Category.CONNECTION),
    },
    erasure=Delete(),
    retention="with_account",
)

registry.personal(
    RecoveryCode,
    subjects=("code_set__user",),
    purposes=("account",),
    fields={
        "code_set": derived(Category.REFERENCE),
        "digest": derived(
            Category.CREDENTIALS, _("empreinte d'un code de secours ; le code n'est pas gardé")
        ),
        "used_at": observed(Category.CONNECTION),
    },
    erasure=Delete(),
    retention="with_account",
)
