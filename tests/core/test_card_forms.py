"""Every free-text field of every form of the product refuses a card number, next to the field.

The forms are found by importing every `forms` and `views` module of the project, so that a
new form that forgets to refuse card numbers makes this test fail; so does a new view that
shows such a form without telling the guard middleware that its form says it (then the
person would get a bare refusal page instead of the message next to the field).
"""

import contextlib
import importlib
import inspect
import pkgutil
import re
import typing
from typing import Any

import pytest
from django import forms
from django.db.models import QuerySet
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

import charte
from charte.accounts.models import Role, User
from charte.consent.purposes import purposes_for_role
from charte.core.cards import is_free_text, reject_card_numbers
from charte.payments.models import Audience
from charte.payments.plans import plans_for

CARD = "4111 1111 1111 1111"
# Where a card is typed on purpose: the payment provider's own page (another site in production).
EXEMPT_MODULES = ("charte.payments.providers.",)


def _project_modules() -> list[str]:
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
    _project_modules()
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


def test_the_forms_are_found():
    names = {cls.__name__ for cls in project_forms()}
    assert {"ReportForm", "CheckoutForm", "SignUpForm", "LoginForm", "RenameForm"} <= names


def _argument(form_class: type, name: str, annotation: object, user: User) -> object:
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
        f"{name!r}; teach `_argument` so that the form is checked."
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
            kwargs[parameter.name] = _argument(
                form_class, parameter.name, hints.get(parameter.name), user
            )
    return form_class(data=data, **kwargs)


def card_value(field: forms.Field) -> str:
    """A card number in a value the field otherwise accepts."""
    if isinstance(field, forms.EmailField):
        return "4111111111111111@exemple.fr"
    if isinstance(field, forms.URLField):
        return "https://exemple.fr/carte/4111111111111111"
    return CARD


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", project_forms(), ids=lambda cls: cls.__qualname__)
def test_every_free_text_field_refuses_a_card_number(form_class, guardian_anna):
    fields = build(form_class, guardian_anna).fields
    free_text = [name for name, field in fields.items() if is_free_text(field)]
    data = {name: card_value(fields[name]) for name in free_text}

    form = build(form_class, guardian_anna, data=data)

    assert not form.is_valid() or not free_text
    errors = form.errors.as_data()
    for name in free_text:
        codes = [error.code for error in errors.get(name, [])]
        assert "card_number" in codes, f"{form_class.__qualname__}.{name} accepts a card number"
        assert any("numéro de carte" in str(m) for m in form.errors[name])


def test_a_form_field_refuses_a_card_number_however_it_is_written():
    field = forms.CharField(validators=[reject_card_numbers])
    for written in ("4111111111111111", "4111-1111-1111-1111", "ma carte 4111 1111 1111 1111"):
        with pytest.raises(forms.ValidationError):
            field.clean(written)
    assert field.clean("commande 20261126-0042") == "commande 20261126-0042"


def _views() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append((prefix + str(pattern.pattern), pattern.callback))

    walk(get_resolver().url_patterns, "/")
    return found


def _source(view: object) -> str:
    parts = []
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        parts.append(inspect.getsource(view_class))
        form_class = getattr(view_class, "form_class", None)
        if form_class is not None:
            parts.append(f"{form_class.__name__}(")
    target = inspect.unwrap(view)  # type: ignore[arg-type]
    with contextlib.suppress(OSError, TypeError):  # a view written in C, or made at run time
        parts.append(inspect.getsource(target))
    return "\n".join(parts)


@pytest.mark.django_db
def test_every_view_showing_a_form_with_free_text_lets_the_form_say_it(guardian_anna):
    with_free_text = {
        cls.__name__
        for cls in project_forms()
        if any(is_free_text(f) for f in build(cls, guardian_anna).fields.values())
    }
    unmarked = []
    for route, view in _views():
        module = getattr(view, "__module__", "") or ""
        if not module.startswith("charte.") or module.startswith(EXEMPT_MODULES):
            continue
        source = _source(view)
        used = sorted(name for name in with_free_text if re.search(rf"\b{name}\(", source))
        if used and not getattr(view, "checks_card_numbers", False):
            unmarked.append((route, used))
    assert unmarked == [], "\n".join(f"{route} {used}" for route, used in unmarked)
