"""The register joined with the declarations, as one document for people and machines.

The `register` command prints it (JSON or Markdown), the public charter page renders it, and
the access archive quotes from it: one computation, so that they always agree.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from charte.privacy import register
from charte.privacy.registry import Declaration, registry

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label)


def _declaration(d: Declaration) -> dict[str, Any]:
    meta = d.model._meta
    return {
        "model": d.label,
        "name": str(meta.verbose_name_plural),
        "categories": [{"code": c.value, "label": str(c.label)} for c in d.categories()],
        "fields": [
            {
                "name": name,
                "label": str(getattr(meta.get_field(name), "verbose_name", name)),
                "category": f.category.value,
                "provenance": f.provenance.value,
            }
            for name, f in d.fields.items()
        ],
        "retention": d.retention,
        "erasure": sorted({d.erasure_for(s).kind for s in d.subjects}),
    }


def _retention(code: str) -> dict[str, Any]:
    rule = register.RETENTION_BY_CODE[code]
    return {
        "code": rule.code,
        "name": str(rule.name),
        "anchor": rule.anchor.value,
        "period": {"years": rule.years, "months": rule.months, "days": rule.days},
        "reason": str(rule.reason),
    }


def _recipient(r: register.Recipient) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": str(r.name),
        "kind": r.kind.value,
        "kind_label": _label(register.RecipientKind, r.kind),
        "categories": [c.value for c in r.categories],
        "purposes": list(r.purposes),
        "country": r.country,
        "outside_eea": r.outside_eea,
        "safeguard": r.safeguard.value if r.safeguard else None,
        "safeguard_label": _label(register.Safeguard, r.safeguard) if r.safeguard else None,
        "safeguard_date": r.safeguard_date.isoformat() if r.safeguard_date else None,
        "audit_right": r.audit_right,
    }


def _journal() -> dict[str, Any]:
    """What the security journal keeps of a connection (IP address, browser), for which events
    and why, and how long: read from the events declared as needing it, never written by hand,
    so that a new declaration shows here the day it is made."""
    from charte.audit import events

    notes = []
    for code, reason in sorted(events.connection_data_events().items()):
        prefix = code.endswith(".")
        label = "" if prefix else str(events.label(code))
        notes.append(
            {
                "event": f"{code}*" if prefix else code,
                "label": "" if label == code else label,
                "reason": str(reason),
            }
        )
    return {"retention": _retention("journal"), "connection_data": notes}


def published_register(*, data: bool = True) -> dict[str, Any]:
    """The register of processing with, for each purpose, the data of each model it uses
    (without them if not `data`: the access archive lists the person's own records instead)."""
    processings = []
    for processing in register.PROCESSINGS:
        purposes = []
        for purpose in register.purposes_of(processing.code):
            declarations = list(registry.for_purpose(purpose.code))
            categories = sorted({c for d in declarations for c in d.categories()})
            purposes.append(
                {
                    "code": purpose.code,
                    "name": str(purpose.name),
                    "description": str(purpose.description),
                    "separable": purpose.separable,
                    "recipients": [r.code for r in register.recipients_of(purpose.code)],
                    "categories": [{"code": c.value, "label": str(c.label)} for c in categories],
                    "data": [_declaration(d) for d in declarations] if data else [],
                }
            )
        processings.append(
            {
                "code": processing.code,
                "name": str(processing.name),
                "annex_row": processing.annex_row,
                "legal_basis": {
                    "code": processing.legal_basis.value,
                    "label": _label(register.LegalBasis, processing.legal_basis),
                },
                "legal_reference": str(processing.legal_reference),
                "retention": _retention(processing.retention),
                "data_subjects": [
                    {"code": code, "label": str(register.DATA_SUBJECTS[code])}
                    for code in processing.data_subjects
                ],
                "purposes": purposes,
            }
        )
    return {
        "operator": dict(settings.CHARTE_OPERATOR),
        "processings": processings,
        "retention_rules": [_retention(rule.code) for rule in register.RETENTION_RULES],
        "recipients": [_recipient(r) for r in register.RECIPIENTS],
        "emails": [
            {
                "code": e.code,
                "name": str(e.name),
                "essential": e.essential,
                "consent_purpose": e.consent_purpose,
            }
            for e in register.EMAILS
        ],
        "journal": _journal(),
        "categories": [{"code": c.value, "label": str(c.label)} for c in register.Category],
        "provenances": [{"code": p.value, "label": str(p.label)} for p in register.Provenance],
        "models_without_personal_data": [
            {"model": d.label, "reason": str(d.reason)} for d in registry.without_personal_data()
        ],
    }


@dataclass(frozen=True)
class Holding:
    """What one model holds about one person: how many rows, why, and for how long."""

    declaration: Declaration
    count: int
    # Who reads it: a guardian about their child, or a pupil about themself ("tu").
    child: bool = False
    pupil: bool = False

    @property
    def name(self) -> str:
        return str(self.declaration.model._meta.verbose_name_plural)

    @property
    def purposes(self) -> list[str]:
        return [
            str(register.PURPOSE_BY_CODE[code].name_for(child=self.child, pupil=self.pupil))
            for code in self.declaration.purposes
        ]

    @property
    def categories(self) -> list[str]:
        return [str(c.label) for c in self.declaration.categories()]

    @property
    def retention(self) -> str:
        return str(register.RETENTION_BY_CODE[self.declaration.retention].name)


def holdings(
    person: "AbstractBaseUser", *, child: bool = False, pupil: bool = False
) -> list[Holding]:
    """Every kind of record we hold about `person`, found through the registry alone."""
    found = []
    for declaration in registry.declarations():
        manager = declaration.model._default_manager
        count = manager.filter(declaration.subject_filter(person)).count()
        if count:
            found.append(Holding(declaration=declaration, count=count, child=child, pupil=pupil))
    return found


def reader(viewer: "AbstractBaseUser", person: "AbstractBaseUser") -> dict[str, bool]:
    """How the register's words read for `viewer` about `person`: someone else reads of a
    child they represent ("son compte"); a pupil reads of themself in "tu" ("ton compte")."""
    if viewer.pk != person.pk:
        return {"child": True, "pupil": False}
    return {"child": False, "pupil": getattr(person, "role", "") == "pupil"}


def holdings_section(viewer: "AbstractBaseUser", person: "AbstractBaseUser") -> dict[str, Any]:
    return {"holdings": holdings(person, **reader(viewer, person))}
