from typing import Any

import factory

from clientbook.core.kit import writes
from clientbook.core.testing.web import register_factory
from clientbook.customers.factories import CustomerFactory
from clientbook.notes.models import Note
from clientbook.notes.specs import NOTES


class NoteFactory(factory.django.DjangoModelFactory):
    """A note written through the kit; ``author`` (not a field anyone writes) is the acting user."""

    class Meta:
        model = Note

    customer = factory.SubFactory(CustomerFactory)
    body = factory.Faker("sentence")

    @classmethod
    def _create(cls, model_class: type, *args: Any, author: Any = None, **kwargs: Any) -> Note:
        return writes.create(NOTES, user=author, values=kwargs)  # type: ignore[no-any-return]


register_factory(NOTES, NoteFactory)
