from typing import Any

import factory

from clientbook.core.kit import writes
from clientbook.core.testing.web import register_factory
from clientbook.leads.models import Lead
from clientbook.leads.specs import LEADS


class LeadFactory(factory.django.DjangoModelFactory):
    """A new lead written through the kit (its code, audit event and search document)."""

    class Meta:
        model = Lead

    name = factory.Faker("name")
    email = factory.Sequence(lambda number: f"lead{number}@example.com")
    company = factory.Faker("company")
    source = Lead.Source.WEBSITE

    @classmethod
    def _create(cls, model_class: type, *args: Any, author: Any = None, **kwargs: Any) -> Lead:
        return writes.create(LEADS, user=author, values=kwargs)  # type: ignore[no-any-return]


register_factory(LEADS, LeadFactory)
