"""The registry's names for models, for templates: `{% load registry_names %}`."""

from django import template

from charte.privacy.registry import registry

register = template.Library()


@register.filter
def model_name(label: str) -> str:
    """A declared model's records in words, in the reader's language ("factures" for
    "payments.Invoice"); the label itself for a model the registry does not know."""
    return str(registry.name_of(label))
