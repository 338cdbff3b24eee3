import json
from io import StringIO

import pytest
from django.core.management import call_command

from charte.privacy import register


def run(*args):
    out = StringIO()
    call_command("register", *args, stdout=out)
    return out.getvalue()


def test_json_holds_the_two_rows_of_annex_1_with_their_legal_bases_and_retention():
    document = json.loads(run("--format", "json"))

    rows = {p["annex_row"]: p for p in document["processings"] if p["annex_row"]}
    assert rows[1]["legal_basis"]["code"] == "consent"
    assert rows[1]["retention"]["code"] == "account"
    assert rows[1]["retention"]["anchor"] == "school_year"
    assert rows[1]["retention"]["period"] == {"years": 0, "months": 3, "days": 0}
    assert rows[2]["legal_basis"]["code"] == "legal_obligation"
    assert "32" in rows[2]["legal_reference"]
    assert rows[2]["retention"]["period"] == {"years": 1, "months": 0, "days": 0}


def test_json_joins_each_purpose_with_the_models_and_categories_it_uses():
    document = json.loads(run("--format", "json"))
    purposes = {
        p["code"]: p for processing in document["processings"] for p in processing["purposes"]
    }

    account = purposes["account"]
    users = next(d for d in account["data"] if d["model"] == "accounts.User")
    assert {"identity", "contact", "credentials"} <= {c["code"] for c in users["categories"]}
    email = next(f for f in users["fields"] if f["name"] == "email")
    assert email == {
        "name": "email",
        "label": "adresse e-mail",
        "category": "contact",
        "provenance": "provided",
    }
    journal = purposes["security_journal"]
    assert [d["model"] for d in journal["data"]] == ["accounts.User", "audit.Entry"]


def test_json_lists_every_purpose_rule_and_recipient_of_the_register():
    document = json.loads(run("--format", "json"))

    codes = {p["code"] for processing in document["processings"] for p in processing["purposes"]}
    assert codes == {p.code for p in register.PURPOSES}
    assert {r["code"] for r in document["retention_rules"]} == {
        r.code for r in register.RETENTION_RULES
    }
    assert {r["code"] for r in document["recipients"]} == {r.code for r in register.RECIPIENTS}
    assert "contenttypes.ContentType" in {
        m["model"] for m in document["models_without_personal_data"]
    }


def test_markdown_is_readable_in_french_and_english():
    french = run("--format", "markdown")
    english = run("--format", "markdown", "--language", "en")

    assert "## La plateforme d'apprentissage" in french
    assert "| accounts.User |" in french
    assert "## The learning platform" in english
    assert "Consent (GDPR art. 6(1)(a))" in english


@pytest.mark.django_db
def test_the_public_charter_page_renders_the_register(client):
    response = client.get("/charte/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "Annexe 1, ligne 1" in text
    assert "Annexe 1, ligne 2" in text
    assert "L&#x27;année scolaire + 3 mois" in text
    assert "Un an au maximum" in text
    assert "CNIL" in text
    for recipient in register.RECIPIENTS:
        assert str(recipient.name).replace("'", "&#x27;") in text


@pytest.mark.django_db
def test_the_charter_and_the_register_say_what_an_objection_to_statistics_does(client):
    """Art. 21 for statistics, and the pseudonym of learning events, in both languages."""
    french = client.get("/charte/").content.decode()
    assert "vous êtes retiré de tous les rapports, sauf de votre propre rapport" in french
    assert "clé secrète qui change à chaque année scolaire" in french
    english = run("--format", "markdown", "--language", "en")
    assert "left out of every report except your own individual report" in english
    assert "secret key that changes every school year" in english
    assert "sauf de votre propre rapport individuel" in run("--format", "markdown")
