"""The public charter page says what the journal keeps of connections, and who receives it."""

import pytest
from django.urls import reverse

from charte.audit import events
from charte.privacy import register

pytestmark = pytest.mark.django_db

CHARTER = reverse("privacy:charter")


def test_the_dpo_receives_the_journal_in_the_register_and_on_the_page(client):
    assert "dpo" in {r.code for r in register.recipients_of("security_journal")}

    page = client.get(CHARTER).content.decode()

    journal = page[page.index('id="traitement-security"') :]
    journal = journal[: journal.index('id="traitement-', 10)]
    assert "Notre délégué à la protection des données" in journal


def test_which_events_keep_the_ip_address_comes_from_their_declarations(client, monkeypatch):
    monkeypatch.setattr(events, "_CONNECTION_DATA", dict(events._CONNECTION_DATA))
    events.declare_connection_data("test.carried", reason="une raison déclarée pour l'essai")

    page = client.get(CHARTER).content.decode()

    section = page[page.index('id="journal-connexions"') :]
    section = section[: section.index("</ul>")]
    for code in events.connection_data_events():
        shown = f"<code>{code}*</code>" if code.endswith(".") else f"<code>{code}</code>"
        assert shown in section
    assert "<code>auth.*</code>" in section
    assert "<code>access.denied</code> (Accès refusé)" in section
    assert "<code>subject_request.opened</code>" in section  # declared by the rights engine
    assert "une raison déclarée pour l&#x27;essai" in section
    assert "Un an au maximum" in section
    assert "<code>consent.withdrawn</code>" not in section  # only what is declared


def test_the_journals_notes_are_in_english_too(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(CHARTER).content.decode()

    section = page[page.index('id="journal-connexions"') :]
    assert "What the journal keeps of your connections" in section
    assert "One year at most" in section
