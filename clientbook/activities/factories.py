from typing import Any

import factory

from clientbook.activities.models import Activity
from clientbook.activities.specs import ACTIVITIES
from clientbook.core.kit import writes
from clientbook.core.testing.web import register_factory
from clientbook.customers.factories import CustomerFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    """An entry logged through the kit; ``author`` (not a field anyone writes) is the acting user."""

    class Meta:
        model = Activity

    customer = factory.SubFactory(CustomerFactory)
    type = factory.LazyFunction(lambda: Activity.Type.EMAIL)
    title = factory.Faker("sentence", nb_words=4)

    @classmethod
    def _create(cls, model_class: type, *args: Any, author: Any = None, **kwargs: Any) -> Activity:
        return writes.create(ACTIVITIES, user=author, values=kwargs)  # type: ignore[no-any-return]


register_factory(ACTIVITIES, ActivityFactory)
