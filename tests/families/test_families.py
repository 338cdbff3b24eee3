import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from charte.accounts.consent_age import DIGITAL_CONSENT_AGE
from charte.accounts.models import Guardianship, Role, User
from charte.consent.models import ConsentRecord
from charte.consent.queries import consent_holds
from charte.core.actors import person_ref
from charte.families.forms import collation_key
from charte.families.models import Invitation
from charte.families.tasks import erase_unconfirmed_children
from charte.subject_requests.models import Kind, Limitation
from tests.conftest import birthday, client_for, journal
from tests.consent.helpers import adopt
from tests.factories import PASSWORD, make_user
from tests.subject_requests.helpers import online, staff_url

pytestmark = pytest.mark.django_db

CHILD_PASSWORD = "la-fusee-bleue-decolle"


def hidden_digests(page: str) -> dict[str, str]:
    return dict(re.findall(r'type="hidden" name="(text_\w+)" value="([0-9a-f]{64})"', page))


def ticked(page: str, *, optional: tuple[str, ...] = ()) -> dict[str, str]:
    """Every required box of the page ticked, and the optional ones named."""
    boxes = re.findall(r'<input type="checkbox" name="(consent_\w+|guardian)"([^>]*)>', page)
    data = {name: "on" for name, attrs in boxes if "required" in attrs}
    data.update({f"consent_{code}": "on" for code in optional})
    return data | hidden_digests(page)


def create_child(client, **overrides):
    url = reverse("families:create_child")
    page = client.get(url).content.decode()
    data = {
        "first_name": "Zoé",
        "last_name": "Martin",
        "birth_date": birthday(9).isoformat(),
        "username": "zoe.m",
        "password1": CHILD_PASSWORD,
        "password2": CHILD_PASSWORD,
        **ticked(page, optional=("coach",)),
        **overrides,
    }
    return client.post(url, {k: v for k, v in data.items() if v is not None})


def test_a_parent_creates_a_childs_account_that_opens_at_once(client, guardian_anna):
    parent = client_for(guardian_anna)

    response = create_child(parent)

    assert response.status_code == 302
    child = User.objects.get(username="zoe.m")
    assert (child.role, child.is_active, child.email) == (Role.PUPIL, True, None)
    assert Guardianship.objects.get(child=child).status == "confirmed"
    records = ConsentRecord.objects.filter(subject_ref=person_ref(child))
    assert {r.channel for r in records} == {"family"}
    assert all(r.on_behalf and r.actor_ref == person_ref(guardian_anna) for r in records)
    assert consent_holds(child, "coach") is True
    assert consent_holds(child, "improvement") is False
    assert client.post(
        reverse("accounts:login"), {"username": "zoe.m", "password": CHILD_PASSWORD}
    ).url == reverse("home")


def test_without_the_parents_consent_no_child_account_is_created(guardian_anna):
    response = create_child(client_for(guardian_anna), consent_required=None)

    assert response.status_code == 200
    assert not User.objects.filter(username="zoe.m").exists()


def test_only_a_parent_manages_a_family(teacher_chloe, child_ben):
    assert client_for(teacher_chloe).get(reverse("families:home")).status_code == 404
    assert client_for(child_ben).get(reverse("families:create_child")).status_code == 404


def test_ma_famille_lists_the_children_and_another_parent_sees_none(guardian_anna, child_ben):
    adopt(guardian=guardian_anna, child=child_ben)
    page = client_for(guardian_anna).get(reverse("families:home")).content.decode()
    assert "Ben Martin" in page
    assert "ben.martin" in page

    other = make_user(email="autre@famille.test")
    assert "Ben" not in client_for(other).get(reverse("families:home")).content.decode()
    url = reverse("families:child", args=[child_ben.public_id])
    assert client_for(other).get(url).status_code == 404


def test_a_parent_resets_the_childs_password_and_corrects_the_name(guardian_anna, child_ben):
    adopt(guardian=guardian_anna, child=child_ben)
    parent = client_for(guardian_anna)

    parent.post(
        reverse("families:set_password", args=[child_ben.public_id]),
        {"password1": CHILD_PASSWORD, "password2": CHILD_PASSWORD},
    )
    parent.post(
        reverse("families:rename", args=[child_ben.public_id]),
        {"first_name": "Benjamin", "last_name": "Martin"},
    )

    child_ben.refresh_from_db()
    assert child_ben.check_password(CHILD_PASSWORD)
    assert child_ben.first_name == "Benjamin"
    assert journal("auth.password_set_by_guardian", about=child_ben)[0].actor_ref == person_ref(
        guardian_anna
    )
    assert len(journal("account.renamed", about=child_ben)) == 1


