"""Erasure, driven by the registry alone: what each model declared is what happens.

Design:
- For each declared model and each of its subject paths that reaches the people being erased,
  the declared strategy applies: `Delete` removes the rows, `Anonymise` and
  `KeepUnderObligation` overwrite the listed fields with their replacements (constants or
  database expressions) and leave the rest. A `KeepUnderObligation` with nothing to replace
  (the journal) is counted as kept and left untouched.
- Set-based and bounded: rows are taken in keyset order of their primary key, `batch_size` at
  a time; each batch is one transaction, one `DELETE` (through Django's collector, which
  deletes dependants set-wise too) or one `UPDATE`, bounded by the batch's first and last
  keys rather than a list of them. The people may be given as a query (the sweep's slices of
  expired accounts), so that no list of ids travels at all. Memory stays flat however many.
- No per-object Python on big tables: when nothing can hang on a batch's rows any more (every
  relation into the model comes from a declared model whose own step, run before, deleted or
  detached those rows) and no signal listens, the batch is one raw `DELETE`, without the
  collector loading the rows (the account rows of a whole school year, at the sweep).
- Re-runnable: every step works on what is left. A crash between two batches leaves a state
  that the next run completes, to the same end as one uninterrupted run.
- Order: a model that points at another declared model is handled before it (so that an
  anonymised row is detached before what it points at goes, instead of being cascaded away);
  the person's own account row goes last.
- Nothing here knows a domain app: the rights and retention engines call `erase()`, and the
  residual scan that checks the outcome lives with the rights engine.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db import connections, models, transaction
from django.db.models import Expression, Value, signals
from django.db.models.deletion import (
    SET_NULL,
    SKIP_COLLECTION,
    Collector,
    get_candidate_relations_to_delete,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, Lower, Substr

from charte import audit
from charte.core.actors import Actor, person_ref
from charte.privacy.registry import Declaration, Erasure, Ref, Subject, registry

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

DEFAULT_BATCH = 1000


@dataclass(frozen=True)
class KeyRange:
    """Every account whose primary key is after `after` and up to `up_to`.

    The cheapest way to name many people at once: a row's link to them becomes a range on its
    own foreign key (`about_id > a AND about_id <= b`), which the database answers from that
    column's index. The retention sweep passes one when every account in the range is due.
    """

    after: int
    up_to: int

    def queryset(self) -> models.QuerySet[Any]:
        return get_user_model()._default_manager.filter(pk__gt=self.after, pk__lte=self.up_to)


type People = Sequence[AbstractBaseUser] | models.QuerySet[Any] | KeyRange
"""A list of people, a query that selects them, or a range of keys (set-based: no list of keys
is sent)."""


@dataclass(frozen=True)
class Step:
    """One strategy applied to the rows of one model reached through one subject path."""

    declaration: Declaration
    subject: Subject
    strategy: Erasure

    @property
    def label(self) -> str:
        return self.declaration.label

    def queryset(self, people: People) -> models.QuerySet[Any]:
        manager = self.declaration.model._default_manager
        if isinstance(self.subject, Ref) and not isinstance(people, Sequence):
            few = _few_refs(manager, self.subject.field, people)
            if few is not None:
                return manager.filter(**{f"{self.subject.field}__in": few})
        return manager.filter(subject_q_many(self.subject, people))

    @property
    def touches_rows(self) -> bool:
        return self.strategy.kind == "delete" or bool(self.strategy.replaced())


@dataclass
class ErasureReport:
    """What an erasure did, per model: rows deleted, anonymised, or kept under an obligation."""

    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    anonymised: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    kept: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def as_data(self) -> dict[str, dict[str, int]]:
        return {
            "deleted": dict(sorted(self.deleted.items())),
            "anonymised": dict(sorted(self.anonymised.items())),
            "kept": dict(sorted(self.kept.items())),
        }

    @property
    def total(self) -> int:
        return sum(self.deleted.values()) + sum(self.anonymised.values())


def subject_q_many(subject: Subject, people: "People") -> models.Q:
    if isinstance(people, KeyRange):
        if isinstance(subject, Ref):
            return subject_q_many(subject, people.queryset())
        path = subject or "pk"
        return models.Q(**{f"{path}__gt": people.after, f"{path}__lte": people.up_to})
    if isinstance(people, models.QuerySet):
        if isinstance(subject, Ref):
            refs = people.annotate(_ref=person_ref_sql(people.db)).values("_ref")
            return models.Q(**{f"{subject.field}__in": refs})
        return models.Q(**{f"{subject or 'pk'}__in": people.values("pk")})
    if isinstance(subject, Ref):
        return models.Q(**{f"{subject.field}__in": [person_ref(p) for p in people]})
    return models.Q(**{f"{subject or 'pk'}__in": [p.pk for p in people]})


FEW_REFS = 1000


def _few_refs(
    manager: Any, field: str, people: "models.QuerySet[Any] | KeyRange"
) -> list[str] | None:
    """When a table names few people by reference (holds, requests), the references among
    `people`, found from the table's side; None when it names many (the journal): then the
    references of `people` are computed by the database instead."""
    refs = list(
        manager.filter(**{f"{field}__startswith": "user:"})
        .order_by()
        .values_list(field, flat=True)
        .distinct()[: FEW_REFS + 1]
    )
    if len(refs) > FEW_REFS:
        return None
    public_ids = []
    for ref in refs:
        try:
            public_ids.append(uuid.UUID(ref.removeprefix("user:")))
        except ValueError:
            continue
    everyone = people.queryset() if isinstance(people, KeyRange) else people
    found = everyone.filter(public_id__in=public_ids).values_list("public_id", flat=True)
    return [f"user:{public_id}" for public_id in found]


def person_ref_sql(using: str) -> Expression:
    """`person_ref(person)` ("user:<public id>") computed by the database, for a subquery.

    PostgreSQL stores a UUID natively and prints it with hyphens; other databases store its 32
    hexadecimal digits, which are cut and joined here the way Python prints a UUID.
    """
    if connections[using].vendor == "postgresql":
        return Concat(
            Value("user:"),
            Cast("public_id", output_field=models.TextField()),
            output_field=models.TextField(),
        )
    parts: list[Any] = [Value("user:")]
    for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12)):
        if start > 1:
            parts.append(Value("-"))
        parts.append(Lower(Substr("public_id", start, length)))
    return Concat(*parts, output_field=models.CharField())


def steps() -> list[Step]:
    """Every step, in the order that keeps references sound (see the design note)."""
    declarations = {d.model: d for d in registry.declarations()}
    ordered = _referencing_first(list(declarations))
    user_model = get_user_model()
    result = [
        Step(
            declaration=declarations[model],
            subject=subject,
            strategy=declarations[model].erasure_for(subject),
        )
        for model in ordered
        for subject in declarations[model].subjects
    ]
    # The account itself goes last, once everything that hangs on it has been dealt with.
    return sorted(result, key=lambda s: s.declaration.model is user_model)


def _referencing_first(model_list: list[type[models.Model]]) -> list[type[models.Model]]:
    """Topological order: a model comes before every declared model it has a foreign key to."""
    declared = set(model_list)
    points_to: dict[type[models.Model], set[type[models.Model]]] = {
        m: {
            f.related_model
            for f in m._meta.get_fields()
            if f.is_relation
            and f.concrete
            and f.related_model in declared
            and f.related_model is not m
        }
        for m in model_list
    }
    ordered: list[type[models.Model]] = []
    placed: set[type[models.Model]] = set()
    remaining = sorted(model_list, key=lambda m: m._meta.label)
    while remaining:
        # Models that no remaining model points to can be handled now.
        free = [m for m in remaining if not any(m in points_to[o] for o in remaining if o is not m)]
        if not free:  # a cycle between models: break it in label order
            free = [remaining[0]]
        for m in free:
            ordered.append(m)
            placed.add(m)
        remaining = [m for m in remaining if m not in placed]
    return ordered


def plan(people: People) -> list[tuple[Step, int]]:
    """What an erasure of `people` would touch, without touching it (a dry run)."""
    return [(step, step.queryset(people).count()) for step in steps()]


def _ranges(queryset: models.QuerySet[Any], size: int) -> Iterator[models.QuerySet[Any]]:
    """`queryset` cut into keyset slices of at most `size` rows, by primary-key bounds.

    Each slice is filtered by its bounds, not by a list of keys: the database is sent one short
    statement per batch, whatever the batch size.
    """
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        bound = list(page.values_list("pk", flat=True)[size - 1 : size])
        if not bound:
            yield page.order_by()  # fewer than `size` rows left, maybe none: the last batch
            return
        yield page.filter(pk__lte=bound[0]).order_by()
        last = bound[0]


def apply(step: Step, people: People, report: ErasureReport, batch_size: int) -> None:
    if not step.touches_rows:
        return  # kept as they are; counted once per model in `erase`
    apply_to(
        step.queryset(people),
        declaration=step.declaration,
        strategy=step.strategy,
        report=report,
        batch_size=batch_size,
    )


def apply_to(
    queryset: models.QuerySet[Any],
    *,
    declaration: Declaration,
    strategy: Erasure,
    report: ErasureReport,
    batch_size: int,
    after_batch: Callable[[int], None] | None = None,
) -> None:
    """Apply `strategy` to the rows of `queryset`, in keyset batches of one transaction each.

    The retention sweep calls this for rows past their own date; `erase` for a person's rows.
    `after_batch(n)` is told the number of rows each committed batch handled (progress bars).
    """
    raw = strategy.kind == "delete" and can_delete_raw(declaration.model)
    limited = connections[queryset.db].features.allow_sliced_subqueries_with_in
    if strategy.kind == "delete" and limited:
        # Deleted rows leave the selection: take any `batch_size` of them until none is left,
        # with the subject's own index, rather than in key order (which would scan the table).
        manager = declaration.model._default_manager
        while True:
            batch = _first(manager, queryset, batch_size)
            done = _delete(batch, declaration, report, raw)
            if after_batch is not None:
                after_batch(done)
            if done < batch_size:
                return
    for batch in _ranges(queryset, batch_size):
        if strategy.kind == "delete":
            done = _delete(batch, declaration, report, raw)
        else:
            with _batch_transaction(batch.db):
                files = _files_replaced(batch, declaration, strategy)
                done = batch.update(**strategy.replaced())
                if files:
                    transaction.on_commit(partial(_delete_files, files), using=batch.db)
            target = report.kept if strategy.kind == "keep" else report.anonymised
            target[declaration.label] += done
        if after_batch is not None:
            after_batch(done)


def _files_replaced(
    batch: models.QuerySet[Any], declaration: Declaration, strategy: Erasure
) -> list[tuple[str, str]]:
    """The files (storage alias, name) that a batch's replaced fields name: the update blanks
    the names, so the files would be left behind in the storage, found by no one."""
    found: list[tuple[str, str]] = []
    for name, alias in declaration.files.items():
        if name in strategy.replaced():
            names = batch.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
            found += [(alias, n) for n in names.values_list(name, flat=True)]
    return found


def _delete_files(files: list[tuple[str, str]]) -> None:
    """After commit: the row no longer names the file, which goes (a retry of the erasure
    finds the name blank, so a file is deleted at most once, and a missing one is no error)."""
    for alias, name in files:
        storages[alias].delete(name)


def _first(manager: Any, queryset: models.QuerySet[Any], size: int) -> models.QuerySet[Any]:
    """Any `size` rows of `queryset`, as a query (no keys travel through Python).

    PostgreSQL plans `pk IN (SELECT ... LIMIT n)` as a hash join over the whole table; written
    `pk = ANY(ARRAY(SELECT ... LIMIT n))` it runs the subquery first, then looks the keys up.
    """
    first = queryset.order_by().values("pk")[:size]
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return manager.filter(pk__in=first)
    sql, params = first.query.sql_with_params()
    meta = queryset.model._meta
    quote = connection.ops.quote_name
    column = f"{quote(meta.db_table)}.{quote(meta.pk.column)}"
    return manager.filter(
        # The SQL is Django's own compilation of our query; values stay in `params`.
        RawSQL(f"{column} = ANY(ARRAY({sql}))", params, output_field=models.BooleanField())  # noqa: S611
    )


@contextmanager
def _batch_transaction(using: str) -> Iterator[None]:
    """One batch's transaction. On PostgreSQL it does not wait for its commit to reach the disk:
    a batch lost in a server crash is simply done again by the next run, and the journal entry
    that closes an erasure or a sweep commits normally, which flushes every batch before it
    (the write-ahead log is written in order)."""
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _delete(
    batch: models.QuerySet[Any], declaration: Declaration, report: ErasureReport, raw: bool
) -> int:
    """One batch, one transaction: a plain DELETE, or Django's collector when it must cascade."""
    with _batch_transaction(batch.db):
        if raw:
            batch = _detach(batch)
            done: int = batch._raw_delete(batch.db)
            report.deleted[declaration.label] += done
            return done
        _, per_model = batch.delete()
    for label, count in per_model.items():
        report.deleted[label] += count
    return per_model.get(declaration.label, 0)


