"""IT and the DPO search and export the journal, each search journalled; nobody else gets in."""

import csv
import io
import uuid
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from charte import audit
from charte.accounts.models import Role
from charte.audit import events
from charte.core.actors import ANONYMOUS, RETENTION, person_ref
from tests.audit.conftest import write
from tests.conftest import client_for, journal
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SEARCH = reverse("audit:search")
EXPORT = reverse("audit:export")


@pytest.fixture
def history(clock, guardian_anna, child_ben, teacher_chloe):
    """Anna signs in, her son's results are read by his teacher, a job runs, over three days."""
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    audit.record(
        event="auth.login",
        actor=guardian_anna,
        subject=guardian_anna,
        meta={"ip": "203.0.113.5", "user_agent": "Firefox"},
    )
    clock.advance(days=1)
    audit.record_read(viewer=teacher_chloe, subject=child_ben, what="results")
    clock.advance(days=1)
    audit.record(event="retention.swept", actor=RETENTION, data={"count": 3})
    return clock


@pytest.mark.parametrize(
    "role", [r for r in Role if r not in {Role.IT, Role.DPO}], ids=lambda r: r.value
)
def test_everyone_but_it_and_the_dpo_is_told_the_page_does_not_exist(role):
    someone = make_user(role=role)

    for url in (SEARCH, EXPORT):
        response = client_for(someone).get(url, {"event": "auth.*"})
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()

    denied = journal(events.ACCESS_DENIED, about=someone)
    assert [e.data for e in denied] == [
        {"view": "audit:search", "status": 404},
        {"view": "audit:export", "status": 404},
    ]
    assert journal(events.SEARCHED) == []


def test_a_visitor_is_told_the_same(client, db):
    assert client.get(SEARCH).status_code == 404


@pytest.mark.parametrize("reader", ["it_jules", "dpo_elise"])
def test_it_and_the_dpo_see_the_form_and_the_menu_entry(reader, request):
    user = request.getfixturevalue(reader)

    response = client_for(user).get(SEARCH)

    text = response.content.decode()
    assert response.status_code == 200
    assert "Journal d'activité et de sécurité" in text
    assert f'href="{SEARCH}"' in client_for(user).get(reverse("home")).content.decode()
    assert journal(events.SEARCHED) == []  # an empty form searched nothing


def test_the_menu_entry_is_not_shown_to_others(guardian_anna):
    assert f'href="{SEARCH}"' not in client_for(guardian_anna).get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "typed", ["anna@famille.test", "ANNA@famille.test", "{public_id}", "user:{public_id}"]
)
def test_searching_by_person_by_email_or_public_id(history, it_jules, guardian_anna, typed):
    typed = typed.format(public_id=guardian_anna.public_id)

    response = client_for(it_jules).get(SEARCH, {"person": typed})

    text = response.content.decode()
    assert "2 entrées trouvées" in text  # her account's creation, and her sign-in
    assert "Connexion" in text
    assert "203.0.113.5" in text
    [searched] = journal(events.SEARCHED)
    assert searched.actor_ref == person_ref(it_jules)
    assert searched.subject_ref == person_ref(guardian_anna)  # her own access shows who looked
    assert searched.data == {
        "filters": {"person": person_ref(guardian_anna)},
        "results": 2,
        "page": 1,
    }
    assert "anna" not in str(searched.data).lower()


def test_searching_by_a_pupils_username(history, dpo_elise, child_ben, teacher_chloe):
    response = client_for(dpo_elise).get(SEARCH, {"person": "ben.martin"})

    text = response.content.decode()
    assert "2 entrées trouvées" in text
    assert "Consultation de données personnelles" in text
    assert "chloe@college.test" in text  # the teacher who read, named for IT and the DPO


def test_searching_for_an_erased_person_by_the_reference_the_journal_kept(it_jules, db):
    gone = f"user:{uuid.uuid4()}"
    from charte.audit import chain

    chain.append(
        event="test.done", actor_ref="system:x", subject_ref=gone, data={}, ip=None, user_agent=""
    )

    response = client_for(it_jules).get(SEARCH, {"person": gone})

    assert "1 entrée trouvée" in response.content.decode()
    [searched] = journal(events.SEARCHED)
    assert searched.subject_ref == ""
    assert searched.data["filters"] == {"person": gone}


def test_searching_by_actor_event_family_and_period(history, it_jules, teacher_chloe):
    client = client_for(it_jules)

    by_actor = client.get(SEARCH, {"actor": "chloe@college.test"}).content.decode()
    by_system = client.get(SEARCH, {"actor": "system:retention"}).content.decode()
    by_family = client.get(SEARCH, {"event": "read.*"}).content.decode()
    by_event = client.get(SEARCH, {"event": "auth.login"}).content.decode()
    by_period = client.get(SEARCH, {"start": "2026-03-03", "end": "2026-03-03"}).content.decode()

    assert "1 entrée trouvée" in by_actor
    assert "retention.swept" in by_system
    assert "read.results" in by_family
    assert "2 entrées trouvées" in by_event  # Anna's sign-in, and Jules's own
    assert "1 entrée trouvée" in by_period
    assert "read.results" in by_period
    assert len(journal(events.SEARCHED)) == 5


