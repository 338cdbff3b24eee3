"""The coach's own objections move to the rights engine, where every objection now lives.

Each objection in force becomes an objection record (a `Limitation` of type "objection" to the
"coach" purpose) from the same day, so that it still stops the coach, shows in the person's
privacy centre and can be withdrawn there; then the coach's table goes.
"""

from django.db import migrations


def carry_over(apps, schema_editor):
    Objection = apps.get_model("coach", "Objection")
    Limitation = apps.get_model("subject_requests", "Limitation")
    for objection in Objection.objects.all().iterator():
        in_force = Limitation.objects.filter(
            person_id=objection.pupil_id, type="objection", purpose="coach", ended_at__isnull=True
        )
        if not in_force.exists():
            Limitation.objects.create(
                person_id=objection.pupil_id,
                type="objection",
                purpose="coach",
                started_at=objection.created_at,
            )


def carry_back(apps, schema_editor):
    Objection = apps.get_model("coach", "Objection")
    Limitation = apps.get_model("subject_requests", "Limitation")
    in_force = Limitation.objects.filter(type="objection", purpose="coach", ended_at__isnull=True)
    for limitation in in_force.iterator():
        Objection.objects.get_or_create(
            pupil_id=limitation.person_id, defaults={"created_at": limitation.started_at}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("coach", "0001_initial"),
        ("subject_requests", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="Objection"),
    ]
