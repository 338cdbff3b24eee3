"""Parental control cannot be left from below (charter §2, D3; GDPR art. 8).

The attack: a 14-year-old pupil in France (age of digital consent 15) opens "Mes informations",
says they live in Denmark (13), and is free: no guardian consents for them any more, the email
and phone fields appear, and their guardians are not told. The same with a birth date or a
role, typed into a form or crafted by hand into any POST body, of any page or API operation.

What holds now (`charte.accounts.guardian_rule`): the role, birth date and country of a person
who needs a guardian change only through their guardian (from the family page) or the DPO (a
rectification request); the change is journalled by what it means, and every guardian is
emailed. The walk below tries every route of the URL conf and every API write operation as
such a pupil, so a route added tomorrow is tried too.
"""

import re
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from charte.accounts import actions as accounts
from charte.accounts.models import GuardianFieldsUnchecked, Guardianship, Role, User
from charte.audit import events
from charte.audit.models import Entry as JournalEntry
from charte.core.api import api
from charte.core.errors import ActionError
from charte.subject_requests.models import Kind
from tests.conftest import birthday, client_for, journal
from tests.consent.helpers import adopt
from tests.factories import make_user, write_guardian_fields_directly
from tests.matrix import MATRIX, routes
from tests.subject_requests.helpers import online, staff_url
from tests.world import World

pytestmark = pytest.mark.django_db

CHANGED = "account.guardian_fields_changed"
# What would free a 14-year-old in France, each on its own.
FREEING: dict[str, Any] = {"country": "DK", "birth_date": "2000-01-01", "role": "parent"}
# The same, under the names a hand-crafted body might try, and the derived flag.
ALIASES: dict[str, Any] = {
    "pays": "DK",
    "date_of_birth": "2000-01-01",
    "birthdate": "2000-01-01",
    "date_naissance": "2000-01-01",
    "is_staff": "true",
    "age": "30",
}


def fourteen_in_france(**more: Any) -> User:
    return make_user(
        role=Role.PUPIL, first_name="Tom", username="tom.d", birth_date=birthday(14), **more
    )


def facts(person: User) -> tuple[str, date | None, str, bool]:
    person.refresh_from_db()
    return (person.role, person.birth_date, person.country, person.is_staff)


@pytest.fixture
def family(guardian_anna: User) -> tuple[User, User, User]:
    """Tom, 14, in France; Anna and Marc, his two confirmed guardians."""
    tom = fourteen_in_france()
    adopt(guardian=guardian_anna, child=tom)
    marc = make_user(role=Role.PARENT, first_name="Marc", email="marc@famille.test")
    accounts.propose_guardianship(child=tom, guardian=marc, actor=marc)
    return guardian_anna, marc, tom


# The attack itself, as the pupil, through HTTP ----------------------------------------------


def test_the_pupil_who_says_they_live_in_denmark_stays_under_parental_control(family):
    _anna, _marc, tom = family
    before = facts(tom)
    url = reverse("subject_requests:information", args=[tom.public_id])

    response = client_for(tom).post(
        url,
        {
            "first_name": "Tom",
            "last_name": "Test",
            "language": "fr",
            "country": "DK",
            "email": "tom@libre.test",
            "phone": "0601020304",
        },
    )

    assert response.status_code in (200, 302)
    assert facts(tom) == before
    assert (tom.email, tom.phone) == (None, "")
    assert tom.needs_guardian(timezone.localdate())
    assert journal(CHANGED) == []
    assert [e for e in journal("account.rectified") if "country" in e.data["fields"]] == []


@pytest.mark.parametrize(
    "crafted",
    [
        {"birth_date": "2000-01-01"},
        {"role": "parent"},
        {"role": "teacher", "country": "DK", "birth_date": "2000-01-01"},
        ALIASES,
    ],
    ids=["birth_date", "role", "all_three", "aliases"],
)
def test_a_hand_crafted_body_with_fields_the_form_does_not_show_changes_nothing(family, crafted):
    _anna, _marc, tom = family
    before = facts(tom)
    body = {"first_name": "Tom", "last_name": "Test", "language": "fr", **crafted}

    client_for(tom).post(reverse("subject_requests:information", args=[tom.public_id]), body)

    assert facts(tom) == before
    assert journal(CHANGED) == []
    assert journal(events.ROLE_CHANGED) == []


def test_the_page_shows_age_and_country_read_only_and_says_who_may_change_them(family):
    _anna, _marc, tom = family

    page = client_for(tom).get(reverse("subject_requests:information", args=[tom.public_id]))
    html = page.content.decode()

    assert page.status_code == 200
    for name in ("country", "birth_date", "role", "email", "phone"):
        assert f'name="{name}"' not in html
    assert "France" in html
    assert "Toi, tu ne peux pas les changer" in html
    assert "demande à ton parent" in html


