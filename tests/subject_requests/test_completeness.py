"""Access and erasure are complete, for every model the registry declares, today and tomorrow.

Generated from the registry, not written per model: for each declared model and each of its
subject paths, a row reachable from one person is built by introspection, and every text-like
personal field gets a unique marker. Then:
- access: every marker is in the archive (bar the engine's two documented exclusions,
  primary keys and credentials);
- erasure: a scan of every text column of every table in the database, declared or not, finds
  no marker outside the fields declared as kept under a legal obligation.

Rows are built field by field: required foreign keys lead to rows built the same way (an
existing row of reference data, such as an exercise, is used where there is one), optional ones
are filled when a check constraint asks for them, and a file field gets a small file. A model
whose rows only its app may write (the journal, through `audit.record`) is built by that app's
own function, listed in `FACTORIES`.

A model added tomorrow is built the same way. If it cannot be built generically the test fails
naming it; if its declaration forgets a field or keeps identifying text through `Anonymise`, a
marker is left behind and the test fails naming the table and column.
"""

import csv
import io
import itertools
import json
import secrets
import uuid
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from charte import audit
from charte.accounts.models import GUARDIAN_FIELDS, User
from charte.audit import events
from charte.core.actors import Operator, person_ref
from charte.privacy.registry import SELF, Declaration, Ref, registry
from charte.subject_requests import actions, archive, scan
from charte.subject_requests.models import Channel, Decision, IdentityMethod, Kind, Status
from tests.factories import make_user, write_guardian_fields_directly

pytestmark = pytest.mark.django_db

MARKER_MIN = 6


class CannotBuild(Exception):
    pass


