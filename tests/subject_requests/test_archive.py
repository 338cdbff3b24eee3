"""The archive's files are faithful: CSV and JSON give back exactly what the database holds."""

import csv
import importlib
import io
import json
import subprocess
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone, translation

from charte import audit
from charte.accounts.models import Guardianship, Role, User
from charte.privacy.registry import registry
from charte.subject_requests import archive
from charte.subject_requests.archive.columns import csv_name
from tests.factories import make_user

pytestmark = pytest.mark.django_db

AWKWARD = 'Zoé "la Grande", dite\nZ\r; ok'


# The accounts' CSV file, named in words in the person's language.
ACCOUNTS = {"fr": "csv/comptes.csv", "en": "csv/accounts.csv"}


def build(person, scope=archive.ACCESS):
    out = io.BytesIO()
    archive.build(person=person, scope=scope, out=out)
    return zipfile.ZipFile(out)


def test_csv_and_json_round_trip_awkward_text():
    person = make_user(first_name="Zoé")
    User.objects.filter(pk=person.pk).update(first_name=AWKWARD, last_name="")

    with build(person) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("csv/comptes.csv").decode())))
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


def test_the_archive_is_a_plain_deflated_zip_that_any_unzip_tool_reads(tmp_path):
    person = make_user(first_name="Zoé")
    path = tmp_path / "archive.zip"
    with path.open("wb") as out:
        archive.build(person=person, scope=archive.ACCESS, out=out)

    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None  # every member's CRC checks out
        members = zf.infolist()
        assert {m.compress_type for m in members} == {zipfile.ZIP_DEFLATED}
        data = zf.read("donnees.json")
    big = next(m for m in members if m.filename == "donnees.json")
    assert big.compress_size < big.file_size / 2
    # The system's own unzip agrees, byte for byte.
    listing = subprocess.run(["unzip", "-tq", str(path)], capture_output=True, text=True)
    assert listing.returncode == 0, listing.stdout + listing.stderr
    assert "No errors detected" in listing.stdout
    piped = subprocess.run(["unzip", "-p", str(path), "donnees.json"], capture_output=True)
    assert piped.stdout == data


@pytest.mark.parametrize(
    ("language", "moment", "day", "zone"),
    [
        ("fr", "14/03/2026 09:05", "14/03/2014", "fuseau Europe/Paris"),
        ("en", "03/14/2026 09:05", "03/14/2014", "the Europe/Paris time zone"),
    ],
)
def test_the_html_view_gives_local_times_in_words_and_the_files_give_utc(
    language, moment, day, zone
):
    person = make_user(first_name="Zoé", birth_date=date(2014, 3, 14))
    created = datetime(2026, 3, 14, 8, 5, tzinfo=UTC)  # 09:05 in Paris (winter time)
    User.objects.filter(pk=person.pk).update(created_at=created, language=language)
    person.refresh_from_db()

    with build(person) as zf:
        html = zf.read("index.html").decode()
        data = json.loads(zf.read("donnees.json"))
        rows = list(csv.DictReader(io.StringIO(zf.read(ACCOUNTS[language]).decode())))

    user = next(r for r in data["records"] if r["model"] == "accounts.User")["rows"][0]
    assert user["created_at"] == rows[0]["created_at"] == "2026-03-14T08:05:00+00:00"
    assert user["birth_date"] == "2014-03-14"
    assert f"<td>{moment}</td>" in html
    assert f"<td>{day}</td>" in html
    assert zone in html
    assert "08:05" not in html


def test_csv_files_are_named_in_words_in_the_persons_language_and_unique():
    person = make_user(first_name="Zoé")
    with build(person) as zf:
        names = [n for n in zf.namelist() if n.startswith("csv/")]
    assert "csv/comptes.csv" in names
    assert not any("_" in n for n in names)  # no table names (accounts_user.csv)
    User.objects.filter(pk=person.pk).update(language="en")
    person.refresh_from_db()
    with build(person) as zf:
        assert "csv/accounts.csv" in zf.namelist()
        assert '<html lang="en">' in zf.read("index.html").decode()
    with translation.override("fr"):
        every = [csv_name(d) for d in registry.declarations()]
    assert len(every) == len(set(every))


def test_the_html_view_names_people_events_and_amounts_in_words():
    parent = make_user(first_name="Anna", last_name="Martin", role=Role.PARENT)
    child = make_user(first_name="Ben", last_name="Martin", birth_date=date(2016, 1, 1))
    Guardianship.objects.create(
        guardian=parent,
        child=child,
        status=Guardianship.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    audit.record(
        event="order.placed",
        actor=parent,
        subject=parent,
        data={"amount_cents": 490, "plan": "famille-mensuel"},
    )

    with build(parent) as zf:
        page = zf.read("index.html").decode()

    assert "<h1>Données personnelles : Anna</h1>" in page
    assert "Les données de" not in page
    assert "Anna Martin (vous)" in page
    assert "Ben Martin" in page
    assert str(child.public_id) not in page
    assert str(parent.public_id) not in page
    assert "Commande passée" in page
    assert "order.placed" not in page
    assert '<span class="label">montant</span> : 4,90' in page
    assert "amount_cents" not in page


def test_the_sessions_internals_stay_out_of_the_archive(client):
    person = make_user(first_name="Zoé")
    client.force_login(person)
    with build(person) as zf:
        data = json.loads(zf.read("donnees.json"))
        sessions = next(r for r in data["records"] if r["model"] == "accounts.Session")
    assert sessions["rows"], "the session is in the archive"
    names = {f["name"] for f in sessions["fields"]}
    assert "expire_date" in names
    assert not names & {"session_key", "session_data"}
    assert all(not set(row) & {"session_key", "session_data"} for row in sessions["rows"])


def test_each_models_query_compiled_once_is_what_django_compiles_for_the_person():
    # The archive compiles each model's query once, for stand-ins, and fills in the person's
    # key or reference: for every declared model, the result must be Django's own query.
    from django.db import DEFAULT_DB_ALIAS

    from charte.subject_requests.archive.columns import _queryset, statement

    person = make_user(first_name="Zoé")
    compiled = 0
    for declaration in registry.declarations():
        cols = archive.columns(declaration, archive.ACCESS)
        if not cols:
            continue
        bound = statement(declaration, cols, DEFAULT_DB_ALIAS)
        if bound is None:
            continue
        expected = _queryset(declaration, person, cols, DEFAULT_DB_ALIAS).query
        sql, params = expected.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
        assert bound.bind(person) == (sql, list(params)), declaration.label
        compiled += 1
    assert compiled == len(
        [d for d in registry.declarations() if archive.columns(d, archive.ACCESS)]
    )


def test_the_archive_reads_the_same_rows_with_its_compiled_queries_as_without(monkeypatch):
    module = importlib.import_module("charte.subject_requests.archive.columns")
    person = make_user(first_name="Zoé")
    audit.record(event="order.placed", actor=person, subject=person, data={"amount_cents": 1})
    with build(person) as zf:
        compiled = {n: zf.read(n) for n in zf.namelist() if n.startswith("csv/")}
    monkeypatch.setattr(module, "statement", lambda *args: None)
    with build(person) as zf:
        fresh = {n: zf.read(n) for n in zf.namelist() if n.startswith("csv/")}
    assert compiled == fresh
    assert len(compiled) >= 2
