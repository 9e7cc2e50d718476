from typing import Any

import factory

from clientbook.contacts.models import Contact
from clientbook.contacts.specs import CONTACTS
from clientbook.core.kit import writes
from clientbook.core.testing.web import register_factory
from clientbook.customers.factories import OrganizationFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    job_title = "Buyer"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Contact:
        return writes.create(CONTACTS, user=None, values=kwargs)  # type: ignore[no-any-return]


register_factory(CONTACTS, ContactFactory)
