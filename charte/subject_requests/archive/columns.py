"""What goes into an archive: the exported columns of each declared model, and the person's
rows read a chunk at a time."""

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections, models
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI
from django.utils import translation
from django.utils.text import slugify

from charte.core import statements
from charte.core.actors import person_ref
from charte.privacy import register
from charte.privacy.register import PORTABLE_PROVENANCES, Category
from charte.privacy.registry import Declaration, Reader

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


ACCESS = "access"


PORTABILITY = "portability"


CHUNK = 2000


EXCLUDED_CATEGORIES = frozenset({Category.CREDENTIALS})


@dataclass(frozen=True)
class Column:
    name: str
    lookup: str
    label: str
    category: Category
    provenance: register.Provenance
    choices: dict[Any, str] | None
    in_html: bool
    kind: str  # the stored value's Django type ("CharField", "JSONField"...), to convert it
    many: bool = False
    nullable: bool = True  # whether the database may give NULL
    link: bool = False  # a link to another row, given by its public id or key
    person: bool = False  # a link to a person: the HTML view names them
    reader: Reader | None = None  # how the HTML view writes the value in words

    def describe(self) -> dict[str, str]:
        return {
            "name": self.name,
            "label": self.label,
            "category": self.category.value,
            "provenance": self.provenance.value,
        }


def exported(declaration: Declaration, name: str, scope: str) -> bool:
    """Whether field `name` of `declaration` goes into an archive of `scope`."""
    declared = declaration.fields[name]
    if declared.category in EXCLUDED_CATEGORIES:
        return False
    if getattr(declaration.model._meta.get_field(name), "primary_key", False):
        return False
    return scope == ACCESS or declared.provenance in PORTABLE_PROVENANCES


_cache: dict[tuple[str, int, str, str], tuple[Declaration, Any]] = {}


def per_language[T](
    declaration: Declaration, scope: str, compute: Callable[[Declaration, str], T]
) -> T:
    """`compute(declaration, scope)`, computed once per scope and language."""
    key = (compute.__name__, id(declaration), scope, translation.get_language() or "")
    cached = _cache.get(key)
    if cached is None or cached[0] is not declaration:
        cached = _cache[key] = (declaration, compute(declaration, scope))
    return cached[1]


def columns(declaration: Declaration, scope: str) -> list[Column]:
    """The exported columns of a declared model."""
    return per_language(declaration, scope, _columns)


def _columns(declaration: Declaration, scope: str) -> list[Column]:
    meta = declaration.model._meta
    result = []
    for name, declared in declaration.fields.items():
        if not exported(declaration, name, scope):
            continue
        model_field: Any = meta.get_field(name)
        lookup = name
        stored: Any = model_field
        related = model_field.related_model if model_field.is_relation else None
        if related is not None and any(f.name == "public_id" for f in related._meta.fields):
            lookup = f"{name}__public_id"
            stored = related._meta.get_field("public_id")
        elif related is not None:
            stored = related._meta.pk
        if isinstance(stored, models.GeneratedField):
            stored = stored.output_field
        choices = dict(model_field.flatchoices) if getattr(model_field, "choices", None) else None
        result.append(
            Column(
                name=name,
                lookup=lookup,
                label=str(getattr(model_field, "verbose_name", name)),
                category=declared.category,
                provenance=declared.provenance,
                choices={k: str(v) for k, v in choices.items()} if choices else None,
                in_html=declared.category != Category.REFERENCE,
                kind=stored.get_internal_type(),
                many=bool(model_field.many_to_many),
                nullable=model_field.null or stored.null,
                link=related is not None,
                person=related is not None and related._meta.label == settings.AUTH_USER_MODEL,
                reader=declared.reader,
            )
        )
    return result


def chunks_of(
    declaration: Declaration,
    person: "AbstractBaseUser",
    cols: list[Column],
    chunk_size: int = CHUNK,
) -> Iterator[list[tuple[Any, ...]]]:
    """The person's rows of one model, as lists of tuples (the primary key, then `cols`).

    Values come as the database driver gives them (Django's per-value converters are skipped:
    the chunk converter turns each column into text in one step). On SQLite, instants are read as
    the text they are stored as (UTC), rather than parsed into a datetime and printed again.
    The query is Django's own, compiled once per process (`statement`), run through Django's
    chunked cursor (a server-side cursor on PostgreSQL), so memory holds one chunk. A row
    reached through two subject paths may come twice in a row: the converter drops the repeat.
    Many-to-many fields come back one database row per link: consecutive rows of one object
    are merged here, the linked values gathered in a list.
    """
    database = declaration.model._default_manager.db
    chunks = _rows(declaration, person, cols, database, chunk_size)
    many = [i for i, c in enumerate(cols, start=1) if c.many]
    if not many:
        yield from chunks
        return
    merged: list[tuple[Any, ...]] = []
    current: list[Any] | None = None
    for chunk in chunks:
        for row in chunk:
            if current is not None and row[0] == current[0]:
                # The same object again: another link of a many-to-many field.
                for i in many:
                    if row[i] is not None and row[i] not in current[i]:
                        current[i].append(row[i])
                continue
            if current is not None:
                merged.append(tuple(current))
            current = list(row)
            for i in many:
                current[i] = [] if current[i] is None else [current[i]]
        if len(merged) >= chunk_size:
            yield merged
            merged = []
    if current is not None:
        merged.append(tuple(current))
    if merged:
        yield merged


