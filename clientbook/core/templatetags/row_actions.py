"""Template helpers of the row actions of list tables (``core/table.html``, ``ListSpec.row_actions``)."""

from typing import Any

from django import template
from django.db.models import Model

from clientbook.core.listing.pipeline import ListSpec, RowAction

register = template.Library()


@register.simple_tag(takes_context=True)
def permitted_row_actions(context: template.Context, spec: Any) -> list[RowAction]:
    """The row actions of the list's ``spec`` that the user may run (none for a table without a spec)."""
    if not isinstance(spec, ListSpec):
        return []
    request = context.get("request")
    return spec.row_actions_for(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def row_action_url(context: template.Context, action: RowAction, record: Model) -> str:
    """The action's URL for ``record``, or "" when the record refuses the user (no button then)."""
    request = context.get("request")
    return action.url_for(record) if action.allows(getattr(request, "user", None), record) else ""
