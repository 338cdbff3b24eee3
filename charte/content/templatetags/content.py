from django import template
from django.utils.safestring import SafeString

from charte.content import markup

register = template.Library()


@register.filter
def lesson_body(text: str) -> SafeString:
    """`{{ lesson.body|lesson_body }}`: the catalogue's markup as HTML."""
    return markup.render(text)
