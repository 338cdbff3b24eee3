from django.db import migrations

OPEN = ("awaiting_identity", "in_review", "processing")


def hold_open_requests(apps, schema_editor):
    """Requests opened before holds were placed: each open one holds its person, as new ones do."""
    SubjectRequest = apps.get_model("subject_requests", "SubjectRequest")
    LegalHold = apps.get_model("retention", "LegalHold")
    for request in SubjectRequest.objects.filter(status__in=OPEN, person__isnull=False):
        reference = str(request.public_id)
        if not LegalHold.objects.filter(
            person_id=request.person_id, reason="pending_request", reference=reference
        ).exists():
            LegalHold.objects.create(
                person_id=request.person_id,
                reason="pending_request",
                reference=reference,
                placed_by_ref="system:subject_requests",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("subject_requests", "0002_identity_check_keeps_the_checker_s_role"),
        ("retention", "0001_initial"),
    ]

    operations = [migrations.RunPython(hold_open_requests, migrations.RunPython.noop)]
