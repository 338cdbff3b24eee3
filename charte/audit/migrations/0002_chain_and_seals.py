"""Chain the journal: number and sign every entry, and add the seals that close each day.

Entries written before this migration are chained in the order they were written (by id),
under the journal key the server has now.
"""

from django.db import migrations, models


def chain_existing_entries(apps, schema_editor):
    from charte.audit import chain

    Entry = apps.get_model("audit", "Entry")
    db = schema_editor.connection.alias
    prev_hash = chain.GENESIS
    prev_at = None
    for seq, entry in enumerate(Entry.objects.using(db).order_by("id").iterator(), start=1):
        at = entry.at if prev_at is None or entry.at > prev_at else prev_at
        data = chain.normalise_data(entry.data or {})
        ip = chain.normalise_ip(entry.ip)
        content = chain.entry_bytes(
            seq, at, entry.event, entry.actor_ref, entry.subject_ref, data, ip, entry.user_agent
        )
        digest = chain.entry_hash(prev_hash, content)
        Entry.objects.using(db).filter(pk=entry.pk).update(
            seq=seq, at=at, data=data, ip=ip, prev_hash=prev_hash, hash=digest
        )
        prev_hash, prev_at = digest, at


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="seq",
            field=models.BigIntegerField(null=True, editable=False, verbose_name="numéro"),
        ),
        migrations.AddField(
            model_name="entry",
            name="prev_hash",
            field=models.CharField(
                default="", max_length=64, verbose_name="empreinte de l'entrée précédente"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="entry",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="empreinte"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="entry",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True, verbose_name="numéro"),
        ),
        migrations.AlterModelOptions(
            name="entry",
            options={
                "ordering": ["seq"],
                "verbose_name": "entrée du journal",
                "verbose_name_plural": "entrées du journal",
            },
        ),
        migrations.CreateModel(
            name="Seal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(unique=True, verbose_name="jour")),
                ("first_seq", models.BigIntegerField(verbose_name="première entrée")),
                ("last_seq", models.BigIntegerField(verbose_name="dernière entrée")),
                ("count", models.PositiveIntegerField(verbose_name="nombre d'entrées")),
                ("root", models.CharField(max_length=64, verbose_name="racine")),
                (
                    "last_entry_hash",
                    models.CharField(
                        max_length=64, verbose_name="empreinte de la dernière entrée"
                    ),
                ),
                (
                    "prev_hash",
                    models.CharField(max_length=64, verbose_name="empreinte du sceau précédent"),
                ),
                ("hash", models.CharField(max_length=64, unique=True, verbose_name="empreinte")),
                ("key_id", models.CharField(max_length=16, verbose_name="clé")),
                ("sealed_at", models.DateTimeField(verbose_name="scellé le")),
                (
                    "pruned_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="entrées effacées le"
                    ),
                ),
                (
                    "pruned_as_of",
                    models.DateField(blank=True, null=True, verbose_name="effacées à la date du"),
                ),
                (
                    "pruned_mac",
                    models.CharField(
                        blank=True, max_length=64, verbose_name="signature de l'effacement"
                    ),
                ),
            ],
            options={
                "verbose_name": "sceau du journal",
                "verbose_name_plural": "sceaux du journal",
                "ordering": ["day"],
            },
        ),
    ]