def test_a_restriction_freezes_the_childs_name_and_the_parent_is_told_why(
    guardian_anna, child_ben, dpo_elise
):
    adopt(guardian=guardian_anna, child=child_ben)
    request = online(child_ben, Kind.RESTRICTION, by=guardian_anna, details="Nom contesté")
    client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    parent = client_for(guardian_anna)

    response = parent.post(
        reverse("families:rename", args=[child_ben.public_id]),
        {"first_name": "Benjamin", "last_name": "Martin"},
        follow=True,
    )

    child_ben.refresh_from_db()
    assert child_ben.first_name == "Ben"
    assert journal("account.renamed", about=child_ben) == []
    assert "ne peuvent pas être modifiées" in response.content.decode()

    limitation = Limitation.objects.get(person=child_ben)
    client_for(dpo_elise).post(reverse("subject_requests:lift", args=[limitation.public_id]))
    parent.post(
        reverse("families:rename", args=[child_ben.public_id]),
        {"first_name": "Benjamin", "last_name": "Martin"},
    )
    child_ben.refresh_from_db()
    assert child_ben.first_name == "Benjamin"


def test_a_weak_password_for_the_child_is_refused(guardian_anna, child_ben):
    adopt(guardian=guardian_anna, child=child_ben)

    response = client_for(guardian_anna).post(
        reverse("families:set_password", args=[child_ben.public_id]),
        {"password1": "1234", "password2": "1234"},
    )

    assert response.status_code == 400
    child_ben.refresh_from_db()
    assert child_ben.check_password(PASSWORD)


def test_removing_a_child_closes_the_account_and_schedules_its_erasure(guardian_anna, child_ben):
    adopt(guardian=guardian_anna, child=child_ben)

    client_for(guardian_anna).post(reverse("families:remove", args=[child_ben.public_id]))

    child_ben.refresh_from_db()
    assert child_ben.is_active is False
    assert consent_holds(child_ben, "account") is False


def invitation_link(address: str) -> str:
    [email] = [m for m in mail.outbox if address in m.to]
    found = re.search(r"http://127.0.0.1:8000(/famille/invitation/\S+/)", str(email.body))
    assert found is not None
    return found.group(1)


def test_a_second_guardian_is_invited_and_confirms_the_link_themself(
    guardian_anna, child_ben, django_capture_on_commit_callbacks
):
    adopt(guardian=guardian_anna, child=child_ben)
    marc = make_user(email="marc@famille.test", first_name="Marc")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(guardian_anna).post(
            reverse("families:invite", args=[child_ben.public_id]), {"email": "marc@famille.test"}
        )
    link = invitation_link("marc@famille.test")
    home = client_for(guardian_anna).get(reverse("families:home")).content.decode()
    assert "marc@famille.test" in home  # pending, shown to the first guardian
    assert not Guardianship.objects.filter(guardian=marc).exists()

    # The child cannot answer for the invited parent, nor can the first guardian.
    assert client_for(child_ben).post(link, {"guardian": "on"}).status_code == 403
    assert not Guardianship.objects.filter(guardian=marc).exists()

    response = client_for(marc).post(link, {"guardian": "on"})

    assert response.status_code == 302
    assert Guardianship.objects.get(guardian=marc, child=child_ben).status == "confirmed"
    assert client_for(marc).post(link, {"guardian": "on"}).status_code == 404  # used once
    invite = client_for(guardian_anna).post(
        reverse("families:invite", args=[child_ben.public_id]),
        {"email": "third@famille.test"},
        follow=True,
    )
    assert "au plus deux responsables" in invite.content.decode()


def test_a_pupil_under_the_age_signs_up_and_waits_for_the_guardian(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("families:pupil_sign_up"),
            {
                "first_name": "Tom",
                "birth_date": birthday(12).isoformat(),
                "country": "FR",
                "username": "tom.l",
                "password1": CHILD_PASSWORD,
                "password2": CHILD_PASSWORD,
                "guardian_email": "parent@famille.test",
            },
        )

    assert "Demande envoyée à ton parent" in response.content.decode()
    tom = User.objects.get(username="tom.l")
    assert (tom.is_active, tom.email, tom.last_name, tom.phone) == (False, None, "", "")
    [email] = mail.outbox
    assert email.to == ["parent@famille.test"]
    assert "Tom vient de créer un compte" in email.body
    assert (
        client.post(
            reverse("accounts:login"), {"username": "tom.l", "password": CHILD_PASSWORD}
        ).status_code
        == 200
    )  # not yet

    link = invitation_link("parent@famille.test")
    welcome = client.get(link).content.decode()
    assert "Créer mon compte parent" in welcome
    parent = make_user(email="parent@famille.test", first_name="Paul")
    guardian = client_for(parent)
    page = guardian.get(link).content.decode()
    assert "Le coach : des parcours personnalisés" in page
    assert re.findall(r'<input type="checkbox"[^>]*checked', page) == []

    guardian.post(link, ticked(page))

    tom.refresh_from_db()
    assert tom.is_active is True
    assert Guardianship.objects.get(child=tom, guardian=parent).status == "confirmed"
    assert consent_holds(tom, "account")
    assert not consent_holds(tom, "coach")
    record = ConsentRecord.objects.filter(subject_ref=person_ref(tom), purpose="account").get()
    assert (record.channel, record.on_behalf) == ("guardian_link", True)
    assert Invitation.objects.get(child=tom).accepted_by == parent
    assert guardian.get(link).status_code == 404  # single use