def _queryset(
    declaration: Declaration, person: Any, cols: list[Column], database: str
) -> models.QuerySet[Any]:
    """The person's rows of one model, the primary key first, then `cols`, as Django selects
    them (instants as their stored text on SQLite)."""
    raw_text = connections[database].vendor == "sqlite"
    selected: list[Any] = [
        Cast(c.lookup, output_field=models.TextField())
        if raw_text and c.kind == "DateTimeField" and not c.many
        else c.lookup
        for c in cols
    ]
    return (
        declaration.model._default_manager.using(database)
        .filter(declaration.subject_filter(person))
        .order_by("pk")
        .values_list("pk", *selected)
    )


def _rows(
    declaration: Declaration,
    person: "AbstractBaseUser",
    cols: list[Column],
    database: str,
    chunk_size: int,
) -> Iterator[list[tuple[Any, ...]]]:
    connection = connections[database]
    chunked = connection.features.can_use_chunked_reads
    compiled = statement(declaration, cols, database)
    if compiled is None:
        # A query whose person's values could not be told apart: compiled for this person.
        queryset = _queryset(declaration, person, cols, database)
        compiler = queryset.query.get_compiler(using=database)
        yield from compiler.execute_sql(MULTI, chunked_fetch=chunked, chunk_size=chunk_size) or ()
        return
    sql, params = compiled.bind(person)
    cursor = connection.chunked_cursor() if chunked else connection.cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            yield rows
    finally:
        cursor.close()


@dataclass(frozen=True)
class Statement:
    """A query about one person compiled once, its person's values left as holes."""

    prepared: statements.Prepared

    def bind(self, person: "AbstractBaseUser") -> tuple[str, list[Any]]:
        return self.prepared.bind((person.pk, person_ref(person)))


@dataclass(frozen=True)
class _StandIn:
    """Someone who cannot exist (a negative key), to compile a query about "a person"."""

    pk: int
    public_id: uuid.UUID


# Two stand-ins: what differs between their two compilations is where a person's values go.
_STAND_INS = (
    _StandIn(pk=-7_301_946_258_143, public_id=uuid.UUID(int=0x5EED_0001)),
    _StandIn(pk=-7_301_946_258_147, public_id=uuid.UUID(int=0x5EED_0002)),
)


_statements: dict[tuple[int, tuple[tuple[str, str, bool], ...], str], Any] = {}


def statement(declaration: Declaration, cols: list[Column], database: str) -> Statement | None:
    """The query of `chunks_of`, compiled once per model, columns and database.

    Building and compiling a query through the ORM costs more than running it when the person
    has no row there, which is most of an archive's fifty-odd queries. The query is compiled
    for two stand-ins (`charte.core.statements.compile_once`); the places where their key or
    reference ("user:<public id>") go become the holes that `bind` fills. A query whose shape
    depends on the person, or that names them otherwise, gives None: it is compiled for each
    person, as before. `tests/subject_requests/test_archive.py` checks that every declared
    model's bound statement is what Django compiles for a real person.
    """
    key = (id(declaration), tuple((c.lookup, c.kind, c.many) for c in cols), database)
    cached = _statements.get(key)
    if cached is None or cached[0] is not declaration:
        cached = _statements[key] = (declaration, _compile(declaration, cols, database))
    return cached[1]


def _compile(declaration: Declaration, cols: list[Column], database: str) -> Statement | None:
    def build(pk: int, ref: str) -> models.QuerySet[Any]:
        stand_in = _StandIn(pk=pk, public_id=uuid.UUID(ref.removeprefix("user:")))
        return _queryset(declaration, stand_in, cols, database)

    first, second = _STAND_INS
    values = (
        (first.pk, person_ref(first)),  # type: ignore[arg-type]
        (second.pk, person_ref(second)),  # type: ignore[arg-type]
    )
    prepared = statements.compile_once(build, values, database)
    if prepared is None or not prepared.holes:
        return None
    return Statement(prepared)


def csv_name(declaration: Declaration) -> str:
    """The CSV file of a kind of records, named in words in the active language, e.g.
    "csv/liens-de-responsabilite-legale.csv": the same for every archive in that language,
    and unique (a name two models share is followed by each one's model label)."""
    names = _csv_names()
    if declaration.label in names:
        return names[declaration.label]
    return "csv/" + (slugify(str(declaration.name)) or "donnees") + ".csv"


_names_cache: dict[tuple[str, int], dict[str, str]] = {}  # by language and registry


def _csv_names() -> dict[str, str]:
    from charte.privacy.registry import registry

    declarations = registry.declarations()
    key = (translation.get_language() or "", hash(tuple(map(id, declarations))))
    if key not in _names_cache:
        words = {
            d.label: slugify(re.sub(r"['\u2019]", " ", str(d.name)))
            or d.label.lower().replace(".", "-")
            for d in declarations
        }
        taken = Counter(words.values())
        _names_cache[key] = {
            label: "csv/"
            + (word if taken[word] == 1 else f"{word}-{label.lower().replace('.', '-')}")
            + ".csv"
            for label, word in words.items()
        }
    return _names_cache[key]


def anchor(declaration: Declaration) -> str:
    return declaration.label.lower().replace(".", "-")
