"""The kit's pages and API of vehicles, access cards, zones and devices, per role."""

from typing import Any

from clientbook.core.testing.api import SpecApiTests
from clientbook.core.testing.web import SpecWebTests
from clientbook.customers.factories import CustomerFactory
from clientbook.facility.factories import (
    AccessCardFactory,
    DeviceFactory,
    EntryFactory,
    EventFactory,
    VehicleFactory,
    ZoneFactory,
)
from clientbook.facility.specs import ACCESS_CARDS, DEVICES, ENTRIES, EVENTS, VEHICLES, ZONES


class TestVehiclePages(SpecWebTests):
    spec = VEHICLES
    factory = VehicleFactory


class TestAccessCardPages(SpecWebTests):
    spec = ACCESS_CARDS
    factory = AccessCardFactory


class TestZonePages(SpecWebTests):
    spec = ZONES
    factory = ZoneFactory


class TestDevicePages(SpecWebTests):
    spec = DEVICES
    factory = DeviceFactory


class TestVehicleApi(SpecApiTests):
    spec = VEHICLES
    factory = VehicleFactory
    patch_body = {"colour": "Red"}

    def body_for_create(self) -> dict[str, Any]:
        return {"customer": CustomerFactory().code, "plate": "KA-01 AB 1234", "brand": "Tata"}


class TestAccessCardApi(SpecApiTests):
    spec = ACCESS_CARDS
    factory = AccessCardFactory
    patch_body = {"username": "gate.user"}

    def body_for_create(self) -> dict[str, Any]:
        return {"customer": CustomerFactory().code, "card_number": "9000 0001"}


class TestZoneApi(SpecApiTests):
    spec = ZONES
    factory = ZoneFactory
    patch_body = {"capacity": 40}
    create_body = {"name": "North car park", "capacity": 120, "anti_passback": "hard"}


class TestDeviceApi(SpecApiTests):
    spec = DEVICES
    factory = DeviceFactory
    patch_body = {"enabled": False}

    def body_for_create(self) -> dict[str, Any]:
        return {"name": "North gate in", "zone": ZoneFactory().name, "direction": "entry"}


class TestEventPages(SpecWebTests):
    spec = EVENTS
    factory = EventFactory


class TestEntryPages(SpecWebTests):
    spec = ENTRIES
    factory = EntryFactory
