"""Django querysets compiled once, their varying values left as holes.

Building a queryset and compiling it to SQL costs this platform's CPU more than running it when
it reads a few rows by index: about 0.8 ms against 0.2 ms for the whole round trip, on a
consent write that makes four such queries. `prepared` compiles the ORM's own query twice, for
two sets of stand-in values that no real row has, and keeps its SQL when the two compilations
differ only where the stand-ins go: those places become the holes that `Prepared.rows` fills.
A query whose shape depends on its values (an `IN` list, a branch) cannot be kept so: it is
compiled at each call, as Django would. The rows come back through Django's converters for
their columns, as `values_list` gives them.

Kept per thread, as Django keeps its connections (a compiled query's converters belong to the
connection that compiled it). Tests compare each kept statement with what Django compiles for
real values (`tests/core/test_statements.py` and the archive's own).
"""

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import signals
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLCompiler

type Builder = Callable[..., models.QuerySet[Any]]


def _forms(value: Any, connection: Any) -> list[Any]:
    """The parameter a value may become in compiled SQL: itself, or a uuid as the database
    stores it (text on SQLite)."""
    forms = [value]
    if isinstance(value, uuid.UUID):
        forms.append(models.UUIDField().get_db_prep_value(value, connection))
    return forms


@dataclass(frozen=True)
class Prepared:
    """A queryset compiled once: its SQL, its parameters, where the values go."""

    sql: str
    params: tuple[Any, ...]
    holes: tuple[tuple[int, int, int], ...]  # (parameter, value, form of the value)
    compiler: SQLCompiler  # for its columns' converters
    database: str
    converters: dict[int, Any] | None = None  # the compiler's, found once; None: at each call

    def bind(self, values: Sequence[Any]) -> tuple[str, list[Any]]:
        params = list(self.params)
        connection = connections[self.database]
        for position, index, form in self.holes:
            params[position] = _forms(values[index], connection)[form]
        return self.sql, params

    def rows(self, *values: Any) -> list[tuple[Any, ...]]:
        """The rows the queryset would give for `values`, as `values_list` tuples."""
        sql, params = self.bind(values)
        with connections[self.database].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if self.converters is None:
            return [tuple(row) for row in self.compiler.results_iter(results=[rows])]
        if not self.converters:
            return [tuple(row) for row in rows]
        return [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]


class _Compiled(threading.local):
    def __init__(self) -> None:
        self.statements: dict[tuple[str, str], Prepared | None] = {}


_compiled = _Compiled()


def prepared(
    name: str,
    build: Builder,
    stand_ins: tuple[Sequence[Any], Sequence[Any]],
    database: str = DEFAULT_DB_ALIAS,
) -> Prepared | None:
    """`build(*values)` compiled once in this thread (under `name`, which says what it is);
    None when its SQL depends on the values (then compile it at each call). `stand_ins`: two
    sets of values that no real row has, unlike each other in every value."""
    key = (name, database)
    if key not in _compiled.statements:
        _compiled.statements[key] = compile_once(build, stand_ins, database)
    return _compiled.statements[key]


def rows(
    name: str,
    build: Builder,
    stand_ins: tuple[Sequence[Any], Sequence[Any]],
    *values: Any,
    database: str = DEFAULT_DB_ALIAS,
) -> list[tuple[Any, ...]]:
    """The rows of the `values_list` queryset `build(*values)`, from its statement compiled
    once when it can be, else as Django runs it."""
    statement = prepared(name, build, stand_ins, database)
    if statement is None:
        return list(build(*values).using(database))
    return statement.rows(*values)


def compile_once(
    build: Builder, stand_ins: tuple[Sequence[Any], Sequence[Any]], database: str
) -> Prepared | None:
    """`build(*values)` compiled for the two `stand_ins`, with holes where their values go;
    None when the SQL depends on the values. For a caller that keeps it itself (`prepared`
    keeps it per thread and name)."""
    connection = connections[database]
    compiled = []
    for values in stand_ins:
        compiler = build(*values).using(database).query.get_compiler(using=database)
        compiled.append((compiler, *compiler.as_sql()))
    (compiler, sql, params), (_, other_sql, other_params) = compiled
    if sql != other_sql or len(params) != len(other_params):
        return None
    first, second = stand_ins
    holes = []
    for position, (one, two) in enumerate(zip(params, other_params, strict=True)):
        if one == two:
            continue
        hole = next(
            (
                (position, index, form)
                for index, (a, b) in enumerate(zip(first, second, strict=True))
                for form, (x, y) in enumerate(
                    zip(_forms(a, connection), _forms(b, connection), strict=True)
                )
                if (one, two) == (x, y)
            ),
            None,
        )
        if hole is None:  # a difference that no value explains
            return None
        holes.append(hole)
    # The columns' converters, as `results_iter` finds them at each call (a composite key's
    # columns are left to it).
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = None if compiler.has_composite_fields(fields) else compiler.get_converters(fields)
    return Prepared(
        sql=sql,
        params=tuple(params),
        holes=tuple(holes),
        compiler=compiler,
        database=database,
        converters=converters,
    )


# Inserts ----------------------------------------------------------------------------------------


class _Inserts(threading.local):
    def __init__(self) -> None:
        self.statements: dict[tuple[type[models.Model], str, bool], tuple[str, Any]] = {}


