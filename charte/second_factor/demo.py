"""The demo's staff accounts have an authenticator app already, all with one published key.

Why: a visitor of the demo wants to see every staff page at once. One key serves the six staff
accounts: added once to an authenticator app, or read with `manage.py demo_code`, which prints
the current code. Setting a factor up is still shown by any new staff account, and by a parent
or teacher turning it on. The key is public: only ever in the demo (seed_demo, never production).
"""

from base64 import b32encode
from binascii import unhexlify

from django_otp.plugins.otp_totp.models import TOTPDevice

from charte.accounts.models import User
from charte.core.demo import Demo, DemoLogin
from charte.second_factor.queries import required_for

DEMO_TOTP_KEY = "6368617274652d64656d6f2d323032362d6f7470"  # "charte-demo-2026-otp"


def demo_secret() -> str:
    """The key as an authenticator app takes it (base32), in groups of four."""
    secret = b32encode(unhexlify(DEMO_TOTP_KEY)).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def seed(demo: Demo) -> None:
    staff = [p for p in demo.people.values() if isinstance(p, User) and required_for(p)]
    for person in staff:
        if not TOTPDevice.objects.filter(user=person, confirmed=True).exists():
            TOTPDevice.objects.create(user=person, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
    logins = {p.login for p in staff}
    last_staff = max((i for i, row in enumerate(demo.logins) if row.login in logins), default=-1)
    if last_staff >= 0:
        demo.logins.insert(
            last_staff + 1,
            DemoLogin(
                who="Second facteur des comptes internes",
                login=f"clé {demo_secret()}",
                note="à ajouter dans une application d'authentification, "
                "ou le code du moment : .venv/bin/python manage.py demo_code",
            ),
        )
