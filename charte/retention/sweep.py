"""The nightly sweep: every retention rule of the register, applied to every declared model.

Design:
- Driven by the register and the registry alone: for each retention rule, the models that
  declared it, and each model's declared erasure strategy. A model that lands tomorrow is
  swept tomorrow night without a line here.
- Per anchor:
  - ROW_TIME: rows whose own date (the declaration's `retention_from`) is past the period go
    (or, for a model whose only strategy is `Anonymise`, are anonymised: the row stays,
    no longer about anyone). The end of a `KeepUnderObligation` period is the end of the row.
  - LAST_ACTIVITY: the declared rows about people inactive for longer than the period go, by
    the strategy declared for each subject; their accounts stay.
  - SCHOOL_YEAR: accounts past the end of their school year (or of their last renewal's) plus
    the period are erased with everything about them, through `privacy.erasure.erase`, in
    chunks of people; staff accounts are outside this rule.
  - ACCOUNT: nothing to do: those rows go with their account.
  A rule whose owner registered a handler (`charte.retention.handlers`), or that must wait for
  one (the journal), is handed to it: the sweep never touches that table itself.
- Legal holds in force are read once, before anything is deleted: a held person keeps all
  their data, a held object stays, and so do the accounts it is about (deleting them would
  take it along). What a hold spares is counted and named in the report.
- Bounded and set-based: rows go in keyset batches of `batch_size`, one transaction each, as
  one `DELETE ... WHERE pk IN (...)` (raw when nothing can cascade) or one `UPDATE`; accounts
  go `batch_size` people at a time. Memory stays flat whatever the volume.
- Resumable: each batch works on what is still expired; a sweep killed mid-run leaves only
  whole batches done, and the next run (tonight's retry or tomorrow's) ends where one
  uninterrupted run would have. Nothing here keeps state between runs.
- Never early: every selection compares a date nobody edits afterwards with a cut-off from
  `charte.retention.dates`; the property-based test checks that exactly the expired data goes.
- Recorded: one journal entry per rule with its counts (`retention.rule_swept`), one for the
  whole run (`retention.swept`); `erase` adds its own per chunk of accounts.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from charte import audit
from charte.core.actors import Actor
from charte.privacy import erasure
from charte.privacy.register import Anchor, RetentionRule
from charte.privacy.registry import Anonymise, Declaration, Delete, Erasure, registry
from charte.retention import handlers, queries
from charte.retention.queries import Holds

type Progress = Callable[[str, int], Callable[[int], None]]
"""`progress(rule code, total)` returns the function told how many items each batch did."""


@dataclass
class RuleOutcome:
    """What one rule found expired on a day, what a hold spared, and what was done."""

    rule: RetentionRule
    expired: int = 0  # items past their period and not held (accounts, or rows)
    held: int = 0  # past their period but spared by a legal hold
    unit: str = "rows"  # "accounts" or "rows"
    per_model: dict[str, int] = field(default_factory=dict)  # expected (dry run) or done
    report: erasure.ErasureReport = field(default_factory=erasure.ErasureReport)
    waiting_for_handler: bool = False
    handled_by_owner: bool = False

    def as_data(self) -> dict[str, Any]:
        return {
            "rule": self.rule.code,
            "unit": self.unit,
            "expired": self.expired,
            "held": self.held,
            **({"models": dict(sorted(self.per_model.items()))} if self.per_model else {}),
            **({"waiting_for_handler": True} if self.waiting_for_handler else {}),
            **({"handled_by_owner": True} if self.handled_by_owner else {}),
            **self.report.as_data(),
        }


@dataclass
class SweepReport:
    today: date
    dry_run: bool
    outcomes: list[RuleOutcome] = field(default_factory=list)

    def outcome(self, code: str) -> RuleOutcome:
        return next(o for o in self.outcomes if o.rule.code == code)

    @property
    def total(self) -> int:
        return sum(o.expired for o in self.outcomes)


def run(
    *,
    today: date,
    actor: Actor,
    dry_run: bool = False,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> SweepReport:
    """Apply every retention rule on `today`; with `dry_run`, count and change nothing."""
    batch = batch_size or settings.CHARTE_RETENTION_BATCH
    holds = queries.holds_in_force(today)
    report = SweepReport(today=today, dry_run=dry_run)
    for rule in queries.rules_in_sweep_order():
        outcome = _sweep_rule(rule, today, holds, dry_run, batch, progress)
        if outcome is None:
            continue
        report.outcomes.append(outcome)
        if not dry_run:
            audit.record(
                event="retention.rule_swept",
                actor=actor,
                data={"today": today.isoformat(), **outcome.as_data()},
            )
    if not dry_run:
        audit.record(
            event="retention.swept",
            actor=actor,
            data={
                "today": today.isoformat(),
                "rules": {o.rule.code: o.expired for o in report.outcomes},
                "held": {o.rule.code: o.held for o in report.outcomes if o.held},
            },
        )
    return report


def _sweep_rule(
    rule: RetentionRule,
    today: date,
    holds: Holds,
    dry_run: bool,
    batch: int,
    progress: Progress | None,
) -> RuleOutcome | None:
    declarations = queries.declarations_under(rule)
    handler = handlers.handler_for(rule.code)
    if handler is not None or rule.code in handlers.OWNER_HANDLED:
        return _by_owner(rule, today, holds, dry_run, batch, handler)
    if not declarations:
        return None
    if rule.anchor == Anchor.ROW_TIME:
        return _rows(rule, declarations, today, holds, dry_run, batch, progress)
    if rule.anchor == Anchor.LAST_ACTIVITY:
        return _inactive(rule, declarations, today, holds, dry_run, batch, progress)
    if rule.anchor == Anchor.SCHOOL_YEAR:
        return _accounts(rule, today, holds, dry_run, batch, progress)
    return None  # Anchor.ACCOUNT: those rows go with their account


def _by_owner(
    rule: RetentionRule,
    today: date,
    holds: Holds,
    dry_run: bool,
    batch: int,
    handler: handlers.Handler | None,
) -> RuleOutcome:
    outcome = RuleOutcome(rule=rule, handled_by_owner=True)
    if handler is None:
        outcome.waiting_for_handler = True
        return outcome
    outcome.expired = handler(
        handlers.Expiry(
            rule=rule,
            today=today,
            cutoff=queries.cutoff(rule, today),
            dry_run=dry_run,
            batch_size=batch,
            holds=holds,
        )
    )
    return outcome


def row_strategy(declaration: Declaration) -> Erasure:
    """What happens to a row at the end of its own period: it goes, unless the model's only
    strategy is to anonymise it (then it stays, no longer about anyone)."""
    if isinstance(declaration.erasure, Anonymise):
        return declaration.erasure
    return Delete()


def _rows(
    rule: RetentionRule,
    declarations: list[Declaration],
    today: date,
    holds: Holds,
    dry_run: bool,
    batch: int,
    progress: Progress | None,
) -> RuleOutcome:
    outcome = RuleOutcome(rule=rule)
    work = []
    for declaration in declarations:
        past = queries.rows_past(declaration, today)
        strategy = row_strategy(declaration)
        if isinstance(strategy, Anonymise):
            past = _not_yet_anonymised(past, strategy)
        due = queries.without_held(declaration, past, holds)
        count = due.count()
        outcome.held += past.count() - count
        outcome.expired += count
        if count:
            outcome.per_model[declaration.label] = count
            work.append((declaration, strategy, due))
    if dry_run:
        return outcome
    tick = progress(rule.code, outcome.expired) if progress else None
    for declaration, strategy, due in work:
        erasure.apply_to(
            due,
            declaration=declaration,
            strategy=strategy,
            report=outcome.report,
            batch_size=batch,
            after_batch=tick,
        )
    return outcome


def _not_yet_anonymised(queryset: models.QuerySet[Any], strategy: Anonymise) -> Any:
    """Rows whose constant replacements are not all in place yet (so a re-run skips them)."""
    constants = {
        name: value
        for name, value in strategy.replaced().items()
        if not hasattr(value, "resolve_expression")
    }
    if not constants:
        return queryset
    differs = models.Q()
    for name, value in constants.items():
        differs |= ~models.Q(**{name: value}) if value is not None else ~models.Q(**{name: None})
    return queryset.filter(differs)


def _inactive(
    rule: RetentionRule,
    declarations: list[Declaration],
    today: date,
    holds: Holds,
    dry_run: bool,
    batch: int,
    progress: Progress | None,
) -> RuleOutcome:
    outcome = RuleOutcome(rule=rule)
    people = queries.people_inactive_for(rule, today)
    held_people = people.filter(pk__in=holds.people)
    people = people.exclude(pk__in=holds.people)
    for declaration in declarations:
        about_people = models.Q()
        about_held = models.Q()
        for subject in declaration.subjects:
            about_people |= _about(subject, people)
            about_held |= _about(subject, held_people)
        manager = declaration.model._default_manager
        count = manager.filter(about_people).count()
        outcome.held += manager.filter(about_held).count()
        outcome.expired += count
        if count:
            outcome.per_model[declaration.label] = count
    if dry_run or not outcome.expired:
        return outcome
    tick = progress(rule.code, outcome.expired) if progress else None
    for chunk in _chunks(people, batch):
        for declaration in declarations:
            for subject in declaration.subjects:
                step = erasure.Step(declaration, subject, declaration.erasure_for(subject))
                if step.touches_rows:
                    erasure.apply_to(
                        step.queryset(chunk),
                        declaration=declaration,
                        strategy=step.strategy,
                        report=outcome.report,
                        batch_size=batch,
                        after_batch=tick,
                    )
    return outcome


def _about(subject: Any, people: models.QuerySet[Any]) -> models.Q:
    if isinstance(subject, str):
        return models.Q(**{f"{subject or 'pk'}__in": people.values("pk")})
    # A text reference ("user:<public id>"): compared in Python-built lists, chunk by chunk.
    refs = [f"user:{public_id}" for public_id in people.values_list("public_id", flat=True)]
    return models.Q(**{f"{subject.field}__in": refs})


def _accounts(
    rule: RetentionRule,
    today: date,
    holds: Holds,
    dry_run: bool,
    batch: int,
    progress: Progress | None,
) -> RuleOutcome:
    outcome = RuleOutcome(rule=rule, unit="accounts")
    expired = queries.accounts_expired_on(today, as_of=timezone.now())
    outcome.held = expired.filter(pk__in=holds.accounts).count()
    due = expired.exclude(pk__in=holds.accounts)
    outcome.expired = due.count()
    if dry_run:
        outcome.per_model = _rows_about(due)
        return outcome
    if not outcome.expired:
        return outcome
    tick = progress(rule.code, outcome.expired) if progress else None
    for chunk in _slices(due, batch):
        size = (chunk.queryset() if isinstance(chunk, erasure.KeyRange) else chunk).count()
        done = erasure.erase(
            people=chunk,
            actor=_retention_actor(),
            reason=f"retention:{rule.code}",
            batch_size=batch,
            journal_each=False,
            count_kept=False,
        )
        for kind in ("deleted", "anonymised", "kept"):
            mine = getattr(outcome.report, kind)
            for label, count in getattr(done, kind).items():
                mine[label] += count
        if tick is not None:
            tick(size)
    outcome.per_model = dict(outcome.report.deleted)
    return outcome


def _retention_actor() -> Actor:
    from charte.core.actors import RETENTION

    return RETENTION


def _rows_about(people: models.QuerySet[Any]) -> dict[str, int]:
    """For a dry run: how many rows of each declared model are about these people."""
    counts = {}
    for declaration in registry.declarations():
        if not any(
            erasure.Step(declaration, s, declaration.erasure_for(s)).touches_rows
            for s in declaration.subjects
        ):
            continue
        q = models.Q()
        for subject in declaration.subjects:
            if isinstance(subject, str):
                q |= models.Q(**{f"{subject or 'pk'}__in": people.values("pk")})
        if not q:
            continue
        count = declaration.model._default_manager.filter(q).count()
        if count:
            counts[declaration.label] = count
    return counts


def _slices(
    people: models.QuerySet[Any], size: int
) -> Iterator[erasure.KeyRange | models.QuerySet[Any]]:
    """`people` in keyset slices of at most `size`, each a query bounded by primary keys.

    `people` must keep selecting the same accounts while they are erased (its conditions are
    on dates nobody edits, renewals as of the sweep's start, and holds read once). When every
    account from a slice's first key to its last is expired (the common case at the end of a
    school year: accounts created together have neighbouring keys), the slice is the plain key
    range, which the database plans best and which erasing can only shrink: each statement then
    names the slice's rows by a range on their own foreign key, instead of deriving the expired
    accounts again. Keys are never reused (sequences; AUTOINCREMENT on SQLite), so no account
    created later falls into a range.
    """
    accounts = get_user_model()._default_manager.all()
    last = 0
    while True:
        page = people.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)
        first = list(page[:1])
        if not first:
            return
        bound = list(page[size - 1 : size])
        if bound:
            up_to, taken = bound[0], size
        else:  # the last slice, shorter
            taken, up_to = page.count(), page.last()
            if up_to is None:
                return
        every = accounts.filter(pk__gte=first[0], pk__lte=up_to).count() == taken
        yield (
            erasure.KeyRange(after=first[0] - 1, up_to=up_to)
            if every
            else people.filter(pk__gt=last, pk__lte=up_to)
        )
        if not bound:
            return
        last = up_to


def _chunks(people: models.QuerySet[Any], size: int) -> Any:
    """People in keyset chunks, each loaded with only what erasure needs (pk, public id).

    Each chunk is read afresh after the previous one is done, so that a chunk always holds
    only people still expired.
    """
    user_model = get_user_model()
    last = 0
    while True:
        pks = list(people.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not pks:
            return
        yield list(user_model._default_manager.filter(pk__in=pks).only("pk", "public_id"))
        last = pks[-1]
