"""Querysets compiled once (`charte.core.statements`) run Django's own SQL and give its rows.

Each kept statement is checked against what Django compiles and returns for real values, on
the database the suite runs on (uuids are text on SQLite, dates are converted back); a query
whose shape depends on its values is not kept; an insert is the row `save()` makes, with the
same signals, and changes nothing when it fails.
"""

import uuid
from datetime import date
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import F, signals

from charte.accounts.models import Role, User
from charte.consent import queries
from charte.consent.models import ConsentRecord
from charte.core import statements
from charte.core.actors import person_ref
from tests.factories import make_user

pytestmark = pytest.mark.django_db

STAND_INS = ((uuid.UUID(int=1), 101), (uuid.UUID(int=2), 102))


def by_id_and_age(public_id, older_than):
    return User.objects.filter(public_id=public_id, pk__gt=older_than).values_list(
        "pk", "public_id", "birth_date", "is_active", "role"
    )


def test_a_kept_statement_is_the_sql_and_rows_django_gives():
    pupil = make_user(role=Role.PUPIL, first_name="Ben", birth_date=date(2014, 3, 9))
    make_user(role=Role.PARENT, first_name="Anna")

    kept = statements.prepared("test.by_id_and_age", by_id_and_age, STAND_INS)
    assert kept is not None
    real = by_id_and_age(pupil.public_id, 0)
    sql, params = real.query.sql_with_params()
    assert kept.bind((pupil.public_id, 0)) == (sql, list(params))
    rows = statements.rows("test.by_id_and_age", by_id_and_age, STAND_INS, pupil.public_id, 0)
    assert rows == list(real)
    [(pk, public_id, birth_date, active, role)] = rows
    assert (pk, public_id, birth_date, active, role) == (
        pupil.pk,
        pupil.public_id,
        date(2014, 3, 9),
        True,
        Role.PUPIL,
    )
    assert statements.rows("test.by_id_and_age", by_id_and_age, STAND_INS, uuid.uuid4(), 0) == []


def in_a_list(pks, role):
    return User.objects.filter(pk__in=pks, role=role).values_list("pk", flat=False)


def test_a_query_whose_shape_depends_on_its_values_is_not_kept_but_still_answers():
    anna, ben = make_user(role=Role.PARENT), make_user(role=Role.PARENT)
    stand_ins = (([-1], "stand-in-1"), ([-2, -3], "stand-in-2"))  # one hole, then two

    assert statements.prepared("test.in_a_list", in_a_list, stand_ins) is None
    rows = statements.rows("test.in_a_list", in_a_list, stand_ins, [anna.pk, ben.pk], "parent")
    assert sorted(rows) == sorted([(anna.pk,), (ben.pk,)])


def test_the_consent_writes_statements_are_djangos(guardian_anna):
    """The three reads of a consent write through the API, against the ORM's own answers."""
    person = queries.subject(guardian_anna.public_id)
    assert person is not None
    for field in queries.SUBJECT_FIELDS:
        assert getattr(person, field) == getattr(guardian_anna, field)
    assert queries.subject(uuid.uuid4()) is None

    newest = ConsentRecord.objects.filter(subject_ref=person_ref(guardian_anna)).last()
    assert newest is not None
    [(code, record)] = queries.latest_choices(guardian_anna, [newest.purpose]).items()
    assert (code, record.pk, record.act, record.text_id) == (
        newest.purpose,
        newest.pk,
        newest.act,
        newest.text_id,
    )
    assert queries.latest_choices(guardian_anna, ["no-such-purpose"]) == {}
    assert newest.text is not None
    text = queries.text_by_digest(newest.text.sha256)
    assert text is not None
    assert (text.pk, text.purpose, text.version) == (
        newest.text.pk,
        newest.text.purpose,
        newest.text.version,
    )
    assert queries.text_by_digest("0" * 64) is None


def test_the_consent_apis_statements_are_kept_and_are_djangos(guardian_anna):
    """Each query the consent API reads a person with is compiled once, and its bound SQL is
    what Django compiles for the real person."""
    ref = person_ref(guardian_anna)
    given = ConsentRecord.objects.filter(subject_ref=ref, text__isnull=False).last()
    assert given is not None
    assert given.text is not None
    reads: list[tuple[statements.Builder, Any, tuple[Any, ...]]] = [
        (queries._account_of, queries.STAND_IN_IDS, (guardian_anna.public_id,)),
        (queries._latest_of, queries.STAND_IN_REFS, (ref,)),
        (queries._subject_by_id, queries.STAND_IN_IDS, (guardian_anna.public_id,)),
        (queries._newest_of, queries.STAND_IN_CHOICES, (ref, "newsletter")),
        (queries._text_of, queries.STAND_IN_DIGESTS, (given.text.sha256,)),
    ]
    for build, stand_ins, values in reads:
        kept = statements.compile_once(build, stand_ins, DEFAULT_DB_ALIAS)
        assert kept is not None, build.__name__
        sql, params = build(*values).query.sql_with_params()
        assert kept.bind(values) == (sql, list(params)), build.__name__
        assert kept.rows(*values) == list(build(*values)), build.__name__


def record(**overrides):
    fields = {
        "subject_ref": "user:00000000-0000-0000-0000-00000000000a",
        "purpose": "newsletter",
        "act": "refused",
        "actor_ref": "system:test",
        "channel": "api",
    } | overrides
    return ConsentRecord(**fields)


def test_an_insert_is_the_row_save_makes_with_its_signals():
    seen = []

    def before(sender, instance, **kwargs):
        seen.append(("pre", instance.pk, kwargs["raw"]))

    def after(sender, instance, created, **kwargs):
        seen.append(("post", instance.pk, created))

    signals.pre_save.connect(before, sender=ConsentRecord)
    signals.post_save.connect(after, sender=ConsentRecord)
    try:
        inserted = record(actor_ref="system:a\x00b")  # a NUL, cleaned before saving
        statements.insert(inserted)
        saved = record(actor_ref="system:a\x00b")
        saved.save()
    finally:
        signals.pre_save.disconnect(before, sender=ConsentRecord)
        signals.post_save.disconnect(after, sender=ConsentRecord)

    assert inserted.pk is not None
    assert not inserted._state.adding
    assert seen == [
        ("pre", None, False),
        ("post", inserted.pk, True),
        ("pre", None, False),
        ("post", saved.pk, True),
    ]
    columns = ("subject_ref", "purpose", "act", "actor_ref", "on_behalf", "channel", "text_id")
    assert ConsentRecord.objects.filter(pk=inserted.pk).values_list(*columns).get() == (
        ConsentRecord.objects.filter(pk=saved.pk).values_list(*columns).get()
    )
    assert ConsentRecord.objects.get(pk=inserted.pk).actor_ref == "system:ab"
    assert ConsentRecord.objects.get(pk=inserted.pk).at == inserted.at


def test_an_insert_refuses_a_saved_row_and_an_expression():
    saved = record()
    statements.insert(saved)
    count = ConsentRecord.objects.count()

    with pytest.raises(ValueError, match="already saved"):
        statements.insert(saved)
    with pytest.raises(ValueError, match="plain values"):
        statements.insert(record(purpose=F("act")))

    assert ConsentRecord.objects.count() == count


def test_a_failed_insert_rolls_its_transaction_back():
    count = ConsentRecord.objects.count()

    def both() -> None:
        with transaction.atomic():
            statements.insert(record())
            statements.insert(record(act="given"))  # no text: the table's constraint refuses it

    with pytest.raises(IntegrityError):
        both()

    assert ConsentRecord.objects.count() == count
