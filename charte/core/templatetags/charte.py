"""Template helpers loaded in every template (see TEMPLATES "builtins" in settings)."""

from collections.abc import Mapping
from typing import Any

from django import template

from charte.core import paths

register = template.Library()


@register.filter
def get_item(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    """`{{ mapping|get_item:key }}`: a dictionary lookup with a key held in a variable."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def safe_path(value: object) -> str:
    """`{{ stored|safe_path }}`: a path kept earlier, as a link only if it is a page of ours
    today (`charte.core.paths.safe_path`); empty otherwise."""
    return paths.safe_path(value)
