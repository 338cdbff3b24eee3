from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from charte.consent.models import CharterVersion
from tests.conftest import journal

pytestmark = pytest.mark.django_db


def test_each_version_is_kept_and_readable_in_french_and_english(client, monkeypatch):
    from charte.privacy import register

    call_command("charter", "publish", stdout=StringIO())
    recipient = register.Recipient(
        code="tutoring_partner",
        name="Un partenaire de soutien scolaire",
        kind=register.RecipientKind.PARTNER,
        categories=(register.Category.IDENTITY,),
        purposes=("coach",),
        country="FR",
    )
    monkeypatch.setattr(register, "RECIPIENTS", (*register.RECIPIENTS, recipient))
    call_command("charter", "publish", stdout=StringIO())

    listing = client.get(reverse("consent:versions")).content.decode()
    assert "Version 2" in listing
    assert "Version 1" in listing
    assert "Nouveau destinataire : Un partenaire de soutien scolaire." in listing
    assert "changement important" in listing
    old = client.get(reverse("consent:version", args=[1])).content.decode()
    assert "Ce n'est pas la version en vigueur." in old
    assert "Un partenaire de soutien scolaire" not in old
    english = client.get(
        reverse("consent:version", args=[2]), headers={"accept-language": "en"}
    ).content.decode()
    assert "Our personal data protection charter" in english
    assert CharterVersion.objects.get(number=2).material_purposes == ["coach"]
    assert [e.data["version"] for e in journal("charter.published")] == [1, 2]


def test_an_unknown_version_is_not_found(client, db):
    assert client.get(reverse("consent:version", args=[99])).status_code == 404
