"""Transmission to partners, after the sharing has been accepted and recorded.

A partner receives only what `share_with` accepted: the payload is rebuilt from the disclosure
record (its categories) and the person's current data. The transport is set per partner in the
environment (`PARTNER_<CODE>_URL` for an HTTPS endpoint); without one, the payload is written to
`var/outbound/<code>.jsonl`, as the development email backend writes files, so that what would
leave can be read.
"""

import json
import os
import urllib.request
import uuid

from django.conf import settings
from django.utils import timezone

from charte.privacy.register import Category
from charte.recipients.models import Disclosure

FIELDS_BY_CATEGORY = {
    Category.IDENTITY: ("first_name", "last_name"),
    Category.CONTACT: ("email",),
}


def payload(disclosure: Disclosure) -> dict[str, object]:
    person = disclosure.person
    data: dict[str, object] = {
        "reference": str(disclosure.public_id),
        "purpose": disclosure.purpose,
    }
    if person is not None:
        for category in disclosure.categories:
            for field in FIELDS_BY_CATEGORY.get(Category(category), ()):
                data[field] = getattr(person, field)
    return data


def send(code: str, disclosure_id: uuid.UUID | str) -> None:
    disclosure = Disclosure.objects.select_related("person").filter(public_id=disclosure_id).first()
    if disclosure is None:
        return
    body = json.dumps(payload(disclosure), ensure_ascii=False)
    url = os.environ.get(f"PARTNER_{code.upper()}_URL")
    if url:
        if not url.startswith("https://"):
            raise ValueError(f"PARTNER_{code.upper()}_URL must be an https:// address.")
        request = urllib.request.Request(  # noqa: S310  (https only, checked above)
            url, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            response.read()
        return
    outbound = settings.VAR_DIR / "outbound"
    outbound.mkdir(parents=True, exist_ok=True)
    with (outbound / f"{code}.jsonl").open("a", encoding="utf-8") as file:
        file.write(
            json.dumps(
                {"at": timezone.now().isoformat(), "payload": json.loads(body)}, ensure_ascii=False
            )
            + "\n"
        )
