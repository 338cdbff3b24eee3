"""The archive's files are faithful: CSV and JSON give back exactly what the database holds."""

import csv
import io
import json
import zipfile

import pytest

from charte.accounts.models import User
from charte.subject_requests import archive
from tests.factories import make_user

pytestmark = pytest.mark.django_db

AWKWARD = 'Zoé "la Grande", dite\nZ\r; ok'


def build(person, scope=archive.ACCESS):
    out = io.BytesIO()
    archive.build(person=person, scope=scope, out=out)
    return zipfile.ZipFile(out)


def test_csv_and_json_round_trip_awkward_text():
    person = make_user(first_name="Zoé")
    User.objects.filter(pk=person.pk).update(first_name=AWKWARD, last_name="")

    with build(person) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("csv/accounts_user.csv").decode())))
        data = json.loads(zf.read("donnees.json"))
        html = zf.read("index.html").decode()

    assert rows[0]["first_name"] == AWKWARD
    assert rows[0]["last_name"] == ""
    assert rows[0]["is_active"] == "true"
    user = next(r for r in data["records"] if r["model"] == "accounts.User")
    assert user["rows"][0]["first_name"] == AWKWARD
    assert user["rows"][0]["public_id"] == str(person.public_id)
    assert user["rows"][0]["created_at"].startswith(person.created_at.date().isoformat())
    assert "&quot;la Grande&quot;" in html
    assert "<script" not in html.lower()
    assert "password" not in {f["name"] for f in user["fields"]}


def test_the_progress_is_reported_model_by_model():
    calls = []
    archive.build(
        person=make_user(),
        scope=archive.ACCESS,
        out=io.BytesIO(),
        progress=lambda d, t: calls.append((d, t)),
    )

    assert calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == list(range(1, len(calls) + 1))
