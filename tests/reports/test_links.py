"""Each report is reached from where its readers already are, and only by them."""

import pytest
from django.urls import reverse

from charte.accounts.models import User
from charte.schools.models import School, SchoolClass
from tests.conftest import client_for


def _page(user: User, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
def test_the_individual_report_is_linked_for_pupil_guardian_and_teacher(
    ben_in_class: User, guardian_anna: User, teacher_chloe: User, chloe_class: SchoolClass
) -> None:
    report = reverse("reports:pupil", args=[ben_in_class.public_id])
    results = reverse("results:pupil", args=[ben_in_class.public_id])
    for viewer in (guardian_anna, teacher_chloe):
        assert f'href="{report}"' in _page(viewer, results)
    assert f'href="{report}"' in _page(ben_in_class, reverse("results:mine"))
    child = reverse("families:child", args=[ben_in_class.public_id])
    assert f'href="{report}"' in _page(guardian_anna, child)
    for viewer in (ben_in_class, guardian_anna, teacher_chloe):
        assert client_for(viewer).get(report).status_code == 200


@pytest.mark.django_db
def test_usage_reports_are_linked_for_teachers_school_staff_and_operator_staff(
    chloe_class: SchoolClass,
    school: School,
    teacher_chloe: User,
    staff_david: User,
    dpo_elise: User,
    it_jules: User,
    guardian_anna: User,
) -> None:
    usage = reverse("reports:class_usage", args=[chloe_class.public_id])
    class_page = reverse("schools:class_detail", args=[chloe_class.public_id])
    assert f'href="{usage}"' in _page(teacher_chloe, class_page)
    school_usage = reverse("reports:school_usage", args=[school.public_id])
    school_page = reverse("schools:school_detail", args=[school.public_id])
    assert f'href="{school_usage}"' in _page(staff_david, school_page)
    platform = reverse("reports:platform_usage")
    releases = reverse("reports:releases")
    home = reverse("home")
    assert f'href="{platform}"' in _page(it_jules, home)
    assert f'href="{releases}"' not in _page(it_jules, home)
    dpo_home = _page(dpo_elise, home)
    assert f'href="{platform}"' in dpo_home
    assert f'href="{releases}"' in dpo_home
    assert f'href="{platform}"' not in _page(guardian_anna, home)
    for viewer, url in (
        (teacher_chloe, usage),
        (staff_david, school_usage),
        (it_jules, platform),
        (dpo_elise, releases),
    ):
        assert client_for(viewer).get(url).status_code == 200, url