def test_a_pupil_under_the_age_must_name_a_guardian(client, db):
    response = client.post(
        reverse("families:pupil_sign_up"),
        {
            "first_name": "Tom",
            "birth_date": birthday(12).isoformat(),
            "country": "FR",
            "username": "tom.l",
            "password1": CHILD_PASSWORD,
            "password2": CHILD_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "adresse de ton parent est nécessaire" in response.content.decode()
    assert not User.objects.filter(username="tom.l").exists()


def test_an_unconfirmed_child_account_disappears_after_14_days(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("families:pupil_sign_up"),
            {
                "first_name": "Tom",
                "birth_date": birthday(12).isoformat(),
                "country": "FR",
                "username": "tom.l",
                "password1": CHILD_PASSWORD,
                "password2": CHILD_PASSWORD,
                "guardian_email": "parent@famille.test",
            },
        )
    tom = User.objects.get(username="tom.l")
    link = invitation_link("parent@famille.test")
    tom_ref = person_ref(tom)

    assert erase_unconfirmed_children.call() == 0  # day 0: still waiting

    fifteen_days_ago = timezone.now() - timedelta(days=15)
    User.objects.filter(pk=tom.pk).update(created_at=fifteen_days_ago)
    Invitation.objects.filter(child=tom).update(
        created_at=fifteen_days_ago, expires_at=fifteen_days_ago + timedelta(days=14)
    )
    assert erase_unconfirmed_children.call() == 1

    assert not User.objects.filter(username="tom.l").exists()
    assert not Invitation.objects.exists()
    [entry] = journal("families.unconfirmed_child_erased")
    assert entry.subject_ref == ""
    assert tom_ref not in str(entry.data)
    assert "Tom" not in str(entry.data)
    assert entry.data == {"count": 1, "after_days": 14}
    assert client.get(link).status_code == 404


def test_an_expired_or_forged_link_opens_nothing(
    guardian_anna, child_ben, django_capture_on_commit_callbacks
):
    adopt(guardian=guardian_anna, child=child_ben)
    marc = make_user(email="marc@famille.test")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(guardian_anna).post(
            reverse("families:invite", args=[child_ben.public_id]), {"email": "marc@famille.test"}
        )
    link = invitation_link("marc@famille.test")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client_for(marc).post(link, {"guardian": "on"}).status_code == 404
    assert client_for(marc).get(link[:-5] + "xxxx/").status_code == 404
    assert not Guardianship.objects.filter(guardian=marc).exists()


def test_a_childs_form_speaks_of_the_child_with_one_box_for_what_the_account_needs(
    guardian_anna,
):
    """The parent ticks one box for what the child's account needs, each optional purpose
    apart; the form speaks of the child's account, never of "votre compte"."""
    page = client_for(guardian_anna).get(reverse("families:create_child")).content.decode()
    text = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1].split("</main>", 1)[0])

    boxes = re.findall(r'<input type="checkbox" name="(consent_\w+)"([^>]*)>', page)
    assert [name for name, attrs in boxes if "required" in attrs] == ["consent_required"]
    optional = {name for name, attrs in boxes if "required" not in attrs}
    assert optional == {"consent_coach", "consent_improvement"}
    assert "fonctionnement de son compte" in unescape(text)
    for words in ("votre compte", "vos données", "mon compte", "vos propres"):
        assert words not in unescape(text).lower(), words


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [("fr", "Islande", "Italie"), ("fr", "Espagne", "Estonie"), ("en", "Iceland", "Ireland")],
)
def test_countries_are_named_and_sorted_in_the_readers_language(client, language, before, after):
    """Sorted by code point, "Ísland" came after "Sverige"; the reader's order ignores accents."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("families:pupil_sign_up"))
    names = re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+)</option>', page.content.decode())

    assert len(names) == len(DIGITAL_CONSENT_AGE)
    assert names.index(before) < names.index(after)
    assert names == sorted(names, key=collation_key)


def test_a_form_with_an_error_keeps_what_was_typed_but_the_passwords(guardian_anna):
    parent = client_for(guardian_anna)

    response = create_child(parent, password2="pas-le-meme-mot-de-passe")

    assert response.status_code == 200
    page = response.content.decode()
    assert not User.objects.filter(username="zoe.m").exists()
    assert 'name="first_name" value="Zoé"' in page
    assert 'name="username" value="zoe.m"' in page
    assert f'name="birth_date" value="{birthday(9).isoformat()}"' in page
    boxes = dict(re.findall(r'<input type="checkbox" name="(consent_\w+)"([^>]*)>', page))
    assert "checked" in boxes["consent_required"]
    assert "checked" in boxes["consent_coach"]
    assert "checked" not in boxes["consent_improvement"]
    assert CHILD_PASSWORD not in page
