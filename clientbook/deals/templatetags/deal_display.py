from decimal import Decimal

from django import template
from django.utils.safestring import SafeString

from clientbook.deals import lists, services
from clientbook.deals.models import Deal

register = template.Library()


@register.filter
def stage_badge(deal: Deal) -> SafeString:
    return lists.stage_badge(deal)


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """``12,000.50 EUR``."""
    return services.money(amount, currency)