def test_the_guardian_sees_the_same_facts_read_only_with_the_way_to_correct_them(family):
    anna, _marc, tom = family

    html = (
        client_for(anna)
        .get(reverse("subject_requests:information", args=[tom.public_id]))
        .content.decode()
    )

    assert 'name="country"' not in html
    assert "votre enfant ne le peut pas" in html
    assert reverse("families:child", args=[tom.public_id]) in html


# Every route and every API write operation, as the pupil ------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The access matrix's world, whose pupil is 14 in France: Denmark, an adult's birth date
    or another role would each free them. Built once, rolled back at the module's end."""
    files = tmp_path_factory.mktemp("parental")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=files / "media", CHARTE_ARCHIVE_DIR=files / "archives"),
        transaction.atomic(),
    ):
        built = World.build()
        pupil = built.people[Role.PUPIL]
        write_guardian_fields_directly(pupil, birth_date=birthday(14), country="FR")
        assert pupil.needs_guardian(timezone.localdate())
        yield built
        transaction.set_rollback(True)


def hostile_body(world: World, name: str) -> dict[str, Any]:
    """What the route's own form or schema needs to pass, and every freeing field on top."""
    entry = MATRIX.get(name)
    needed = entry.post.data(world) if entry and entry.post and entry.post.data else {}
    pupil = world.people[Role.PUPIL]
    return {
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "language": "fr",
        **needed,
        **ALIASES,
        **FREEING,
    }


def urls_for(name: str, world: World) -> list[str]:
    """The route with the matrix's objects, and with every object id the pupil's own."""
    entry = MATRIX[name]
    kwargs = entry.kwargs(world) if entry.kwargs else {}
    found = [reverse(name, kwargs=kwargs or None)]
    ids = [k for k, v in kwargs.items() if isinstance(v, uuid.UUID)]
    if ids:
        mine = {**kwargs, **dict.fromkeys(ids, world.people[Role.PUPIL].public_id)}
        found.append(reverse(name, kwargs=mine))
    return found


def attempt(world: World, method: str, url: str, body: dict[str, Any]) -> tuple[Any, list[str]]:
    """One request as the pupil, in a savepoint undone after reading what it changed."""
    pupil = world.people[Role.PUPIL]
    client = Client()
    client.force_login(pupil)
    with transaction.atomic():
        last = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if method == "form":
            client.post(url, body)
        else:
            getattr(client, method)(url, body, content_type="application/json")
        after = User.objects.values_list("role", "birth_date", "country", "is_staff").get(
            pk=pupil.pk
        )
        recorded = list(
            JournalEntry.objects.filter(pk__gt=last).values_list("event", "data").order_by("pk")
        )
        transaction.set_rollback(True)
    return after, [
        event
        for event, data in recorded
        if event in (CHANGED, events.ROLE_CHANGED)
        or (
            event == "account.rectified" and {"country", "birth_date", "role"} & set(data["fields"])
        )
    ]


ROUTES = sorted(name for name, _ in routes())


def test_the_walk_covers_every_route_of_the_url_conf():
    assert set(ROUTES) == set(MATRIX), "a route is missing from the access matrix"
    assert "subject_requests:information" in ROUTES


@pytest.mark.parametrize("name", ROUTES)
def test_no_route_lets_the_pupil_change_what_decides_parental_control(name, world, db):
    pupil = world.people[Role.PUPIL]
    before = User.objects.values_list("role", "birth_date", "country", "is_staff").get(pk=pupil.pk)
    methods = ("json", "put", "patch", "delete") if name.startswith("api:") else ("form",)
    wrong = []

    for url in urls_for(name, world):
        for method in methods:
            after, journalled = attempt(
                world, "post" if method == "json" else method, url, hostile_body(world, name)
            )
            if after != before or journalled:
                wrong.append((method, url, after, journalled))

    assert wrong == [], f"{name}: the pupil changed {wrong}"


def api_write_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return sorted(
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    )


def test_the_api_has_write_operations_to_try():
    assert ("post", "/api/schools/join") in api_write_operations()


