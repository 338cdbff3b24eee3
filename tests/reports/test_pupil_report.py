"""A pupil's individual report: a page and a PDF, for the pupil, a guardian and the teacher."""

import pytest
from django.urls import reverse

from charte.accounts.models import Role, User
from charte.audit.models import Entry
from tests.conftest import client_for
from tests.factories import make_user
from tests.helpers import pdf_text
from tests.learning import attempt


@pytest.mark.django_db
def test_the_report_opens_as_a_page_and_a_pdf_for_pupil_guardian_and_teacher(
    catalogue: None, ben_in_class: User, guardian_anna: User, teacher_chloe: User
) -> None:
    attempt(ben_in_class, "republique-symboles", right=4)
    page_url = reverse("reports:pupil", args=[ben_in_class.public_id])
    pdf_url = reverse("reports:pupil_pdf", args=[ben_in_class.public_id])
    for viewer in (ben_in_class, guardian_anna, teacher_chloe):
        client = client_for(viewer)
        page = client.get(page_url)
        assert page.status_code == 200
        assert "Rapport de résultats de Ben Martin" in page.content.decode()
        response = client.get(pdf_url, {"periode": "year"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content)
        assert "Ben Martin" in text
        assert "Année scolaire" in text
        assert "Compétences et niveaux" in text
        assert "Rapport établi le" in text
        assert "symboles" in text.lower()
    # Others' looks are journalled as reads of the pupil's results.
    assert Entry.objects.filter(event="read.results").count() >= 4


@pytest.mark.django_db
def test_the_report_speaks_the_readers_language(
    catalogue: None, ben_in_class: User, guardian_anna: User
) -> None:
    attempt(ben_in_class, "republique-symboles", right=4)
    client = client_for(guardian_anna)
    response = client.get(
        reverse("reports:pupil_pdf", args=[ben_in_class.public_id]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = pdf_text(response.content)
    assert "Competencies and levels" in text
    assert "School year" in text


@pytest.mark.django_db
def test_another_teacher_and_a_stranger_get_not_found(catalogue: None, ben_in_class: User) -> None:
    other_teacher = make_user(role=Role.TEACHER)
    stranger = make_user(role=Role.PARENT)
    for viewer in (other_teacher, stranger):
        client = client_for(viewer)
        for name in ("reports:pupil", "reports:pupil_pdf"):
            assert client.get(reverse(name, args=[ben_in_class.public_id])).status_code == 404
