"""Walkers over the product's entry points: every form class of the project and every write
operation of the API, with what it takes to build each one.

The card-number tests and the child-identifier tests walk the same forms and schemas, so that
a new entry point is covered by both the day it appears; a helper module, not a test module.
"""

import importlib
import inspect
import pkgutil
import types
import typing
import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.test import RequestFactory
from pydantic import BaseModel

import charte
from charte.accounts.models import Role, User
from charte.consent.purposes import purposes_for_role
from charte.core.api import api
from charte.payments.models import Audience
from charte.payments.plans import plans_for

CARD = "4111 1111 1111 1111"
WRITES = {"POST", "PUT", "PATCH"}


def write_operations() -> list[tuple[str, str, type[BaseModel]]]:
    """(method, url, body schema) of every endpoint that takes a body."""
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in sorted(set(operation.methods) & WRITES):
                    url = "/api" + (prefix + path).replace("//", "/")
                    url = url.replace("{public_id}", str(uuid.UUID(int=1))).replace("{slug}", "x")
                    for model in operation.models:
                        for field in model.model_fields.values():
                            schema = field.annotation
                            if isinstance(schema, type) and issubclass(schema, BaseModel):
                                found.append((method, url, schema))
    return found


def text_value(annotation: object) -> object | None:
    """A value carrying a card number that the annotation accepts, or None if it takes no text."""
    if annotation is str:
        return f"ma carte {CARD}"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in {typing.Union, types.UnionType}:
        for arg in args:
            if (value := text_value(arg)) is not None:
                return value
    if origin is dict:
        return {"q1": f"ma carte {CARD}"}
    if origin is list and args and (value := text_value(args[0])) is not None:
        return [value]
    return None


def text_fields(schema: type[BaseModel]) -> dict[str, object]:
    fields = {}
    for name, field in schema.model_fields.items():
        value = text_value(field.annotation)
        if value is not None:
            fields[name] = value
    return fields


# Where a card is typed on purpose: the payment provider's own page (another site in production).
EXEMPT_MODULES = ("charte.payments.providers.",)


def project_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(charte.__path__, "charte."):
        if info.name.rsplit(".", 1)[-1] in {"forms", "views"}:
            importlib.import_module(info.name)
            names.append(info.name)
    return names


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found.add(sub)
        found |= _subclasses(sub)
    return found


def project_forms() -> list[type[forms.BaseForm]]:
    project_modules()
    return sorted(
        (
            cls
            for cls in _subclasses(forms.BaseForm)
            if cls.__module__.startswith("charte.")
            and hasattr(cls, "base_fields")  # a form, not a mixin
            and not cls.__module__.startswith(EXEMPT_MODULES)
        ),
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )


def argument(form_class: type, name: str, annotation: object, user: User) -> object:
    """A plausible value for an argument a form's `__init__` requires."""
    if name in {"user", "person", "child", "viewer"}:
        return user
    if name == "ids":
        return []
    if name == "request":  # forms that check a password again count the tries per request
        return RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
    if name == "purposes":
        return purposes_for_role(Role.PARENT)
    if name == "plan":
        return plans_for(Audience.SCHOOL)[0]  # the school plans ask for the most fields
    if annotation is QuerySet:  # QuerySet[Model] is QuerySet at run time: no choices at all
        return User.objects.none()
    if annotation is bool:
        return True
    if annotation is str:
        return "access" if name == "kind" else Role.PARENT
    raise AssertionError(
        f"{form_class.__qualname__}: this test does not know how to build the argument "
        f"{name!r}; teach `argument` so that the form is checked."
    )


def build(form_class: type[forms.BaseForm], user: User, data: dict | None = None):
    hints = typing.get_type_hints(form_class.__init__)
    kwargs: dict[str, Any] = {}
    for parameter in inspect.signature(form_class.__init__).parameters.values():
        if parameter.name == "self" or parameter.kind in {
            parameter.VAR_POSITIONAL,
            parameter.VAR_KEYWORD,
        }:
            continue
        if parameter.default is parameter.empty:
            kwargs[parameter.name] = argument(
                form_class, parameter.name, hints.get(parameter.name), user
            )
    return form_class(data=data, **kwargs)
