from django.utils.translation import gettext_lazy as _

from charte.accounts.models import Guardianship, Session, User
from charte.privacy.register import Category
from charte.privacy.registry import SELF, Delete, derived, from_others, observed, provided, registry

registry.personal(
    User,
    subjects=(SELF,),
    purposes=("account", "groups", "security_journal"),
    fields={
        "public_id": derived(Category.REFERENCE),
        "email": provided(Category.CONTACT),
        "username": provided(Category.IDENTITY),
        "first_name": provided(Category.IDENTITY),
        "last_name": provided(Category.IDENTITY),
        "password": provided(Category.CREDENTIALS),
        "role": provided(Category.ACCOUNT),
        "is_staff": derived(Category.ACCOUNT),
        "birth_date": provided(Category.AGE),
        "country": provided(Category.ACCOUNT),
        "phone": provided(Category.CONTACT),
        "language": provided(Category.ACCOUNT),
        "is_active": derived(Category.ACCOUNT),
        "created_at": observed(Category.ACCOUNT),
        "last_login": observed(Category.CONNECTION),
        "last_seen_at": observed(Category.CONNECTION),
        "last_order_at": observed(Category.ORDERS),
        "deceased_at": from_others(Category.ACCOUNT),
    },
    erasure=Delete(),
    retention="account",
)

_SESSION_INTERNALS = _(
    "le contenu technique de la session (moyen de connexion, empreinte dérivée du mot de "
    "passe, repères du serveur) : sans intérêt pour la personne et aussi sensible qu'un mot "
    "de passe, il n'est jamais mis dans une archive ; seule la date d'expiration y figure"
)

registry.personal(
    Session,
    plural_name=_("sessions de connexion"),
    subjects=("user",),
    purposes=("account",),
    fields={
        # The key is the session's bearer secret (and its primary key): never in an archive.
        "session_key": observed(Category.CONNECTION),
        # The session's internals: which sign-in backend, a fingerprint of the password and
        # the server's own markers. Of no use to the person, and the fingerprint proves a
        # sign-in as a password would: kept out of archives, like a password.
        "session_data": observed(Category.CREDENTIALS, _SESSION_INTERNALS),
        "expire_date": observed(Category.CONNECTION),
        "user": observed(Category.REFERENCE),
    },
    erasure=Delete(),
    retention="session",
    retention_from="expire_date",
)

registry.personal(
    Guardianship,
    subjects=("guardian", "child"),
    purposes=("groups", "consent_proof"),
    fields={
        "public_id": derived(Category.REFERENCE),
        "guardian": provided(Category.FAMILY),
        "child": provided(Category.FAMILY),
        "status": derived(Category.FAMILY),
        "created_at": observed(Category.FAMILY),
        "confirmed_at": observed(Category.FAMILY),
    },
    erasure=Delete(),
    retention="with_account",
)
