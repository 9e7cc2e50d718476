from typing import Any

from django import template

from clientbook.core.kit.spec import children_of
from clientbook.core.kit.views import child_tab_url
from clientbook.core.permissions import can

register = template.Library()


@register.simple_tag(takes_context=True)
def child_tabs(context: Any, record: Any) -> list[tuple[Any, str]]:
    """The tabs child specs give ``record`` that the current user may view: ``(spec, url)``."""
    user = context["request"].user
    return [(child, child_tab_url(child, record)) for child in children_of(record) if can(user, "view", child.model)]
