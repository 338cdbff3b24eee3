"""A teacher covered by their school's licence sees it and is never offered to pay twice."""

from html import unescape

from django.urls import reverse

from charte.accounts.models import Role, User
from charte.core.actors import SEED
from charte.payments import actions
from charte.payments.plans import PLAN_BY_CODE
from charte.schools import actions as school_actions
from charte.schools.models import School, SchoolMember
from tests.conftest import client_for
from tests.factories import make_user
from tests.learning import school


def buy_licence(staff: User) -> None:
    order, _started = actions.place_order(
        buyer=staff,
        plan=PLAN_BY_CODE["etablissement-annuel"],
        billing_name=staff.full_name,
        billing_address="2 avenue de la République\n69100 Villeurbanne",
        organisation="Collège Jean-Moulin",
        site_url="http://testserver/",
        actor=staff,
    )
    actions.record_payment(order=order, card_last4="4242", actor=actions.PROVIDER)


def test_a_covered_teacher_sees_the_licence_and_no_plan(
    school: School, teacher_chloe: User, staff_david: User
) -> None:
    client = client_for(teacher_chloe)
    before = unescape(client.get(reverse("payments:plans")).content.decode())
    assert "Enseignant, à l'année" in before  # not covered yet: offered the teacher's plan
    buy_licence(staff_david)
    home = unescape(client.get(reverse("home")).content.decode())
    assert "couvert par la licence de votre établissement (Collège Jean-Moulin)" in home
    assert "Pas d'abonnement en cours" not in home
    plans = unescape(client.get(reverse("payments:plans")).content.decode())
    assert "couvert par la licence" in plans
    assert "Enseignant, à l'année" not in plans
    checkout = client.get(reverse("payments:checkout", args=["enseignant-annuel"]))
    assert checkout.status_code == 404


def test_a_teacher_of_another_school_is_not_covered(school: School, staff_david: User) -> None:
    buy_licence(staff_david)
    elsewhere = school_actions.create_school(name="Lycée Ampère", city="Lyon", actor=SEED)
    marc = make_user(role=Role.TEACHER, first_name="Marc")
    school_actions.add_school_member(
        school=elsewhere, person=marc, role=SchoolMember.Role.TEACHER, actor=SEED
    )
    plans = unescape(client_for(marc).get(reverse("payments:plans")).content.decode())
    assert "couvert par la licence" not in plans
    assert "Enseignant, à l'année" in plans


__all__ = ["school"]
