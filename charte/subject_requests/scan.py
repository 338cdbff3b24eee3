"""The residual scan: after an erasure, is anything that identifies the person still stored?

Design: an erasure applies what the registry declares; this scan checks the outcome without
trusting the registry. It reads the database's own catalogue (every table, declared or not,
ours or a third party's) and searches every text-like column (text, varchar, JSON, UUID, IP
address, cast to text) for the person's identifiers, case-insensitively. A column that a
declaration keeps under a legal obligation (`KeepUnderObligation(keep=...)`) is reported apart
as "kept": the law makes us keep it and the certificate says so; anything else is a residue,
and the request is then only "partial".

The identifiers are taken before the erasure: email address, username, phone number, public
id (in both of its stored spellings) and full name (in both orders). A first name or a family
name alone is not searched: "Martin" is also the name of the parent who was not erased, and a
short first name is a part of many words. Findings carry table, column and counts, never the
values, so that the report itself holds no personal data.

Cost: one query per text column, each a full scan of its table; the scan runs in the task
worker after an erasure, never in a web request.
"""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection

from charte.privacy.registry import KeepUnderObligation, registry

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

TEXT_TYPES = frozenset(
    {
        "CharField",
        "TextField",
        "JSONField",
        "UUIDField",
        "GenericIPAddressField",
        "IPAddressField",
        "EmailField",
        "SlugField",
        "URLField",
        "FilePathField",
    }
)
MIN_LENGTH = 4


@dataclass(frozen=True)
class Finding:
    table: str
    column: str
    rows: int
    kept: bool

    def as_data(self) -> dict[str, Any]:
        return {"table": self.table, "column": self.column, "rows": self.rows, "kept": self.kept}


def identifiers(person: "AbstractBaseUser") -> list[str]:
    """The strings that identify `person` wherever they are stored."""
    values: list[str] = []
    for name in ("email", "username", "phone"):
        value = getattr(person, name, None)
        if value:
            values.append(str(value))
    public_id = getattr(person, "public_id", None)
    if public_id is not None:
        values += [str(public_id), public_id.hex]
    first = (getattr(person, "first_name", "") or "").strip()
    last = (getattr(person, "last_name", "") or "").strip()
    if first and last:
        values += [f"{first} {last}", f"{last} {first}"]
    return terms(values)


def terms(values: Iterable[str]) -> list[str]:
    """Distinct search terms, long enough to mean something, with their JSON-escaped spelling."""
    found: list[str] = []
    for value in values:
        value = value.strip()
        if len(value) < MIN_LENGTH:
            continue
        for spelling in (value, json.dumps(value)[1:-1]):
            if spelling.lower() not in (t.lower() for t in found):
                found.append(spelling)
    return found


def kept_columns() -> set[tuple[str, str]]:
    """(table, column) pairs that a declaration keeps under a legal obligation."""
    kept: set[tuple[str, str]] = set()
    for declaration in registry.declarations():
        model = declaration.model
        for subject in declaration.subjects:
            strategy = declaration.erasure_for(subject)
            if not isinstance(strategy, KeepUnderObligation):
                continue
            for name in strategy.kept():
                model_field = model._meta.get_field(name)
                column = getattr(model_field, "column", None)
                if column:
                    kept.add((model._meta.db_table, column))
    return kept


# The text columns by the schema they were read from: introspecting every table is most of an
# erasure's time on SQLite (Django parses each table's SQL), while the schema's fingerprint
# is one query. A schema that changed has another fingerprint and is read again.
_text_columns: dict[tuple[str, str, str], list[tuple[str, str]]] = {}


def _schema_fingerprint(cursor: Any) -> str:
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name, sql FROM sqlite_master ORDER BY name")
    elif connection.vendor == "postgresql":
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
    else:
        return ""
    return hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()


def text_columns() -> list[tuple[str, str]]:
    """Every text-like column of every table in the database, declared or not."""
    with connection.cursor() as cursor:
        fingerprint = _schema_fingerprint(cursor)
    key = (connection.alias, str(connection.settings_dict["NAME"]), fingerprint)
    if not fingerprint or key not in _text_columns:
        _text_columns[key] = _read_text_columns()
    return list(_text_columns[key])


def _read_text_columns() -> list[tuple[str, str]]:
    found = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            for column in connection.introspection.get_table_description(cursor, table):
                try:
                    kind = connection.introspection.get_field_type(column.type_code, column)
                except KeyError:
                    kind = ""
                if kind in TEXT_TYPES or _texty(column.type_code):
                    found.append((table, column.name))
    return found


def _texty(type_code: Any) -> bool:
    """SQLite reports declared types as text: a column typed `text`, `char` or `json`."""
    return isinstance(type_code, str) and any(
        word in type_code.lower() for word in ("char", "text", "json", "clob")
    )


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.upper()}%"


def scan(search: Sequence[str]) -> list[Finding]:
    """Every text column holding any of `search`, with how many rows, kept or residual."""
    if not search:
        return []
    kept = kept_columns()
    quote = connection.ops.quote_name
    patterns = [_like(t) for t in search]
    findings = []
    with connection.cursor() as cursor:
        for table, column in text_columns():
            value = f"UPPER(CAST({quote(column)} AS TEXT))"
            where = " OR ".join(f"{value} LIKE %s ESCAPE '\\'" for _ in patterns)
            sql = f"SELECT COUNT(*) FROM {quote(table)} WHERE {where}"  # noqa: S608
            cursor.execute(sql, patterns)
            (count,) = cursor.fetchone()
            if count:
                findings.append(Finding(table, column, count, (table, column) in kept))
    return findings


def residues(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if not f.kept]
