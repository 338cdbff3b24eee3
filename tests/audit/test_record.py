import pytest

from charte import audit
from charte.audit.models import AppendOnlyError, Entry
from charte.core.actors import RETENTION

pytestmark = pytest.mark.django_db


def test_an_entry_names_people_by_their_public_id_only(guardian_anna, teacher_chloe):
    entry = audit.record(
        event="test.read", actor=teacher_chloe, subject=guardian_anna, data={"n": 1}
    )

    assert entry.actor_ref == f"user:{teacher_chloe.public_id}"
    assert entry.subject_ref == f"user:{guardian_anna.public_id}"
    assert "Anna" not in str(Entry.objects.values().get(pk=entry.pk))


def test_a_system_job_is_named_as_such():
    entry = audit.record(event="retention.swept", actor=RETENTION, data={"count": 3})

    assert entry.actor_ref == "system:retention"
    assert entry.subject_ref == ""


def test_entries_are_never_updated_or_deleted_through_the_orm(guardian_anna):
    entry = audit.record(event="test.read", actor=guardian_anna)

    entry.event = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).update(event="forged")
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).delete()
    assert Entry.objects.get(pk=entry.pk).event == "test.read"