@pytest.mark.parametrize(("method", "path"), api_write_operations())
def test_no_api_write_operation_lets_the_pupil_change_it(method, path, world, db):
    pupil = world.people[Role.PUPIL]
    before = User.objects.values_list("role", "birth_date", "country", "is_staff").get(pk=pupil.pk)
    values = {
        "public_id": pupil.public_id,
        "slug": "republique-symboles",
        "join_code": world.ids["join_code"],
    }
    url = re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), uuid.uuid4())), path)
    body = {
        "code": world.ids["join_code"],
        "pupil": str(pupil.public_id),
        "responses": {},
        "purpose": "coach",
        "given": True,
        "name": "6e A",
        "level": "6e",
        **ALIASES,
        **FREEING,
        "person": {**FREEING},
    }

    after, journalled = attempt(world, method, url, body)

    assert (after, journalled) == (before, [])


# The ways that work: a guardian, the DPO --------------------------------------------------


def test_a_guardian_corrects_the_country_and_both_guardians_are_emailed(
    family, django_capture_on_commit_callbacks
):
    anna, marc, tom = family
    url = reverse("families:correct_facts", args=[tom.public_id])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(anna).post(
            url, {"birth_date": tom.birth_date.isoformat(), "country": "DK"}
        )

    assert response.status_code == 302
    assert facts(tom)[2] == "DK"
    assert not tom.needs_guardian(timezone.localdate())
    [entry] = journal(CHANGED)
    assert entry.actor_ref == f"user:{anna.public_id}"
    assert entry.subject_ref == f"user:{tom.public_id}"
    assert entry.data == {
        "fields": ["country"],
        "by": "guardian",
        "guardian_needed": [True, False],
        "consent_age": [15, 13],
    }
    assert "DK" not in str(entry.data)
    assert str(tom.birth_date.year) not in str(entry.data)
    to = {m.to[0]: m for m in mail.outbox}
    assert set(to) == {anna.email, marc.email}
    assert "Vous avez corrigé son pays de résidence" in to[anna.email].body
    assert "Anna Martin, l'autre responsable légal de Tom" in to[marc.email].body
    assert "a maintenant l'âge de décider seul" in to[marc.email].body


def test_a_guardian_corrects_a_birth_date_and_the_child_stays_a_child(
    family, django_capture_on_commit_callbacks
):
    anna, marc, tom = family
    corrected = date(tom.birth_date.year, 6, 30)

    with django_capture_on_commit_callbacks(execute=True):
        client_for(marc).post(
            reverse("families:correct_facts", args=[tom.public_id]),
            {"birth_date": corrected.isoformat(), "country": "FR"},
        )

    assert facts(tom)[1] == corrected
    [entry] = journal(CHANGED)
    assert entry.data["by"] == "guardian"
    assert entry.data["guardian_needed"] == [True, True]
    assert {m.to[0] for m in mail.outbox} == {anna.email, marc.email}
    assert all("reste sous votre responsabilité" in m.body for m in mail.outbox)


def test_the_family_page_offers_the_correction_to_the_guardian_only(family):
    anna, _marc, tom = family
    url = reverse("families:correct_facts", args=[tom.public_id])

    page = client_for(anna).get(reverse("families:child", args=[tom.public_id])).content.decode()
    as_child = client_for(tom).post(url, {"birth_date": "2000-01-01", "country": "DK"})

    assert f'action="{url}"' in page
    assert 'name="country"' in page
    assert as_child.status_code == 404
    assert facts(tom)[1:3] == (birthday(14), "FR")


def test_the_dpo_rectifies_a_childs_birth_date_on_request_and_the_guardians_are_told(
    family, dpo_elise, django_capture_on_commit_callbacks
):
    anna, marc, tom = family
    request = online(tom, Kind.RECTIFICATION, by=anna, details="Né en 2008, pas en 2012")

    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(
            staff_url(request), {"action": "rectify", "field": "birth_date", "value": "2008-05-01"}
        )

    assert facts(tom)[1] == date(2008, 5, 1)
    [entry] = journal(CHANGED)
    assert entry.actor_ref == f"user:{dpo_elise.public_id}"
    assert entry.data["by"] == "dpo"
    assert entry.data["request"] == str(request.public_id)
    assert "2008" not in str({k: v for k, v in entry.data.items() if k != "request"})
    emailed = [m for m in mail.outbox if "date de naissance" in m.subject]
    assert {m.to[0] for m in emailed} == {anna.email, marc.email}
    assert all("Notre délégué à la protection des données a corrigé" in m.body for m in emailed)


def test_the_child_asking_the_dpo_is_the_childs_only_way_and_customer_service_cannot(
    family, cs_farid
):
    anna, _marc, tom = family
    request = online(tom, Kind.RECTIFICATION, by=anna, details="Je vis au Danemark")

    client_for(cs_farid).post(
        staff_url(request), {"action": "rectify", "field": "country", "value": "DK"}
    )

    assert facts(tom)[2] == "FR"
    assert journal(CHANGED) == []


