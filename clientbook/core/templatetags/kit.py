from typing import Any

from django import template

from clientbook.core.kit import views

register = template.Library()


@register.simple_tag(takes_context=True)
def child_tabs(context: Any, record: Any) -> list[tuple[Any, str]]:
    """The tabs child specs give ``record`` that the current user may view: ``(spec, url)``."""
    return views.child_tabs(context["request"].user, record)
