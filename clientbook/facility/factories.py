from typing import Any

import factory

from clientbook.core.kit import writes
from clientbook.core.testing.web import register_factory
from clientbook.customers.factories import CustomerFactory
from clientbook.facility.models import AccessCard, Device, Entry, Event, Vehicle, Zone
from clientbook.facility.specs import ACCESS_CARDS, DEVICES, ENTRIES, EVENTS, VEHICLES, ZONES


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"Zone {n}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Zone:
        return writes.create(ZONES, user=None, values=kwargs)  # type: ignore[no-any-return]


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    name = factory.Sequence(lambda n: f"Gate {n}")
    zone = factory.SubFactory(ZoneFactory)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Device:
        return writes.create(DEVICES, user=None, values=kwargs)  # type: ignore[no-any-return]


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    customer = factory.SubFactory(CustomerFactory)
    plate = factory.Sequence(lambda n: f"CB-{n:04d}")
    brand = "Volvo"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Vehicle:
        return writes.create(VEHICLES, user=None, values=kwargs)  # type: ignore[no-any-return]


class AccessCardFactory(factory.django.DjangoModelFactory):
    """A card of an active customer, valid from now on, with no zone unless ``allowed_zones`` is given."""

    class Meta:
        model = AccessCard

    customer = factory.SubFactory(CustomerFactory)
    card_number = factory.Sequence(lambda n: f"C{n:07d}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> AccessCard:
        return writes.create(ACCESS_CARDS, user=None, values=kwargs)  # type: ignore[no-any-return]


class EventFactory(factory.django.DjangoModelFactory):
    """An entry of a card's customer at a gate, written as the gate writes events (inserted, never changed)."""

    class Meta:
        model = Event

    kind = Event.Kind.ENTRY
    card = factory.SubFactory(AccessCardFactory)
    customer = factory.LazyAttribute(lambda event: event.card.customer)
    device = factory.SubFactory(DeviceFactory)
    zone = factory.LazyAttribute(lambda event: event.device.zone)


class EntryFactory(EventFactory):
    class Meta:
        model = Entry


register_factory(ZONES, ZoneFactory)
register_factory(DEVICES, DeviceFactory)
register_factory(VEHICLES, VehicleFactory)
register_factory(ACCESS_CARDS, AccessCardFactory)
register_factory(EVENTS, EventFactory)
register_factory(ENTRIES, EntryFactory)
