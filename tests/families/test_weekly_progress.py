"""The weekly progress email: a parent asks for it on their consent page, receives each child's
week (exercises, success, competencies that moved, work handed in or late) in their language,
stops it in one click from the email; a child whose data is restricted is left out; a week is
sent once however often the job runs."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from charte.accounts import actions as accounts
from charte.accounts.models import Role
from charte.assignments import actions as assignment_actions
from charte.assignments.models import Assignment, Production
from charte.consent.actions import record_choices
from charte.consent.purposes import purposes_for
from charte.consent.queries import consent_holds
from charte.core.errors import ActionError
from charte.families.progress import KIND, PURPOSE, Week
from charte.families.tasks import send_weekly_progress
from charte.notifications.models import Message
from charte.results.models import Attempt
from charte.schools.models import Enrolment
from charte.subject_requests.models import Kind
from tests.conftest import birthday, client_for, journal
from tests.consent.helpers import adopt
from tests.factories import make_user
from tests.learning import attempt, catalogue, chloe_class, enrol, give_work, school

__all__ = ["catalogue", "chloe_class", "school"]
from tests.subject_requests.helpers import online, staff_url

pytestmark = pytest.mark.django_db

LAST_WEEK = Week.before(timezone.now())


@pytest.fixture
def ben(catalogue, chloe_class, guardian_anna, child_ben):
    adopt(guardian=guardian_anna, child=child_ben)
    enrol(child_ben, chloe_class)
    # In the class since the start of the year: the work set last week is his to hand in.
    Enrolment.objects.filter(pupil=child_ben).update(started_at=timezone.now() - timedelta(days=60))
    return child_ben


def turn_on(parent, give=True):
    """The parent's own consent page: the privacy centre's button for this purpose."""
    return client_for(parent).post(
        reverse("consent:choose", args=[parent.public_id]),
        {"purpose": PURPOSE, "give": "1" if give else "0"},
    )


def during_last_week(model, pk, field, *, day=2, hour=16):
    moment = LAST_WEEK.start + timedelta(days=day, hours=hour)
    model.objects.filter(pk=pk).update(**{field: moment})
    return moment


def run(django_capture_on_commit_callbacks, week=LAST_WEEK):
    with django_capture_on_commit_callbacks(execute=True):
        return send_weekly_progress.call(week=week.key)


def a_busy_week(pupil, teacher, school_class):
    """Two exercises done last week, a third earlier; work handed in late, work not handed in."""
    earlier = attempt(pupil, "republique-symboles", right=1)
    Attempt.objects.filter(pk=earlier.pk).update(created_at=LAST_WEEK.start - timedelta(days=3))
    for slug in ("republique-symboles", "republique-valeurs"):
        made = attempt(pupil, slug)
        during_last_week(Attempt, made.pk, "created_at")
    handed = give_work(
        teacher, school_class, title="Exposé sur la laïcité", expects_production=True
    )
    production = assignment_actions.hand_in(
        assignment=handed, pupil=pupil, text="Mon exposé", files=[], actor=pupil
    )
    during_last_week(Assignment, handed.pk, "due_at", day=1)
    during_last_week(Assignment, handed.pk, "created_at", day=-5)
    during_last_week(Production, production.pk, "submitted_at", day=3)
    missed = give_work(teacher, school_class, title="Fiche sur le vote", expects_production=True)
    during_last_week(Assignment, missed.pk, "due_at", day=4)
    during_last_week(Assignment, missed.pk, "created_at", day=-5)


def test_a_parent_turns_it_on_and_receives_the_childs_week_with_one_click_unsubscribe(
    ben, guardian_anna, teacher_chloe, chloe_class, django_capture_on_commit_callbacks
):
    a_busy_week(ben, teacher_chloe, chloe_class)
    assert run(django_capture_on_commit_callbacks) == 0  # not asked for: nothing
    assert mail.outbox == []

    assert turn_on(guardian_anna).status_code == 302
    assert consent_holds(guardian_anna, PURPOSE)
    given = journal("consent.given", about=guardian_anna)[-1]
    assert (given.data["purpose"], given.data["channel"]) == (PURPOSE, "privacy_centre")

    assert run(django_capture_on_commit_callbacks) == 1

    [email] = mail.outbox
    assert email.to == ["anna@famille.test"]
    assert email.subject.startswith("La semaine de Ben, du ")
    body = email.body
    assert "2 exercices faits" in body
    assert "2 réussis" in body
    assert "Réussite moyenne : 100 %." in body
    assert "Compétences qui ont bougé" in body
    assert "Débute → Acquis" in body  # the earlier failure, then last week's successes
    assert "« Exposé sur la laïcité », rendu le" in body
    assert ", en retard" in body
    assert "« Fiche sur le vote », à rendre pour le" in body
    assert "pas encore rendu" in body
    assert reverse("families:child", args=[ben.public_id]) in body
    [message] = Message.objects.filter(kind=KIND)
    assert (message.recipient, message.about) == (guardian_anna, ben)
    assert message.campaign == f"progress:{LAST_WEEK.key}"
    [sent] = journal("families.weekly_progress_sent", about=ben)
    assert sent.data == {"week": LAST_WEEK.key, "messages": 1}
    assert [e.data["kind"] for e in journal("notification.sent", about=ben)] == [KIND]

    # One click from the email, as a mail client does it (RFC 8058), signed out.
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in body
    path = urlsplit(link).path
    assert client_for(make_user()).get(path).status_code == 200  # GET changes nothing
    assert consent_holds(guardian_anna, PURPOSE)
    from django.test import Client

    Client().post(path, "List-Unsubscribe=One-Click", content_type="text/plain")

    assert not consent_holds(guardian_anna, PURPOSE)
    [withdrawn] = journal("consent.withdrawn", about=guardian_anna)
    assert (withdrawn.data["purpose"], withdrawn.data["channel"]) == (PURPOSE, "email_link")
    next_week = Week(LAST_WEEK.monday + timedelta(days=7))
    assert run(django_capture_on_commit_callbacks, next_week) == 0
    assert len(mail.outbox) == 1


def test_running_again_sends_nothing_twice(ben, guardian_anna, django_capture_on_commit_callbacks):
    turn_on(guardian_anna)

    assert run(django_capture_on_commit_callbacks) == 1
    assert run(django_capture_on_commit_callbacks) == 0
    assert send_weekly_progress.call() == 0  # the scheduled run, without a week: the same one

    assert len(mail.outbox) == 1
    assert len(journal("families.weekly_progress_sent", about=ben)) == 1
    assert "Aucun exercice fait cette semaine." in mail.outbox[0].body


def test_turned_off_from_the_consent_page_nothing_more_is_sent(
    ben, guardian_anna, django_capture_on_commit_callbacks
):
    turn_on(guardian_anna)
    turn_on(guardian_anna, give=False)

    assert not consent_holds(guardian_anna, PURPOSE)
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert journal("families.weekly_progress_sent") == []


def test_a_restricted_child_is_left_out_and_a_brother_is_not(
    ben, guardian_anna, dpo_elise, django_capture_on_commit_callbacks
):
    sister = make_user(role=Role.PUPIL, first_name="Zoé", birth_date=birthday(9))
    adopt(guardian=guardian_anna, child=sister)
    request = online(ben, Kind.RESTRICTION, by=guardian_anna, details="Résultats contestés")
    client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    turn_on(guardian_anna)

    assert run(django_capture_on_commit_callbacks) == 1

    [email] = mail.outbox
    assert email.subject.startswith("La semaine de Zoé")
    assert not Message.objects.filter(kind=KIND, about=ben).exists()
    assert journal("families.weekly_progress_sent", about=ben) == []
    assert len(journal("families.weekly_progress_sent", about=sister)) == 1


def test_only_the_guardian_who_asked_receives_it_in_their_language(
    ben, guardian_anna, django_capture_on_commit_callbacks
):
    father = make_user(first_name="Paul", email="paul@famille.test")
    accounts.propose_guardianship(child=ben, guardian=father, actor=father)
    father.language = "en"
    father.save(update_fields=["language"])
    turn_on(father)

    assert run(django_capture_on_commit_callbacks) == 1

    [email] = mail.outbox
    assert email.to == ["paul@famille.test"]
    assert email.subject.startswith("Ben's week, from ")
    assert "No exercise done this week." in email.body


def test_a_child_old_enough_to_decide_is_not_reported_on(
    catalogue, guardian_anna, pupil_lea, django_capture_on_commit_callbacks
):
    accounts.propose_guardianship(child=pupil_lea, guardian=guardian_anna, actor=guardian_anna)
    turn_on(guardian_anna)

    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_only_parents_are_asked_and_nobody_else_can_give_it(teacher_chloe, child_ben):
    assert PURPOSE in {p.code for p in purposes_for(make_user())}
    assert PURPOSE not in {p.code for p in purposes_for(teacher_chloe)}
    assert PURPOSE not in {p.code for p in purposes_for(child_ben)}

    with pytest.raises(ActionError):
        record_choices(
            person=teacher_chloe, choices={PURPOSE: True}, actor=teacher_chloe, channel="api"
        )
    response = turn_on(teacher_chloe)
    assert response.status_code == 302
    assert not consent_holds(teacher_chloe, PURPOSE)
