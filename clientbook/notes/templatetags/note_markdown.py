from django import template
from django.utils.safestring import SafeString

from clientbook.notes import markdown

register = template.Library()


@register.filter
def as_markdown(body: str) -> SafeString:
    """A note's body as sanitised HTML (``clientbook.notes.markdown.render``)."""
    return markdown.render(body)
