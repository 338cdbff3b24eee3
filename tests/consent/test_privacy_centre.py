from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from charte.accounts.models import Session, User
from charte.consent.models import ConsentRecord
from charte.consent.queries import consent_holds
from charte.consent.tasks import erase_after_withdrawal
from charte.core.actors import person_ref
from tests.conftest import client_for, journal
from tests.consent.helpers import adopt
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_the_centre_lists_each_consent_with_its_date_text_and_history(guardian_anna):
    page = client_for(guardian_anna).get(reverse("accounts:privacy_centre")).content.decode()

    assert "Mes consentements" in page
    assert "Votre compte et le fonctionnement de la plateforme" in page
    assert "Texte lu (version 1)" in page
    assert "case cochée à l&#x27;inscription" in page
    assert "Historique complet" in page


def test_one_click_gives_and_one_click_withdraws(guardian_anna):
    client = client_for(guardian_anna)
    url = reverse("consent:choose", args=[guardian_anna.public_id])

    client.post(url, {"purpose": "newsletter", "give": "1"})
    assert consent_holds(guardian_anna, "newsletter") is True

    client.post(url, {"purpose": "newsletter", "give": "0"})
    assert consent_holds(guardian_anna, "newsletter") is False
    channels = ConsentRecord.objects.filter(purpose="newsletter").values_list("channel", flat=True)
    assert set(channels) == {"privacy_centre"}


def test_what_the_account_needs_is_not_withdrawn_by_a_click(guardian_anna):
    response = client_for(guardian_anna).post(
        reverse("consent:choose", args=[guardian_anna.public_id]),
        {"purpose": "account", "give": "0"},
    )

    assert response.status_code == 302
    assert consent_holds(guardian_anna, "account") is True


def test_nobody_else_decides_for_a_person(guardian_anna, teacher_chloe):
    response = client_for(teacher_chloe).post(
        reverse("consent:choose", args=[guardian_anna.public_id]),
        {"purpose": "newsletter", "give": "1"},
    )

    assert response.status_code == 404
    assert consent_holds(guardian_anna, "newsletter") is False


def test_a_guardian_withdraws_and_the_childs_account_closes_then_goes_after_the_notice(
    client, guardian_anna, child_ben
):
    adopt(guardian=guardian_anna, child=child_ben, optional=("coach",))
    assert (
        client.post(
            reverse("accounts:login"), {"username": "ben.martin", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert Session.objects.filter(user=child_ben).exists()
    parent = client_for(guardian_anna)
    page = parent.get(reverse("accounts:privacy_centre_person", args=[child_ben.public_id]))
    assert "Retirer mon consentement pour Ben" in page.content.decode()

    parent.post(reverse("consent:withdraw_child", args=[child_ben.public_id]))

    child_ben.refresh_from_db()
    assert child_ben.is_active is False
    assert not Session.objects.filter(user=child_ben).exists()
    assert consent_holds(child_ben, "coach") is False
    assert client.get(reverse("home")).status_code == 200  # the child's session is gone
    assert "Bonjour Ben" not in client.get(reverse("home")).content.decode()
    assert journal("account.deactivated", about=child_ben)[0].data == {
        "reason": "consent_withdrawn"
    }

    assert erase_after_withdrawal.call() == 0  # the notice period runs
    withdrawn = ConsentRecord.objects.filter(subject_ref=person_ref(child_ben), act="withdrawn")
    for record in withdrawn:  # time travel: the withdrawal is 31 days old
        ConsentRecord.objects.filter(pk=record.pk).delete()
        record.pk = None
        record.at = timezone.now() - timedelta(days=31)
        record.save()

    assert erase_after_withdrawal.call() == 1
    assert not User.objects.filter(pk=child_ben.pk).exists()
    [entry] = journal("consent.withdrawn_account_erased")
    assert entry.subject_ref == ""
    assert "Ben" not in str(entry.data)
    # The proof of who consented and withdrew stays, naming nobody without the accounts.
    assert ConsentRecord.objects.filter(subject_ref=person_ref(child_ben)).exists()


def test_a_stranger_cannot_withdraw_for_a_child(guardian_anna, child_ben):
    adopt(guardian=guardian_anna, child=child_ben)
    stranger = make_user()

    response = client_for(stranger).post(
        reverse("consent:withdraw_child", args=[child_ben.public_id])
    )

    assert response.status_code == 404
    child_ben.refresh_from_db()
    assert child_ben.is_active is True


def test_a_guardian_reads_of_their_child_in_the_third_person_in_what_we_hold(
    guardian_anna, child_ben
):
    """The holdings name each record's purposes as the reader reads them: a parent opening their
    child's centre reads "Son compte", not the child's own "Ton compte" nor an adult's "Votre"."""
    adopt(guardian=guardian_anna, child=child_ben)
    url = reverse("accounts:privacy_centre_person", args=[child_ben.public_id])
    page = client_for(guardian_anna).get(url).content.decode()
    held = page[page.index('id="holdings-title"') :]
    held = held[: held.index("</section>")]

    assert "Son compte et le fonctionnement de la plateforme" in held
    assert "Votre compte" not in held
    assert "Ton compte" not in held