class Builder:
    """Builds, for one person, a row of any declared model through any of its subject paths."""

    def __init__(self, person: User, bystander: User) -> None:
        self.person = person
        self.bystander = bystander
        self.token = secrets.token_hex(3)
        self.counter = itertools.count(1)
        self.markers: dict[str, tuple[str, str]] = {}  # marker -> (model label, field)
        # Markers in fields that this subject's erasure keeps and another subject's removes (a
        # report stays in the queue when the staff member handling it leaves, and goes with
        # its reporter): someone else's text. In the archive, not expected to go with them.
        self.others: dict[str, tuple[str, str]] = {}
        self.others_fields: set[tuple[str, str]] = set()
        self.skipped: list[tuple[str, str, str]] = []
        # Numbers are 0 first (sums of zeros add up, whatever a constraint adds), else 1.
        self.number = 0
        # Text fields left empty because a database constraint forbids a value in this row.
        self.blank: set[tuple[str, str]] = set()
        # Optional foreign keys are filled too (a consent "given" names the text shown).
        self.fill_optional = False

    def marker(self, label: str, name: str, max_length: int | None) -> str | None:
        value = f"mk{next(self.counter):03d}z{self.token}"
        if max_length is not None and max_length < len(value):
            if max_length < MARKER_MIN:
                self.skipped.append((label, name, f"max_length {max_length}"))
                return None
            value = value[: max_length - 2] + value[-2:]
        target = self.others if (label, name) in self.others_fields else self.markers
        target[value] = (label, name)
        return value

    def value_for(self, declaration: Declaration | None, f: Any) -> Any:
        """A value for a field that is not a relation: a marker where it can hold text."""
        label = f.model._meta.label
        personal = (
            declaration is not None
            and f.name in declaration.fields
            and declaration.fields[f.name].personal
        )
        if f.choices:
            return f.choices[0][0]
        if isinstance(f, models.FileField):
            # Stored under a random name; its path is recorded as a marker once saved (`row`).
            return ContentFile(b"built for the completeness test", name="piece.txt")
        if (label, f.name) in self.blank:
            return ""
        if isinstance(f, models.GenericIPAddressField):
            value = f"198.51.100.{next(self.counter) % 250 + 1}"
            if personal:
                target = self.others if (label, f.name) in self.others_fields else self.markers
                target[value] = (label, f.name)
            return value
        if isinstance(f, models.EmailField):
            if not personal:
                return f"ref{next(self.counter)}@example.test"
            value = str(self.marker(label, f.name, None))
            return f"{value}@marker.test"
        if isinstance(f, models.CharField | models.TextField):
            if not personal:
                return "" if f.blank else f"ref{next(self.counter)}"
            return self.marker(label, f.name, f.max_length) or ("" if f.blank else "x")
        if isinstance(f, models.JSONField):
            if personal:
                return {"note": self.marker(label, f.name, None)}
            return f.get_default() if f.has_default() or f.null else {}
        if isinstance(f, models.BinaryField) and not f.has_default():
            return f"ref{next(self.counter)}".encode()  # keys and ids: unique, never exported
        if f.has_default():
            return f.get_default()
        if f.null:
            return None
        if isinstance(f, models.DateTimeField):
            return timezone.now()
        if isinstance(f, models.DateField):
            return timezone.localdate()
        if isinstance(f, models.BooleanField):
            return False
        if isinstance(f, models.IntegerField | models.FloatField | models.DecimalField):
            return self.number
        if isinstance(f, models.UUIDField):
            return uuid.uuid4()
        raise CannotBuild(f"no generic value for {label}.{f.name} ({type(f).__name__})")

    def fill_person(self) -> None:
        declaration = registry.declaration_for(User)
        guarded: dict[str, Any] = {}
        for f in User._meta.concrete_fields:
            if f.primary_key or isinstance(f, models.GeneratedField) or f.is_relation:
                continue
            if not isinstance(f, models.CharField | models.TextField | models.JSONField):
                continue
            if f.name == "password":
                self.person.password = self.value_for(declaration, f)
                continue
            if f.name in GUARDIAN_FIELDS:  # written apart: save() refuses them, by design
                guarded[f.name] = self.value_for(declaration, f)
                continue
            setattr(self.person, f.name, self.value_for(declaration, f))
        self.person.save()
        write_guardian_fields_directly(self.person, **guarded)

    def row(self, model: type[models.Model], subject: Any, top: bool = False) -> models.Model:
        """A saved row of `model` that `subject` leads from to the person."""
        if subject == SELF:
            return self.person
        declaration = registry.declaration_for(model)
        factory = FACTORIES.get(model._meta.label)
        if factory is not None:
            return factory(self, declaration, subject)
        kept_here: set[tuple[str, str]] = set()
        if top and declaration is not None:
            # A field this path keeps, but another subject's erasure removes, is that other
            # subject's text (a reporter's message in a report handled by this staff member).
            # A field that every path keeps is nobody's to remove: it must go or be declared
            # as kept under a legal obligation.
            strategy = declaration.erasure_for(subject)
            erased_by_others = set()
            for other in declaration.subjects:
                if other != subject:
                    theirs = declaration.erasure_for(other)
                    erased_by_others |= (
                        set(declaration.fields)
                        if theirs.kind == "delete"
                        else set(theirs.replaced())
                    )
            if strategy.kind == "anonymise":
                kept_here = {
                    (declaration.label, name)
                    for name in strategy.kept()
                    if name in erased_by_others
                }
        instance = model()
        done: set[str] = set()
        if isinstance(subject, Ref):
            setattr(instance, subject.field, person_ref(self.person))
            done.add(subject.field)
        else:
            first, _, rest = subject.partition("__")
            target: Any = model._meta.get_field(first).related_model
            value = self.person if not rest else self.row(target, rest)
            setattr(instance, first, value)
            done.add(first)
        other_paths = {
            (s.field if isinstance(s, Ref) else s.split("__")[0])
            for s in (declaration.subjects if declaration else ())
        }
        for f in model._meta.concrete_fields:
            if f.name in done or (f.primary_key and f.auto_created):
                continue
            if isinstance(f, models.GeneratedField):
                continue
            if f.is_relation:
                setattr(instance, f.name, self.related(f, f.name in other_paths))
                continue
            if f.name in other_paths:  # another person's reference (a Ref subject)
                setattr(instance, f.name, person_ref(self.bystander))
                continue
            self.others_fields = kept_here  # (a nested build may have changed it)
            setattr(instance, f.name, self.value_for(declaration, f))
        instance.save()
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) and declaration and f.name in declaration.fields:
                target_markers = (
                    self.others if (model._meta.label, f.name) in kept_here else (self.markers)
                )
                target_markers[getattr(instance, f.name).name] = (model._meta.label, f.name)
        for f in model._meta.many_to_many:
            if f.related_model is User:
                getattr(instance, f.name).add(self.person)
        return instance

    def plain(self, model: type[models.Model], depth: int) -> models.Model:
        """A saved row of a model that holds nobody's data (a school, a class, an exercise)."""
        if depth > 8:
            raise CannotBuild(f"{model._meta.label}: foreign keys lead too deep")
        instance = model()
        for f in model._meta.concrete_fields:
            if (f.primary_key and f.auto_created) or isinstance(f, models.GeneratedField):
                continue
            if f.is_relation:
                setattr(instance, f.name, self.related(f, False, depth + 1))
                continue
            setattr(instance, f.name, self.value_for(None, f))
        instance.save()
        return instance

    def related(self, f: Any, is_subject: bool, depth: int = 0) -> Any:
        target = f.related_model
        if target is User:
            return self.bystander if (is_subject or not f.null) else None
        if f.null and (not self.fill_optional or target is f.model):
            return None
        declaration = registry.declaration_for(target)
        if declaration is not None:
            return self.row(target, declaration.subjects[0])
        existing = target._default_manager.first()
        if existing is not None:
            return existing
        try:
            return self.plain(target, depth)
        except CannotBuild as exc:
            raise CannotBuild(
                f"{f.model._meta.label}.{f.name} needs a {target._meta.label}: {exc}"
            ) from exc


