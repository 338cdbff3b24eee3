from datetime import date

import pytest

from charte.accounts import actions
from charte.accounts.models import Guardianship, Role
from charte.accounts.queries import children_of, guardians_of
from charte.core.actors import SEED
from charte.core.errors import ActionError, Conflict
from tests.conftest import journal
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_parent_linking_themself_to_their_child_is_confirmed_at_once(guardian_anna, child_ben):
    link = actions.propose_guardianship(
        child=child_ben, guardian=guardian_anna, actor=guardian_anna
    )

    assert link.status == Guardianship.Status.CONFIRMED
    assert list(guardians_of(child_ben)) == [guardian_anna]
    assert list(children_of(guardian_anna)) == [child_ben]
    [entry] = journal("guardianship.proposed", about=child_ben)
    assert entry.data["confirmed"] is True


def test_a_link_named_by_someone_else_waits_for_the_guardian(guardian_anna, child_ben, staff_david):
    link = actions.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=staff_david)

    assert link.status == Guardianship.Status.PENDING
    assert list(guardians_of(child_ben)) == []

    actions.confirm_guardianship(guardianship=link, actor=guardian_anna)

    link.refresh_from_db()
    assert link.status == Guardianship.Status.CONFIRMED
    assert len(journal("guardianship.confirmed", about=child_ben)) == 1


def test_a_child_can_never_confirm_who_their_guardian_is(guardian_anna, child_ben):
    link = actions.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=child_ben)

    with pytest.raises(ActionError):
        actions.confirm_guardianship(guardianship=link, actor=child_ben)
    link.refresh_from_db()
    assert link.status == Guardianship.Status.PENDING


def test_a_child_has_at_most_two_guardians(child_ben):
    for _ in range(2):
        parent = make_user(role=Role.PARENT)
        actions.propose_guardianship(child=child_ben, guardian=parent, actor=parent)

    third = make_user(role=Role.PARENT)
    with pytest.raises(Conflict):
        actions.propose_guardianship(child=child_ben, guardian=third, actor=third)
    assert Guardianship.objects.filter(child=child_ben).count() == 2


def test_only_a_pupil_has_guardians_and_only_a_parent_is_one(
    guardian_anna, teacher_chloe, child_ben
):
    with pytest.raises(ActionError):
        actions.propose_guardianship(
            child=teacher_chloe, guardian=guardian_anna, actor=guardian_anna
        )
    with pytest.raises(ActionError):
        actions.propose_guardianship(child=child_ben, guardian=teacher_chloe, actor=teacher_chloe)
    assert Guardianship.objects.count() == 0


def test_ending_a_link_is_journalled(guardian_anna, child_ben):
    link = actions.propose_guardianship(
        child=child_ben, guardian=guardian_anna, actor=guardian_anna
    )

    actions.end_guardianship(guardianship=link, actor=SEED)

    assert not Guardianship.objects.exists()
    assert len(journal("guardianship.ended", about=child_ben)) == 1


@pytest.mark.parametrize(
    ("country", "age", "needs"),
    [("FR", 14, True), ("FR", 15, False), ("DE", 15, True), ("DK", 13, False), ("ZZ", 15, True)],
)
def test_the_age_of_digital_consent_depends_on_the_country(country, age, needs):
    pupil = make_user(role=Role.PUPIL, birth_date=date(2026 - age, 1, 1))
    pupil.country = country

    assert pupil.needs_guardian(date(2026, 6, 1)) is needs


def test_a_pupil_of_unknown_age_is_treated_as_a_child_and_adults_never_are():
    assert make_user(role=Role.PUPIL).needs_guardian(date(2026, 6, 1)) is True
    assert make_user(role=Role.TEACHER).needs_guardian(date(2026, 6, 1)) is False
