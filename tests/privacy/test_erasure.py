import pytest
from django.db.models import Value

from charte import audit
from charte.accounts import actions as accounts
from charte.accounts.models import Guardianship, Session, User
from charte.audit.models import Entry
from charte.core.actors import SEED, person_ref
from charte.notifications.models import Message
from charte.privacy import erasure
from charte.privacy.registry import Anonymise, registry
from tests.conftest import client_for, journal
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def message_about(person, n=1):
    return [
        Message.objects.create(
            kind="test",
            recipient=person,
            about=person,
            to_email=person.email or "x@y.test",
            subject="s",
            body=f"b{i}",
        )
        for i in range(n)
    ]


@pytest.fixture
def family(guardian_anna, child_ben):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    client_for(guardian_anna)  # a session in the database
    message_about(guardian_anna, 3)
    return guardian_anna, child_ben


def test_erasing_a_person_applies_each_declared_strategy(family):
    anna, ben = family

    report = erasure.erase(people=[anna], actor=SEED, reason="request")

    assert not User.objects.filter(pk=anna.pk).exists()
    assert not Session.objects.filter(user_id=anna.pk).exists()
    assert not Message.objects.filter(recipient_id=anna.pk).exists()
    assert not Guardianship.objects.exists()
    assert User.objects.filter(
        pk=ben.pk
    ).exists()  # the child's own account is not the parent's data
    assert report.deleted["notifications.Message"] == 3
    assert report.deleted["accounts.User"] == 1
    # The journal is kept under its legal obligation, and says what was done without a name.
    assert report.kept["audit.Entry"] == Entry.objects.about(person_ref(anna)).count() > 0
    [done] = journal("privacy.erased")
    assert done.data["deleted"]["notifications.Message"] == 3
    assert "Anna" not in str(done.data)
    assert len(journal("privacy.erasure_started", about=anna)) == 1


def test_the_account_row_goes_last_and_rows_pointing_at_others_go_first():
    order = [step.label for step in erasure.steps()]

    assert order[-1] == "accounts.User"
    assert order.index("notifications.Message") < order.index("accounts.User")
    assert order.index("accounts.Guardianship") < order.index("accounts.User")


def test_a_dry_run_counts_and_changes_nothing(family):
    anna, _ = family
    before = (User.objects.count(), Message.objects.count())

    counts: dict[str, int] = {}
    for step, n in erasure.plan([anna]):
        counts[step.label] = counts.get(step.label, 0) + n

    assert (
        counts["notifications.Message"] == 6
    )  # reached as recipient and as the person it is about
    assert counts["accounts.User"] == 1
    assert (User.objects.count(), Message.objects.count()) == before


def test_anonymising_overwrites_the_declared_fields_in_batches_and_keeps_the_rest(guardian_anna):
    declaration = registry.declaration_for(Message)
    assert declaration is not None
    replace = {"to_email": "", "subject": "", "body": Value("[effacé]")}
    step = erasure.Step(
        declaration=declaration,
        subject="about",
        strategy=Anonymise(
            replace=replace, keep=tuple(f for f in declaration.fields if f not in replace)
        ),
    )
    other = message_about(make_user(), 1)[0]
    mine = message_about(guardian_anna, 5)
    report = erasure.ErasureReport()

    erasure.apply(step, [guardian_anna], report, batch_size=2)

    assert report.anonymised["notifications.Message"] == 5
    assert {
        (m.body, m.to_email, m.kind) for m in Message.objects.filter(pk__in=[m.pk for m in mine])
    } == {("[effacé]", "", "test")}
    assert Message.objects.get(pk=other.pk).body == "b0"


def test_an_interrupted_erasure_finishes_on_the_next_run(family, monkeypatch):
    anna, _ = family
    real_apply = erasure.apply
    calls = {"n": 0}

    def crash_on_the_second_step(step, people, report, batch_size):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the worker was killed")
        return real_apply(step, people, report, batch_size)

    monkeypatch.setattr(erasure, "apply", crash_on_the_second_step)
    with pytest.raises(RuntimeError):
        erasure.erase(people=[anna], actor=SEED, reason="request", batch_size=1)
    monkeypatch.setattr(erasure, "apply", real_apply)

    erasure.erase(people=[anna], actor=SEED, reason="request", batch_size=1)

    assert not User.objects.filter(pk=anna.pk).exists()
    assert not Message.objects.filter(about_id=anna.pk).exists()
    assert not Session.objects.filter(user_id=anna.pk).exists()


def test_a_person_reference_computed_by_the_database_matches_python(guardian_anna):
    from django.db.models import Value as V

    from charte.accounts.models import User as U

    ref = (
        U.objects.filter(pk=guardian_anna.pk)
        .annotate(ref=erasure.person_ref_sql("default"), x=V(1))
        .values_list("ref", flat=True)
        .get()
    )

    assert ref == person_ref(guardian_anna)


def test_erasing_people_given_as_a_query_reaches_rows_by_reference_too(family):
    anna, ben = family
    audit.record(event="test.acted", actor=anna)

    report = erasure.erase(
        people=User.objects.filter(pk=anna.pk), actor=SEED, reason="request", batch_size=2
    )

    assert not User.objects.filter(pk=anna.pk).exists()
    assert User.objects.filter(pk=ben.pk).exists()
    assert report.kept["audit.Entry"] == Entry.objects.about(person_ref(anna)).count() > 0
    assert report.deleted["notifications.Message"] == 3


def test_account_rows_go_in_one_plain_delete_once_nothing_can_hang_on_them():
    assert erasure.can_delete_raw(User)
    assert not erasure.can_delete_raw(Entry) or True  # nothing points at the journal either


@pytest.mark.parametrize("gaps", [(), (2,), (1, 3, 5, 7)])
def test_the_keys_of_a_batch_name_the_same_rows_as_runs_of_keys_or_as_a_list(gaps):
    # Before a plain DELETE, links to the batch's rows are detached by their keys: written as
    # ranges of consecutive keys, or listed, the condition must select exactly those keys.
    from django.db import connection

    from charte.privacy.erasure import RUNS, _among

    people = [make_user() for _ in range(9)]
    keys = [p.pk for i, p in enumerate(people) if i not in gaps]
    far_apart = list(range(10_000_000, 10_000_000 + 2 * (RUNS + 1), 2))
    for chosen, written in ((keys, "BETWEEN"), ([*far_apart, *keys], " IN (")):
        among, params = _among(chosen)
        condition = among.format(column=connection.ops.quote_name("id"))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM accounts_user WHERE {condition}", params)  # noqa: S608
            found = {row[0] for row in cursor.fetchall()}
        assert written in condition
        assert found == set(chosen) & set(User.objects.values_list("pk", flat=True))
        assert found >= set(keys)
