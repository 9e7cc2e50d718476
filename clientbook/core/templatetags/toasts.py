"""Template helpers of the toasts in base.html."""

from typing import Any

from django import template

from clientbook.core.web.editing import undo_url_of

register = template.Library()


@register.filter
def undo_url(message: Any) -> str:
    """The URL a Django message's Undo button posts to ('' when the message has none)."""
    return undo_url_of(message)