def test_results_come_newest_first_fifty_a_page_and_each_page_is_journalled(it_jules, db):
    write(60)
    client = client_for(it_jules)

    first = client.get(SEARCH, {"event": "test.done"}).content.decode()
    second = client.get(SEARCH, {"event": "test.done", "page": "2"}).content.decode()

    assert "60 entrées trouvées" in first
    assert "Page 1 sur 2" in first
    assert first.index("<td>60</td>") < first.index("<td>59</td>")
    assert "<td>10</td>" not in first
    assert "<td>10</td>" in second
    assert "?event=test.done&amp;page=2" in first
    assert [e.data["page"] for e in journal(events.SEARCHED)] == [1, 2]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"person": "personne@nulle.part"}, "Aucun compte ne correspond."),
        ({"start": "2026-03-04", "end": "2026-03-02"}, "La fin de la période précède son début."),
        ({"event": "DROP TABLE"}, "Un événement s&#x27;écrit en minuscules"),
        ({"start": "hier"}, "Saisissez une date valide."),
    ],
)
def test_a_bad_search_says_why_and_searches_nothing(it_jules, query, message):
    response = client_for(it_jules).get(SEARCH, query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert journal(events.SEARCHED) == []


def test_the_export_is_csv_names_people_by_reference_only_and_is_journalled(
    history, it_jules, guardian_anna
):
    audit.record(
        event="auth.login_failed",
        actor=ANONYMOUS,
        subject=guardian_anna,
        meta={"ip": "198.51.100.1", "user_agent": '=HYPERLINK("http://evil.example")'},
    )

    response = client_for(it_jules).get(EXPORT, {"person": "anna@famille.test"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="journal-')
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["seq", "at", "event", "actor", "subject", "data", "ip", "user_agent"]
    assert [r[2] for r in rows[1:]] == ["auth.login_failed", "auth.login", "account.created"]
    assert {r[4] for r in rows[1:]} == {person_ref(guardian_anna)}
    assert "anna@famille.test" not in body
    assert rows[1][7] == '\'=HYPERLINK("http://evil.example")'  # a spreadsheet will not run it
    [exported] = journal(events.EXPORTED)
    assert exported.data == {"filters": {"person": person_ref(guardian_anna)}, "results": 3}
    assert exported.actor_ref == person_ref(it_jules)
    assert exported.subject_ref == person_ref(guardian_anna)


def test_the_page_reads_in_english_too(it_jules):
    client = client_for(it_jules)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    text = client.get(SEARCH, {"event": "auth.*"}).content.decode()

    assert "Activity and security journal" in text
    assert "1 entry found" in text  # his own sign-in


def test_the_integrity_panel_says_when_the_journal_was_last_sealed_and_checked(
    three_sealed_days, it_jules
):
    from tests.audit.conftest import run_journal

    run_journal("verify")

    text = client_for(it_jules).get(SEARCH).content.decode()

    assert "4 mars 2026" in text
    assert "intact" in text


def test_a_page_outside_any_page_range_shows_the_last(it_jules, db):
    write(3)

    response = client_for(it_jules).get(SEARCH, {"event": "test.done", "page": "99"})

    assert "3 entrées trouvées" in response.content.decode()


def test_the_anonymous_visitor_is_not_journalled_as_a_search(db):
    Client().get(SEARCH, {"person": "x"})

    assert journal(events.SEARCHED) == []
    [denied] = journal(events.ACCESS_DENIED)
    assert denied.actor_ref == "system:anonymous"


def test_the_dpo_reads_events_and_their_details_in_words(dpo_elise, guardian_anna, teacher_chloe):
    audit.record(
        event="order.placed",
        actor=guardian_anna,
        subject=guardian_anna,
        data={"amount_cents": 490, "plan": "famille-mensuel"},
    )
    audit.record(
        event="support.report_assigned",
        actor=dpo_elise,
        data={"report": "r-1", "assignee": person_ref(teacher_chloe)},
    )

    client = client_for(dpo_elise)
    page = client.get(SEARCH, {"event": "order.placed"}).content.decode()
    assert "<td>Commande passée<br>" in page
    assert '<span class="muted">montant</span> 4,90 €' in page
    assert "amount_cents" not in page

    page = client.get(SEARCH, {"event": "support.*"}).content.decode()
    assert "<td>Signalement confié<br>" in page
    assert f'<span class="muted">confiée à</span> {teacher_chloe.email}' in page