# An adult lowering their age, roles, and the rule below every form --------------------------


def test_a_pupil_who_can_consent_cannot_put_themself_under_a_guardian_alone(db):
    """15 in France is free; 15 in Germany (16) is not. Moving there would make the consents
    they gave alone stop holding: that change is the DPO's to examine, not a click's."""
    noe = make_user(role=Role.PUPIL, email="noe@eleve.test", birth_date=birthday(15))
    before = facts(noe)

    response = client_for(noe).post(
        reverse("subject_requests:information", args=[noe.public_id]),
        {"first_name": "Noé", "language": "fr", "email": "noe@eleve.test", "country": "DE"},
    )

    assert response.status_code == 200
    assert "faites une demande de rectification" in response.content.decode()
    assert facts(noe) == before
    assert journal(CHANGED) == []


def test_an_adult_corrects_their_own_country_as_before(guardian_anna):
    client_for(guardian_anna).post(
        reverse("subject_requests:information", args=[guardian_anna.public_id]),
        {"first_name": "Anna", "language": "fr", "email": "anna@famille.test", "country": "be"},
    )

    assert facts(guardian_anna)[2] == "BE"
    [entry] = journal(CHANGED)
    assert entry.data["by"] == "self"
    assert entry.data["guardian_needed"] == [False, False]


def test_when_the_dpo_finds_a_pupil_younger_the_account_waits_for_a_guardian(dpo_elise, pupil_lea):
    """Léa said she was 16; she is 12. With no guardian on record, her account closes, as when
    a child signs up alone, until a guardian consents."""
    request = online(pupil_lea, Kind.RECTIFICATION, details="J'ai 12 ans")

    client_for(dpo_elise).post(
        staff_url(request),
        {"action": "rectify", "field": "birth_date", "value": birthday(12).isoformat()},
    )

    pupil_lea.refresh_from_db()
    assert pupil_lea.needs_guardian(timezone.localdate())
    assert pupil_lea.is_active is False
    [entry] = journal(CHANGED)
    assert entry.data["guardian_needed"] == [False, True]
    [closed] = journal("account.deactivated")
    assert closed.data == {"reason": "guardian_needed"}


def test_it_cannot_turn_a_child_into_an_adult_by_role(it_jules, family):
    _anna, _marc, tom = family

    with pytest.raises(ActionError):
        accounts.change_role(user=tom, role=Role.PARENT, actor=it_jules)

    assert facts(tom)[0] == Role.PUPIL
    assert journal(events.ROLE_CHANGED) == []


def test_a_child_cannot_make_an_accomplice_their_guardian(db):
    """Guardianship links say *who* the guardians are: a child names one, only they confirm."""
    alone = fourteen_in_france()
    accomplice = make_user(role=Role.PARENT, email="complice@exemple.test")
    link = accounts.propose_guardianship(child=alone, guardian=accomplice, actor=alone)

    with pytest.raises(ActionError):
        accounts.confirm_guardianship(guardianship=link, actor=alone)
    assert Guardianship.objects.get(pk=link.pk).status == Guardianship.Status.PENDING


def test_the_model_refuses_a_change_that_skipped_the_rule(family):
    _anna, _marc, tom = family
    tom.country = "DK"

    with pytest.raises(GuardianFieldsUnchecked):
        tom.save()
    with pytest.raises(GuardianFieldsUnchecked):
        User.objects.filter(pk=tom.pk).update(birth_date=date(2000, 1, 1))
    with pytest.raises(GuardianFieldsUnchecked):
        User.objects.filter(pk=tom.pk).update(role=Role.TEACHER)

    assert facts(tom)[:3] == (Role.PUPIL, birthday(14), "FR")


def test_the_action_itself_refuses_the_child_whatever_the_interface(family):
    _anna, _marc, tom = family

    for changes in ({"country": "DK"}, {"birth_date": date(2000, 1, 1)}):
        with pytest.raises(ActionError):
            accounts.change_guardian_fields(person=tom, actor=tom, changes=changes)

    assert facts(tom)[:3] == (Role.PUPIL, birthday(14), "FR")
    assert journal(CHANGED) == []


def test_nobody_but_a_guardian_or_the_dpo_changes_a_childs_birth_date(family, cs_farid):
    _anna, _marc, tom = family
    others = (make_user(role=Role.TEACHER), make_user(role=Role.IT), cs_farid)

    for actor in others:
        with pytest.raises(ActionError):
            accounts.change_guardian_fields(
                person=tom, actor=actor, changes={"birth_date": date(2000, 1, 1)}
            )

    assert facts(tom)[1] == birthday(14)
