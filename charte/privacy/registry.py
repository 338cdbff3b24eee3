"""The registry of personal data: what each model holds, about whom, why, and how it goes.

Design: each app declares its models in `<app>/privacy.py` (autodiscovered like `admin.py`):
how to reach the data subject from a row, the purposes from the register, each field's
category and provenance, its erasure strategy and its retention rule. Export, portability,
erasure, retention and the published charter are all computed from these declarations, so
they cannot drift apart; the system check in `checks.py` refuses a model, ours or a third
party's, whose fields are not declared, and a declaration that names a field, purpose or rule
that does not exist.

A declaration is data, not code: the rights and retention engines never import a domain app.

    registry.personal(
        Attempt,
        subjects=("pupil",),
        purposes=("evaluation", "coach"),
        fields={
            "pupil": observed(Category.REFERENCE),
            "answers": provided(Category.WORK),
            "score": derived(Category.RESULTS),
        },
        erasure=Delete(),
        retention="with_account",
    )
"""

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models

from charte.core.actors import person_ref
from charte.privacy.register import PORTABLE_PROVENANCES, Category, Provenance, Text

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

SELF = ""
"""Subject path meaning "the row is the person" (the user model itself)."""


@dataclass(frozen=True, slots=True)
class Ref:
    """A subject reached through a text field holding a person's reference ("user:<public id>").

    The journal names people this way rather than by foreign key, so that its rows never change
    when an account goes.
    """

    field: str


type Subject = str | Ref


class Reader(Protocol):
    """A stored value (as the database gives it) -> its text, or labelled fields, in the words
    of the archive's reader: a guardian about their `child`, a `pupil` about themself ("tu"),
    else the person themself ("vous")."""

    def __call__(
        self, value: Any, /, *, child: bool = False, pupil: bool = False
    ) -> "str | list[tuple[str, str]]": ...


@dataclass(frozen=True, slots=True)
class Field:
    category: Category
    provenance: Provenance
    note: Text = ""
    # How the archive's HTML view, read by people, writes a stored value in words (an event's
    # code as its label, a journal entry's details as labelled fields); None: as stored.
    reader: "Reader | None" = None

    def read_as(self, reader: "Reader") -> "Field":
        """This field, written in words by `reader` in the archive's HTML view."""
        return dataclasses.replace(self, reader=reader)

    @property
    def personal(self) -> bool:
        """References (ids, links) and the service's own content are not personal by
        themselves; every other category is."""
        return self.category not in (Category.REFERENCE, Category.SERVICE)


def provided(category: Category, note: Text = "") -> Field:
    """Given by the person, or by their guardian on their behalf."""
    return Field(category, Provenance.PROVIDED, note)


def observed(category: Category, note: Text = "") -> Field:
    """Recorded from what the person did (times, answers' timing, IP address...)."""
    return Field(category, Provenance.OBSERVED, note)


def derived(category: Category, note: Text = "") -> Field:
    """Computed by us from other data (a score, a level, a recommendation)."""
    return Field(category, Provenance.DERIVED, note)


def from_others(category: Category, note: Text = "") -> Field:
    """Given about the person by someone else (a teacher's feedback, a school's class list)."""
    return Field(category, Provenance.OTHERS, note)


def subject_q(subject: Subject, person: "AbstractBaseUser") -> models.Q:
    """The filter that selects rows about `person` through one subject path."""
    if isinstance(subject, Ref):
        return models.Q(**{subject.field: person_ref(person)})
    return models.Q(**{subject or "pk": person.pk})


class Erasure:
    """How a row answers the erasure of one of its subjects."""

    kind: str = ""

    def replaced(self) -> Mapping[str, Any]:
        return {}

    def kept(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True, kw_only=True)
class Delete(Erasure):
    """The row goes."""

    kind = "delete"


@dataclass(frozen=True, kw_only=True)
class Anonymise(Erasure):
    """The row stays, stripped of what identifies the person.

    `replace` maps each identifying field to its replacement (a constant or a database
    expression, so that erasure stays set-based); `keep` names the fields left as they are
    because, once the others are replaced, they no longer say whom they are about.
    """

    replace: Mapping[str, Any]
    keep: tuple[str, ...] = ()
    kind = "anonymise"

    def replaced(self) -> Mapping[str, Any]:
        return self.replace

    def kept(self) -> tuple[str, ...]:
        return self.keep


@dataclass(frozen=True, kw_only=True)
class KeepUnderObligation(Erasure):
    """The law makes us keep some fields (an invoice's name and amount); the rest is replaced."""

    keep: tuple[str, ...]
    replace: Mapping[str, Any]
    reason: Text
    retention: str
    kind = "keep"

    def replaced(self) -> Mapping[str, Any]:
        return self.replace

    def kept(self) -> tuple[str, ...]:
        return self.keep