def _journal_entry(builder: Builder, declaration: Declaration | None, subject: Any) -> Any:
    """The journal is written through `audit.record` only: an entry whose actor, or whose
    subject, is the person, with an event that carries the address and browser."""
    assert declaration is not None
    assert isinstance(subject, Ref)
    fields = {f.name: f for f in declaration.model._meta.concrete_fields}
    data = builder.value_for(declaration, fields["data"])
    ip = builder.value_for(declaration, fields["ip"])
    user_agent = builder.value_for(declaration, fields["user_agent"])
    person, other = builder.person, builder.bystander
    actor, about = (person, other) if subject.field == "actor_ref" else (other, person)
    return audit.record(
        event=events.ACCESS_DENIED,
        actor=actor,
        subject=about,
        data=data,
        meta={"ip": ip, "user_agent": user_agent},
    )


# Models whose rows only their own app writes, and the function that writes one.
FACTORIES = {"audit.Entry": _journal_entry}


def _reachable(model: type[models.Model], depth: int = 3) -> list[type[models.Model]]:
    """The model and those its foreign keys lead to: the rows a build may create."""
    found = [model]
    if depth:
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model not in (None, User, model):
                found += [m for m in _reachable(f.related_model, depth - 1) if m not in found]
    return found


def build_one(builder: Builder, declaration: Declaration, subject: Any) -> models.Model:
    """One row, in its own savepoint. Numbers are 0, else 1; if a constraint still refuses the
    row, each optional text field of the rows it needs is tried empty in turn (and reported,
    and kept empty for later rows of that model), never silently."""
    optional = [
        (m._meta.label, f.name)
        for m in _reachable(declaration.model)
        for f in m._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and f.blank and not f.choices
    ]
    learned = set(builder.blank)
    error: Exception | None = None
    for fill, blank, number in itertools.product((False, True), [None, *optional], (0, 1)):
        builder.fill_optional = fill
        builder.number = number
        builder.blank = learned | ({blank} if blank else set())
        markers, others = dict(builder.markers), dict(builder.others)
        try:
            with transaction.atomic():
                row = builder.row(declaration.model, subject, top=True)
        except IntegrityError as exc:
            builder.markers = markers  # the values of a refused row are not in the base
            builder.others = others
            error = exc
            continue
        finally:
            builder.fill_optional = False
        if blank and blank not in learned:
            builder.skipped.append((*blank, "left empty: a constraint forbids a value"))
        return row
    builder.blank = learned
    assert error is not None
    raise error


