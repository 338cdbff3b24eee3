import time
from binascii import unhexlify
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from charte.second_factor.demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current second-factor code of the demo's staff accounts (demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("The demo's key exists only in the demo, never in production.")
        totp = TOTP(unhexlify(DEMO_TOTP_KEY))
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"{totp.token():06d}  (valable encore {left} s)")
