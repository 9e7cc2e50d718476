from django import template
from django.utils.safestring import SafeString

from clientbook.core import markdown

register = template.Library()


@register.filter
def as_markdown(body: str) -> SafeString:
    """Markdown text (a note's body, an activity's description) as sanitised HTML (``core.markdown.render``)."""
    return markdown.render(body)