@dataclass(frozen=True, kw_only=True)
class Declaration:
    model: type[models.Model]
    subjects: tuple[Subject, ...]
    purposes: tuple[str, ...]
    fields: Mapping[str, Field]
    erasure: Erasure | Mapping[Subject, Erasure]
    retention: str
    retention_from: str | None = None
    # The kind of records in words, plural, for a model whose own verbose name we do not
    # write (a library's): shown in archives and on the DPO's screens.
    plural_name: Text | None = None
    # Fields holding the name of a file in a storage (`settings.STORAGES` alias), other than a
    # FileField: when erasure or retention replaces such a field, the file is deleted from the
    # storage once the batch commits (a FileField's file goes with its row's deletion).
    files: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def name(self) -> Text:
        """The kind of records in words, in the active language ("factures", not payments.Invoice)."""
        return self.plural_name or self.model._meta.verbose_name_plural or self.label

    def erasure_for(self, subject: Subject) -> Erasure:
        """The strategy that applies when the person reached through `subject` is erased."""
        if isinstance(self.erasure, Erasure):
            return self.erasure
        return self.erasure[subject]

    def subject_filter(self, person: "AbstractBaseUser") -> models.Q:
        """Rows about `person`, through any of the subject paths."""
        q = models.Q()
        for subject in self.subjects:
            q |= subject_q(subject, person)
        return q

    def categories(self) -> list[Category]:
        return sorted({f.category for f in self.fields.values() if f.personal})

    def portable_fields(self) -> list[str]:
        return [name for name, f in self.fields.items() if f.provenance in PORTABLE_PROVENANCES]


@dataclass(frozen=True, kw_only=True)
class NoPersonalData:
    model: type[models.Model]
    reason: Text

    @property
    def label(self) -> str:
        return self.model._meta.label


class AlreadyDeclared(Exception):
    pass


@dataclass
class Registry:
    _personal: dict[type[models.Model], Declaration] = field(default_factory=dict)
    _none: dict[type[models.Model], NoPersonalData] = field(default_factory=dict)
    _sorted: tuple[tuple[int, ...], list[Declaration]] | None = None

    def personal(
        self,
        model: type[models.Model],
        *,
        subjects: tuple[Subject, ...],
        purposes: tuple[str, ...],
        fields: Mapping[str, Field],
        erasure: Erasure | Mapping[Subject, Erasure],
        retention: str,
        retention_from: str | None = None,
        plural_name: Text | None = None,
        files: Mapping[str, str] | None = None,
    ) -> Declaration:
        """Declare that `model` holds personal data about the people its `subjects` lead to."""
        self._refuse_twice(model)
        declaration = Declaration(
            model=model,
            subjects=subjects,
            purposes=purposes,
            fields=dict(fields),
            erasure=erasure,
            retention=retention,
            retention_from=retention_from,
            plural_name=plural_name,
            files=dict(files or {}),
        )
        self._personal[model] = declaration
        return declaration

    def not_personal(self, model: type[models.Model], *, reason: Text) -> NoPersonalData:
        """Declare that `model` holds no personal data, and say why in one line."""
        self._refuse_twice(model)
        declaration = NoPersonalData(model=model, reason=reason)
        self._none[model] = declaration
        return declaration

    def unregister(self, model: type[models.Model]) -> None:
        """For tests that declare throwaway models."""
        self._personal.pop(model, None)
        self._none.pop(model, None)

    def declarations(self) -> list[Declaration]:
        # Sorted once for each set of declarations: archives and erasures ask for it per model.
        key = tuple(map(id, self._personal.values()))
        if self._sorted is None or self._sorted[0] != key:
            self._sorted = (key, sorted(self._personal.values(), key=lambda d: d.label))
        return list(self._sorted[1])

    def without_personal_data(self) -> list[NoPersonalData]:
        return sorted(self._none.values(), key=lambda d: d.label)

    def declaration_for(self, model: type[models.Model]) -> Declaration | None:
        return self._personal.get(model)

    def name_of(self, label: str) -> Text:
        """The kind of records in words, from a model's label ("app.Model")."""
        for model, declaration in self._personal.items():
            if model._meta.label == label:
                return declaration.name
        for model in self._none:
            if model._meta.label == label:
                return model._meta.verbose_name_plural or label
        return label

    def is_declared(self, model: type[models.Model]) -> bool:
        return model in self._personal or model in self._none

    def for_purpose(self, code: str) -> Iterator[Declaration]:
        return (d for d in self.declarations() if code in d.purposes)

    def _refuse_twice(self, model: type[models.Model]) -> None:
        if self.is_declared(model):
            raise AlreadyDeclared(f"{model._meta.label} is declared twice in the privacy registry.")


registry = Registry()
