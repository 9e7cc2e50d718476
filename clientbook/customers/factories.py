"""factory_boy factories; they build through the services so codes and search fields are real."""

from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model

from clientbook.core.testing.web import register_factory
from clientbook.customers import services
from clientbook.customers.models import Customer, Label
from clientbook.customers.specs import CUSTOMERS, LABELS


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label

    name = factory.Sequence(lambda n: f"Label {n}")
    colour = Label.Colour.BLUE

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Label:
        return services.create_label(user=None, **kwargs)


register_factory(LABELS, LabelFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    kind = Customer.Kind.PERSON
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttributeSequence(lambda c, n: f"{c.first_name}.{c.last_name}.{n}@example.com".lower())
    # A fixed set, not Faker's cities: a random "San Jose" or "Adamsfort" would match a test's search term.
    city = factory.Iterator(["Springfield", "Riverton", "Lakeview", "Fairmont", "Greenhill"])
    country = "US"
    balance = Decimal("100.00")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Customer:
        labels = kwargs.pop("labels", ())
        return services.create_customer(user=None, labels=labels, **kwargs)


class OrganizationFactory(CustomerFactory):
    kind = Customer.Kind.ORGANIZATION
    first_name = ""
    last_name = ""
    company_name = factory.Faker("company")
    email = factory.Sequence(lambda n: f"office{n}@example.org")


register_factory(CUSTOMERS, CustomerFactory)
