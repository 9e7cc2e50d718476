from typing import Any

import factory

from clientbook.core.kit import writes
from clientbook.core.testing.web import register_factory
from clientbook.customers.factories import CustomerFactory
from clientbook.tickets.models import Ticket
from clientbook.tickets.specs import TICKETS


class TicketFactory(factory.django.DjangoModelFactory):
    """An open ticket written through the kit (its number, audit event and timeline entry)."""

    class Meta:
        model = Ticket

    customer = factory.SubFactory(CustomerFactory)
    subject = factory.Faker("sentence", nb_words=5)

    @classmethod
    def _create(cls, model_class: type, *args: Any, author: Any = None, **kwargs: Any) -> Ticket:
        return writes.create(TICKETS, user=author, values=kwargs)  # type: ignore[no-any-return]


register_factory(TICKETS, TicketFactory)
