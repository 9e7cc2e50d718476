"""A ticket's badges as the list, the tab and the page draw them: ``{{ ticket|status_badge }}``."""

from django import template
from django.utils.safestring import SafeString

from clientbook.tickets import lists
from clientbook.tickets.models import Ticket

register = template.Library()


@register.filter
def status_badge(ticket: Ticket) -> SafeString:
    return lists.status_badge(ticket)


@register.filter
def priority_badge(ticket: Ticket) -> SafeString:
    return lists.priority_badge(ticket)


@register.filter
def overdue(ticket: Ticket) -> bool:
    return lists.is_overdue(ticket)
