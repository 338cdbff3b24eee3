"""PostgreSQL only: learning events partitioned by month (charte/learning/partitions.py)."""

from django.db import migrations

from charte.learning.partitions import partition, unpartition


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