def _archive_text(person: User) -> str:
    out = io.BytesIO()
    archive.build(person=person, scope=archive.ACCESS, out=out)
    with zipfile.ZipFile(out) as zf:
        return "\n".join(zf.read(name).decode("utf-8") for name in zf.namelist())


def _exported(label: str, name: str) -> bool:
    for declaration in registry.declarations():
        if declaration.label == label:
            return name not in declaration.fields or archive.exported(
                declaration, name, archive.ACCESS
            )
    return True


def test_every_declared_personal_field_is_in_the_archive_and_gone_after_erasure(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    person = make_user(first_name="Personne", last_name="Témoin")
    bystander = make_user(first_name="Voisin", last_name="Témoin")
    builder = Builder(person, bystander)
    builder.fill_person()
    failures = []
    built = []
    for declaration in registry.declarations():
        for subject in declaration.subjects:
            try:
                built.append((declaration.label, subject, build_one(builder, declaration, subject)))
            except Exception as exc:  # any failure names the model: never a silent skip
                failures.append(f"{declaration.label} via {subject!r}: {exc}")
    assert not failures, "Models that cannot be built generically:\n" + "\n".join(failures)
    assert builder.markers
    person.refresh_from_db()

    text = _archive_text(person)

    missing = [
        f"{label}.{name}"
        for marker, (label, name) in (builder.markers | builder.others).items()
        if marker not in text and _exported(label, name)
    ]
    assert not missing, f"Markers missing from the access archive: {missing}"

    operator = Operator("test")
    with django_capture_on_commit_callbacks(execute=True):
        request = actions.open_request(
            person=person, kind=Kind.ERASURE, actor=operator, channel=Channel.OPERATOR
        )
        actions.verify_identity(
            request=request, actor=operator, method=IdentityMethod.OPERATOR, evidence="test"
        )
        request.refresh_from_db()
        actions.decide(request=request, actor=operator, decision=Decision.APPROVED)
    request.refresh_from_db()

    findings = scan.scan(list(builder.markers))
    residues = [f"{f.table}.{f.column} ({f.rows})" for f in findings if not f.kept]
    assert not residues, f"Markers left after erasure outside kept fields: {residues}"
    assert request.status == Status.COMPLETED, request.outcome
    assert request.certificate.residual_clean
    # The certificate and the request's proof hold none of the markers, nor the person's ids.
    proof = str(request.outcome) + str(request.certificate.counts)
    assert not any(m in proof for m in builder.markers)
    assert len(built) >= len(registry.declarations())


def test_the_builder_fails_loudly_on_a_model_it_cannot_build():
    class Odd(models.Field):
        pass

    odd = Odd()
    odd.set_attributes_from_name("odd")
    odd.model = User

    with pytest.raises(CannotBuild, match=r"accounts\.User\.odd"):
        Builder(make_user(), make_user()).value_for(None, odd)


def test_the_scan_sees_text_left_in_a_table_that_declares_no_personal_data():
    from charte.core.models import ScheduledJob

    person = make_user(first_name="Oubliée", last_name="Quelquepart")
    ScheduledJob.objects.create(name=f"rappel pour {person.email}")
    terms = scan.identifiers(person)

    findings = {(f.table, f.column): f for f in scan.scan(terms)}

    assert findings[("core_scheduledjob", "name")].kept is False
    assert findings[("accounts_user", "email")].rows == 1
    assert all(f.kept for f in findings.values() if f.table == "audit_entry")


def _expected(instance: models.Model, column: archive.Column) -> Any:
    """What the ORM reads for one exported column of one row, as the archive must give it."""
    model_field: Any = instance._meta.get_field(column.name)

    def ref(related: models.Model | None) -> Any:
        if related is None:
            return None
        return getattr(related, "public_id", None) or related.pk

    if model_field.many_to_many:
        return sorted(str(ref(r)) for r in getattr(instance, column.name).all())
    if model_field.is_relation:
        return ref(getattr(instance, column.name))
    value = getattr(instance, column.name)
    return value.name if isinstance(value, models.fields.files.FieldFile) else value


def _faithful(stored: Any, text: str, expected: Any) -> bool:
    """Whether a JSON value and a CSV cell give back `expected` exactly, with no loss."""
    if expected is None:
        return stored is None and text == ""
    if isinstance(expected, bool):
        return stored is expected and text == ("true" if expected else "false")
    if isinstance(expected, datetime):
        # An instant always carries its offset: a naive time would be read as local time.
        moment, cell = datetime.fromisoformat(stored), datetime.fromisoformat(text)
        return moment.tzinfo is not None and cell.tzinfo is not None and moment == cell == expected
    if isinstance(expected, date | time):
        return type(expected).fromisoformat(stored) == expected and stored == text
    if isinstance(expected, uuid.UUID):
        return stored == text == str(expected)
    if isinstance(expected, Decimal):
        return Decimal(stored) == Decimal(text) == expected
    if isinstance(expected, int | float):
        return stored == expected and float(text) == expected
    if isinstance(expected, list) and all(isinstance(v, str) for v in expected):  # links
        return sorted(stored) == expected and sorted(text.split(" ; ")) == expected
    if isinstance(expected, dict | list):
        return stored == expected and json.loads(text) == expected
    return stored == text == str(expected)


def test_every_exported_value_reads_back_from_json_and_csv_as_the_orm_reads_it(tmp_path, settings):
    """Each cell of each row, for every declared model, against the ORM's own reading."""
    settings.MEDIA_ROOT = tmp_path / "media"
    person = make_user(first_name="Zoé", last_name='"la Grande", dite\nZ')
    builder = Builder(person, make_user())
    builder.fill_person()
    for declaration in registry.declarations():
        for subject in declaration.subjects:
            build_one(builder, declaration, subject)
    person.refresh_from_db()
    out = io.BytesIO()
    archive.build(person=person, scope=archive.ACCESS, out=out)

    checked, wrong = 0, []
    with zipfile.ZipFile(out) as zf:
        data = json.loads(zf.read("donnees.json"))
        for record in data["records"]:
            declaration = next(d for d in registry.declarations() if d.label == record["model"])
            cols = archive.columns(declaration, archive.ACCESS)
            assert [f["name"] for f in record["fields"]] == [c.name for c in cols]
            instances = list(
                declaration.model._default_manager.filter(declaration.subject_filter(person))
                .distinct()
                .order_by("pk")
            )
            assert len(record["rows"]) == len(instances), record["model"]
            if not instances:
                continue
            lines = list(csv.DictReader(io.StringIO(zf.read(record["file"]).decode("utf-8"))))
            assert len(lines) == len(instances), record["file"]
            for instance, row, line in zip(instances, record["rows"], lines, strict=True):
                for column in cols:
                    expected = _expected(instance, column)
                    checked += 1
                    if not _faithful(row[column.name], line[column.name], expected):
                        wrong.append(
                            f"{record['model']}.{column.name}: ORM {expected!r}, "
                            f"JSON {row[column.name]!r}, CSV {line[column.name]!r}"
                        )
    assert not wrong, "Values the archive does not give back faithfully:\n" + "\n".join(wrong)
    assert checked > 100
