"""An exercise sent with questions left blank asks first: no silent 0 % dragging a level down."""

from html import unescape

from django.urls import reverse

from charte.accounts.models import User
from charte.results.models import Attempt
from tests.conftest import client_for


def test_a_blank_exercise_asks_before_it_counts(catalogue: None, child_ben: User) -> None:
    client = client_for(child_ben)
    url = reverse("results:exercise", args=["republique-symboles"])
    page = unescape(client.post(url, {}).content.decode())
    assert "questions sans réponse" in page
    assert "Envoyer quand même" in page
    assert not Attempt.objects.filter(pupil=child_ben).exists()
    response = client.post(url, {"incomplete": "confirm"})
    assert response.status_code == 302
    assert Attempt.objects.get(pupil=child_ben).score == 0.0
