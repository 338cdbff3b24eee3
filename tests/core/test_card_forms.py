"""Every free-text field of every form of the product refuses a card number, next to the field.

The forms are found by importing every `forms` and `views` module of the project, so that a
new form that forgets to refuse card numbers makes this test fail; so does a new view that
shows such a form without telling the guard middleware that its form says it (then the
person would get a bare refusal page instead of the message next to the field).
"""

import contextlib
import inspect
import re

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver

from charte.core.cards import is_free_text, reject_card_numbers
from tests.walkers import CARD, EXEMPT_MODULES, build, project_forms


def test_the_forms_are_found():
    names = {cls.__name__ for cls in project_forms()}
    assert {"ReportForm", "CheckoutForm", "SignUpForm", "LoginForm", "RenameForm"} <= names


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