def _relations_into(model: type[models.Model]) -> list[Any]:
    """Every one-to-many or one-to-one relation into `model`, hidden ones (`related_name="+"`)
    included: what Django's collector looks at."""
    return list(get_candidate_relations_to_delete(model._meta))


def _detach(batch: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Before a plain DELETE: what Django's collector would do for `SET_NULL` relations, one
    UPDATE per relation. The batch's keys are read once (at most one batch of them) so that
    the UPDATEs and the DELETE name the very same rows, whatever query selected them.

    The UPDATEs are plain SQL over the model's own table and column names, with the keys as
    parameters: the ORM would prepare each key of each relation again, which costs more than
    the UPDATEs themselves. When none of them named a row, the batch's own query deletes."""
    relations = [r for r in _relations_into(batch.model) if r.on_delete is SET_NULL]
    if not relations:
        return batch
    keys = list(batch.values_list("pk", flat=True))
    if not keys:
        return batch
    connection = connections[batch.db]
    quote = connection.ops.quote_name
    detached = 0
    among, params = _among(keys)
    with connection.cursor() as cursor:
        for relation in relations:
            table = quote(relation.related_model._meta.db_table)
            column = quote(relation.field.column)
            cursor.execute(
                f"UPDATE {table} SET {column} = NULL WHERE {among.format(column=column)}",  # noqa: S608
                params,
            )
            detached += max(cursor.rowcount, 0)
    if not detached:
        return batch
    # A queryset of the batch's own class without its filters: the very rows read above, still
    # deleted the way their model's queryset deletes (an account's replaces its cached state).
    return type(batch)(model=batch.model, using=batch.db).filter(pk__in=keys)


# Past this many runs of consecutive keys, a batch's keys are listed one by one.
RUNS = 32


def _among(keys: list[Any]) -> tuple[str, list[Any]]:
    """SQL saying that `{column}` is one of `keys` (a template for `str.format`), and its
    parameters.

    The accounts of a sweep's slice have consecutive keys, a few runs of them: `column BETWEEN
    first AND last` per run names the very same rows as the list of keys, from the column's
    index in one range scan each, where a list of thousands of keys is thousands of lookups,
    once per relation. Keys that are not integers, or in too many runs, are listed.
    """
    listed = "{column} IN (" + ", ".join(["%s"] * len(keys)) + ")", list(keys)
    try:
        ordered = sorted(set(keys))
    except TypeError:
        return listed
    if type(ordered[0]) is not int or type(ordered[-1]) is not int:
        return listed
    runs: list[list[int]] = []
    for key in ordered:
        if runs and key == runs[-1][1] + 1:
            runs[-1][1] = key
            continue
        if len(runs) == RUNS:
            return listed
        runs.append([key, key])
    return "(" + " OR ".join(["{column} BETWEEN %s AND %s"] * len(runs)) + ")", [
        key for run in runs for key in run
    ]


def can_delete_raw(model: type[models.Model]) -> bool:
    """May rows of `model` go with one plain DELETE, without Django's collector?

    Yes when no signal listens to their deletion and every relation pointing at the model comes
    from a declared model whose step for that very field deletes or detaches its rows: those
    steps run before this one (see `steps()`), so nothing is left to cascade to. Otherwise the
    collector does it, as it always did.
    """
    collector = Collector(using="default", origin=None)
    if collector.can_fast_delete(model._default_manager.all()):
        return True
    for signal in (signals.pre_delete, signals.post_delete, signals.m2m_changed):
        if signal.has_listeners(model):
            return False
    if model._meta.parents or model._meta.private_fields or model._meta.many_to_many:
        return False
    # Every relation, those without a reverse accessor (`related_name="+"`) too. One that only
    # names who did something (the staff member who decided a request: `SET_NULL`) is
    # detached set-wise by `_detach`, in the batch's own transaction, before the DELETE.
    for relation in _relations_into(model):
        if relation.on_delete in SKIP_COLLECTION:
            continue
        if relation.on_delete is SET_NULL and not relation.many_to_many:
            continue
        if relation.many_to_many:
            return False
        declaration = registry.declaration_for(relation.related_model)
        name = relation.field.name
        if declaration is None or name not in declaration.subjects:
            return False
        strategy = declaration.erasure_for(name)
        if strategy.kind != "delete" and name not in strategy.replaced():
            return False
    return True


def erase(
    *,
    people: People,
    actor: Actor,
    reason: str,
    batch_size: int = DEFAULT_BATCH,
    journal_each: bool = True,
    count_kept: bool = True,
) -> ErasureReport:
    """Erase everything declared about `people`, as each model's declaration says.

    `reason` is a short code for the journal ("request", "retention", "unconfirmed_child"...).
    With `journal_each`, one entry per person, written before their account goes, names them
    by their pseudonymous reference only; in every case one more entry gives the counts.
    `people` may be a query (the retention sweep passes a slice of expired accounts): it must
    select the same people until the end, whatever this erasure deletes. `count_kept=False`
    spares counting the rows kept as they are (the journal), for a sweep of many chunks.
    """
    if not isinstance(people, models.QuerySet | KeyRange):
        people = list(people)
    how_many = (
        len(people)
        if isinstance(people, list)
        else (people.queryset() if isinstance(people, KeyRange) else people).count()
    )
    if not how_many:
        return ErasureReport()
    if journal_each:
        with transaction.atomic():
            everyone = people.queryset() if isinstance(people, KeyRange) else people
            for person in everyone if isinstance(everyone, list) else everyone.iterator():
                audit.record(
                    event="privacy.erasure_started",
                    actor=actor,
                    subject=person,
                    data={"reason": reason},
                )
    report = ErasureReport()
    # Counted first: rows kept as they are stay, but a query of people empties as they go.
    for declaration in registry.declarations() if count_kept else []:
        untouched = [
            s
            for s in declaration.subjects
            if not Step(declaration, s, declaration.erasure_for(s)).touches_rows
        ]
        if untouched:
            q = models.Q()
            for subject in untouched:
                q |= subject_q_many(subject, people)
            report.kept[declaration.label] += declaration.model._default_manager.filter(q).count()
    for step in steps():
        apply(step, people, report, batch_size)
    audit.record(
        event="privacy.erased",
        actor=actor,
        data={"reason": reason, "people": how_many, **report.as_data()},
    )
    return report
