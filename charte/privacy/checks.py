"""The system check that keeps the registry complete and true.

It runs with `manage.py check`, `migrate` and the test suite, and errors when:
- a concrete model (ours or an installed third party's) is not declared at all (E001);
- a declaration names a field the model does not have (E002), or leaves a field undeclared (E003);
- a declaration names a purpose (E004), subject path (E005), retention rule (E006) or erasure
  field (E007) that does not exist or does not fit;
- a model declared as holding no personal data has a field that points at a person (E008);
- the register itself is inconsistent (E009).
"""

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models

from charte.privacy import register
from charte.privacy.register import Anchor
from charte.privacy.registry import (
    Declaration,
    Erasure,
    KeepUnderObligation,
    NoPersonalData,
    Ref,
    Subject,
    registry,
)

PERSON_FIELDS = (models.EmailField, models.GenericIPAddressField)


def check_registry(
    app_configs: Iterable[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = [
        checks.Error(f"The register is inconsistent: {problem}.", id="charte.E009")
        for problem in register.validate()
    ]
    for model in _models(app_configs):
        declaration = registry.declaration_for(model)
        if declaration is not None:
            errors.extend(_check_declaration(declaration))
        elif registry.is_declared(model):
            errors.extend(_check_not_personal(registry._none[model]))
        else:
            names = ", ".join(repr(f.name) for f in _declarable_fields(model))
            errors.append(
                checks.Error(
                    f"Model {model._meta.label} is not declared in the privacy registry; its "
                    f"fields {names} can hold personal data.",
                    hint="Declare it in its app's privacy.py with registry.personal(...) or "
                    "registry.not_personal(..., reason=...).",
                    obj=model,
                    id="charte.E001",
                )
            )
    return errors


def _models(app_configs: Iterable[Any] | None) -> list[type[models.Model]]:
    configs = app_configs if app_configs is not None else apps.get_app_configs()
    return [
        model
        for config in configs
        for model in config.get_models()
        if not model._meta.proxy and not model._meta.abstract
    ]


def _declarable_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """Every stored field but an automatic primary key, and many-to-many links."""
    fields: list[models.Field[Any, Any]] = []
    for f in model._meta.get_fields():
        if f.auto_created and not f.concrete:
            continue  # reverse relations are declared on the model that holds them
        if isinstance(f, models.AutoField | models.BigAutoField | models.SmallAutoField):
            continue
        if not (f.concrete or f.many_to_many):
            continue
        fields.append(f)  # type: ignore[arg-type]
    return fields


def _check_declaration(d: Declaration) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    model = d.model
    existing = {f.name for f in _declarable_fields(model)}

    def error(message: str, code: str) -> None:
        errors.append(checks.Error(f"{d.label}: {message}", obj=model, id=f"charte.{code}"))

    for name in sorted(set(d.fields) - existing):
        error(f"the declaration names a field {name!r} that the model does not have.", "E002")
    for name in sorted(existing - set(d.fields)):
        error(f"field {name!r} can hold personal data and is not declared.", "E003")

    if not d.purposes:
        error("the declaration names no purpose.", "E004")
    for code in d.purposes:
        if code not in register.PURPOSE_BY_CODE:
            error(f"the declaration names a purpose {code!r} that is not in the register.", "E004")

    if not d.subjects:
        error("the declaration names no data subject.", "E005")
    for subject in d.subjects:
        problem = _subject_problem(model, subject)
        if problem:
            error(f"subject {subject!r} {problem}.", "E005")

    errors.extend(_check_retention(d))

    if not isinstance(d.erasure, Erasure):
        unknown = set(d.erasure) - set(d.subjects)
        missing = set(d.subjects) - set(d.erasure)
        for path in sorted(unknown, key=str):
            error(f"erasure names subject path {path!r} that is not among its subjects.", "E007")
        for path in sorted(missing, key=str):
            error(f"erasure says nothing for subject path {path!r}.", "E007")
    strategies = [d.erasure] if isinstance(d.erasure, Erasure) else list(d.erasure.values())
    for strategy in strategies:
        if strategy.kind == "delete":
            continue
        named = set(strategy.replaced()) | set(strategy.kept())
        for name in sorted(named - existing):
            error(f"erasure names a field {name!r} that the model does not have.", "E007")
        for name in sorted(set(strategy.replaced()) & set(strategy.kept())):
            error(f"erasure both replaces and keeps field {name!r}.", "E007")
        for name in sorted(existing - named):
            error(
                f"erasure ({strategy.kind}) neither replaces nor keeps field {name!r}.",
                "E007",
            )
        if isinstance(strategy, KeepUnderObligation):
            if not strategy.reason:
                error(
                    "a field kept under a legal obligation needs the obligation as reason.", "E007"
                )
            if strategy.retention not in register.RETENTION_BY_CODE:
                error(
                    f"erasure keeps fields under an unknown retention rule {strategy.retention!r}.",
                    "E006",
                )
    return errors


def _check_retention(d: Declaration) -> list[checks.CheckMessage]:
    rule = register.RETENTION_BY_CODE.get(d.retention)
    if rule is None:
        return [
            checks.Error(
                f"{d.label}: the declaration names a retention rule {d.retention!r} "
                "that is not in the register.",
                obj=d.model,
                id="charte.E006",
            )
        ]
    if rule.anchor != Anchor.ROW_TIME:
        return []
    if d.retention_from is None:
        return [
            checks.Error(
                f"{d.label}: retention rule {rule.code!r} runs from a date on the row; "
                "say which field with retention_from=.",
                obj=d.model,
                id="charte.E006",
            )
        ]
    try:
        anchor = d.model._meta.get_field(d.retention_from)
    except Exception:
        anchor = None
    if not isinstance(anchor, models.DateField):  # DateTimeField is a DateField
        return [
            checks.Error(
                f"{d.label}: retention_from {d.retention_from!r} is not a date field of the model.",
                obj=d.model,
                id="charte.E006",
            )
        ]
    return []


def _subject_problem(model: type[models.Model], subject: Subject) -> str:
    """Why `subject` does not lead from `model` to the user model; empty when it does."""
    user_label = settings.AUTH_USER_MODEL.lower()
    if isinstance(subject, Ref):
        try:
            ref_field = model._meta.get_field(subject.field)
        except Exception:
            return f"names a field {subject.field!r} that the model does not have"
        return (
            ""
            if isinstance(ref_field, models.CharField)
            else "must name a text field holding references"
        )
    path = subject
    if path == "":
        return (
            ""
            if model._meta.label_lower == user_label
            else "is empty but the model is not the user model"
        )
    current = model
    for part in path.split("__"):
        try:
            f = current._meta.get_field(part)
        except Exception:
            return f"has no field {part!r} on {current._meta.label}"
        if not f.is_relation or f.related_model is None:
            return f"goes through {part!r}, which is not a relation"
        related = f.related_model
        if isinstance(related, str):
            return f"goes through an unresolved relation {part!r}"
        current = related
    if current._meta.label_lower != user_label:
        return f"leads to {current._meta.label}, not to the user model"
    return ""


def _check_not_personal(d: NoPersonalData) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if not str(d.reason).strip():
        errors.append(
            checks.Error(
                f"{d.label}: say in one line why it holds no personal data.",
                obj=d.model,
                id="charte.E008",
            )
        )
    user_label = settings.AUTH_USER_MODEL.lower()
    for f in _declarable_fields(d.model):
        points_at_person = (
            f.is_relation
            and f.related_model is not None
            and (
                not isinstance(f.related_model, str)
                and f.related_model._meta.label_lower == user_label
            )
        )
        if points_at_person or isinstance(f, PERSON_FIELDS):
            errors.append(
                checks.Error(
                    f"{d.label}: declared as holding no personal data, but field {f.name!r} "
                    "can identify a person.",
                    obj=d.model,
                    id="charte.E008",
                )
            )
    return errors
