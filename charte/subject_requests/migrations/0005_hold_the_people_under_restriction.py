from django.db import migrations


def hold_restricted(apps, schema_editor):
    """Restrictions in force before they held their person: each holds its person, as new ones do."""
    Limitation = apps.get_model("subject_requests", "Limitation")
    LegalHold = apps.get_model("retention", "LegalHold")
    in_force = Limitation.objects.filter(type="restriction", ended_at__isnull=True)
    for limitation in in_force.iterator():
        reference = str(limitation.public_id)
        if not LegalHold.objects.filter(
            person_id=limitation.person_id, reason="restriction", reference=reference
        ).exists():
            LegalHold.objects.create(
                person_id=limitation.person_id,
                reason="restriction",
                reference=reference,
                placed_by_ref="system:subject_requests",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("subject_requests", "0004_merge_objections_and_holds"),
        ("retention", "0002_hold_while_restricted"),
    ]

    operations = [migrations.RunPython(hold_restricted, migrations.RunPython.noop)]
