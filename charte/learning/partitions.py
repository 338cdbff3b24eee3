"""On PostgreSQL, learning events are partitioned by month of `at`.

Design: a month is a partition, so that reading a period touches only its months, and a
month past retention could be dropped whole. A DEFAULT partition takes any row no month
partition covers (it should stay empty: `ensure` creates the coming months ahead of time,
called by the aggregates' refresh). SQLite, the embedded default, keeps one plain table.
"""

from datetime import date

from django.db import connection

TABLE = "learning_learningevent"


def _month(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def create_month(cursor: object, year: int, month: int) -> None:
    start, end = _month(year, month)
    name = f"{TABLE}_{year}{month:02d}"
    cursor.execute(  # type: ignore[attr-defined]
        f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {TABLE} "
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = %s",
            [TABLE],
        )
        return cursor.fetchone() is not None


def ensure(today: date, *, ahead: int = 3) -> None:
    """The month partitions from this month to `ahead` months later exist."""
    if not is_partitioned():
        return
    with connection.cursor() as cursor:
        year, month = today.year, today.month
        for _ in range(ahead + 1):
            cursor.execute(
                "SELECT 1 FROM pg_class WHERE relname = %s", [f"{TABLE}_{year}{month:02d}"]
            )
            if cursor.fetchone() is None:
                create_month(cursor, year, month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def partition(apps: object, schema_editor: object) -> None:
    """The migration's step: the table made by Django becomes a partitioned one."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_plain")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {TABLE}_plain INCLUDING DEFAULTS INCLUDING IDENTITY) "
            "PARTITION BY RANGE (at)"
        )
        cursor.execute(f"DROP TABLE {TABLE}_plain")
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id, at)")
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT learning_event_pseudonym_fk "
            "FOREIGN KEY (pseudonym_id) REFERENCES learning_pseudonym (id) "
            "DEFERRABLE INITIALLY DEFERRED"
        )
        cursor.execute(f"CREATE INDEX learning_event_actor_at ON {TABLE} (pseudonym_id, at)")
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        for year in range(2024, 2029):
            for month in range(1, 13):
                create_month(cursor, year, month)


def unpartition(apps: object, schema_editor: object) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_parted")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {TABLE}_parted INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
        cursor.execute(f"DROP TABLE {TABLE}_parted CASCADE")
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)")
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT learning_event_pseudonym_fk "
            "FOREIGN KEY (pseudonym_id) REFERENCES learning_pseudonym (id) "
            "DEFERRABLE INITIALLY DEFERRED"
        )
        cursor.execute(f"CREATE INDEX learning_event_actor_at ON {TABLE} (pseudonym_id, at)")
