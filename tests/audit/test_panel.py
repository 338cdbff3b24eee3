"""IT and the DPO find the journal's health and its latest alerts on their home page."""

import pytest

from charte.audit import events
from charte.audit.alerts import raise_alert
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_alert_shows_on_the_home_page_of_it_and_the_dpo(it_jules, dpo_elise, guardian_anna):
    raise_alert(event=events.ALERT_PRIVILEGE_GRANTED, data={"role": "it"})

    for person in (it_jules, dpo_elise):
        text = client_for(person).get("/").content.decode()
        assert "Journal de sécurité" in text
        assert "droits d&#x27;administration accordés" in text
    parent = client_for(guardian_anna).get("/").content.decode()
    assert "Journal de sécurité" not in parent


def test_without_alerts_the_block_says_so(it_jules):
    text = client_for(it_jules).get("/").content.decode()

    assert "Aucune alerte." in text
    assert "Dernière vérification" in text