_inserts = _Inserts()


def insert(obj: models.Model, database: str = DEFAULT_DB_ALIAS) -> None:
    """Save the new `obj` as `obj.save()` does for a new row, through an INSERT compiled once
    per model and thread: `pre_save` and `post_save` are sent, each field's `pre_save` (a
    default time, `auto_now`) is applied and its value prepared by the field as Django does,
    the keys the database gives are read back (PostgreSQL and SQLite give them). Not for a
    value that is an expression (`F`, `Now()`): save it as usual."""
    NewRow(obj, database).run()


class NewRow:
    """A new row as `insert` saves it, ready to go into the database by itself (`run`) or
    inside a statement that does more (the journal's append, `charte.audit.chain`): `pre_save`
    is sent and the values are prepared when it is made; `inserted` takes the columns that the
    database gave back and sends `post_save`. For a database that gives them back (PostgreSQL,
    SQLite), as the journal's are."""

    def __init__(self, obj: models.Model, database: str = DEFAULT_DB_ALIAS) -> None:
        model = type(obj)
        meta = model._meta
        if not obj._state.adding:
            raise ValueError(f"{meta.label} {obj.pk} is already saved: insert() makes new rows.")
        self.obj, self.database = obj, database
        connection = connections[database]
        signals.pre_save.send(
            sender=model, instance=obj, raw=False, using=database, update_fields=None
        )
        fields = [f for f in meta.local_concrete_fields if not f.generated]
        self.given_key = obj.pk is not None
        if not self.given_key:
            fields = [f for f in fields if f is not meta.auto_field]
        values = [field.pre_save(obj, True) for field in fields]
        if any(hasattr(value, "resolve_expression") for value in values):
            raise ValueError(
                f"{meta.label}: insert() takes plain values; save an expression as usual."
            )
        self.fields = fields
        self.params = [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, values, strict=True)
        ]
        self.returning = meta.db_returning_fields

    @property
    def shape(self) -> tuple[type[models.Model], str, bool]:
        """What the SQL of this row depends on (its values aside): the same for every row of
        its model saved the same way."""
        return type(self.obj), self.database, self.given_key

    def _compiled(self) -> tuple[str, Any]:
        """Django's INSERT for the model, compiled once per thread."""
        key = self.shape
        if key not in _inserts.statements:
            query = InsertQuery(type(self.obj))
            query.insert_values(self.fields, [self.obj])
            compiler = query.get_compiler(using=self.database)
            compiler.returning_fields = self.returning
            [(sql, _params)] = compiler.as_sql()
            _inserts.statements[key] = (sql, compiler)
        return _inserts.statements[key]

    def run(self) -> None:
        """Insert the row alone, as `save()` would."""
        connection = connections[self.database]
        sql, compiler = self._compiled()
        with (
            transaction.mark_for_rollback_on_error(using=self.database),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, self.params)
            rows = connection.ops.fetch_returned_rows(cursor, compiler.returning_params)
        self.inserted(rows[0])

    def select_sql(self, source: str, condition: str) -> str:
        """PostgreSQL: the row inserted from a SELECT on `source` (a name of the statement's
        WITH), only when `condition` holds there; it returns the columns `inserted` takes. Each
        value is cast to its column's type, as Django's VALUES would leave the database to do."""
        connection = connections[self.database]
        table = connection.ops.quote_name(self.obj._meta.db_table)
        columns = ", ".join(self._column(f) for f in self.fields)
        values = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in self.fields)
        returning = ", ".join(self._column(f) for f in self.returning)
        # Names quoted by Django, from the model; every value a parameter.
        return (
            f"INSERT INTO {table} ({columns}) SELECT {values} FROM {source} WHERE {condition} "  # noqa: S608
            f"RETURNING {returning}"
        )

    def returned_sql(self, source: str) -> list[str]:
        """Each column that `inserted` takes, read from `source`, the WITH that inserted it."""
        return [f"(SELECT {self._column(f)} FROM {source})" for f in self.returning]  # noqa: S608

    def _column(self, field: models.Field[Any, Any]) -> str:
        if field.column is None:
            raise ValueError(f"{field} has no column.")
        return connections[self.database].ops.quote_name(field.column)

    def inserted(self, row: Sequence[Any]) -> None:
        """The row is in: its returned columns (database values) set, `post_save` sent."""
        obj, meta = self.obj, self.obj._meta
        _sql, compiler = self._compiled()
        converters = compiler.get_converters([f.get_col(meta.db_table) for f in self.returning])
        values = list(row)
        if converters:
            [values] = list(compiler.apply_converters([values], converters))
        for value, field in zip(values, self.returning, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = self.database
        signals.post_save.send(
            sender=type(obj),
            instance=obj,
            created=True,
            update_fields=None,
            raw=False,
            using=self.database,
        )


def instance[M: models.Model](
    model: type[M], fields: Sequence[str], row: Sequence[Any], database: str = DEFAULT_DB_ALIAS
) -> M:
    """The `model` instance of a `values_list(*fields)` row, its other fields deferred (as
    `only(*fields)` gives it): `Model.from_db` takes the values in the model's field order."""
    given = dict(zip(fields, row, strict=True))
    names = [f.attname for f in model._meta.concrete_fields if f.attname in given]
    return model.from_db(database, names, [given[name] for name in names])
