from decimal import Decimal
from typing import Any

import factory

from clientbook.core.kit import writes
from clientbook.core.testing.web import register_factory
from clientbook.customers.factories import OrganizationFactory
from clientbook.deals.models import Deal
from clientbook.deals.specs import DEALS


class DealFactory(factory.django.DjangoModelFactory):
    """An open deal written through the kit (its rules, audit event and timeline entry)."""

    class Meta:
        model = Deal

    customer = factory.SubFactory(OrganizationFactory)
    title = factory.Faker("catch_phrase")
    value = Decimal("1000.00")

    @classmethod
    def _create(cls, model_class: type, *args: Any, author: Any = None, **kwargs: Any) -> Deal:
        return writes.create(DEALS, user=author, values=kwargs)  # type: ignore[no-any-return]


register_factory(DEALS, DealFactory)
