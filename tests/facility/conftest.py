import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from clientbook.facility import services
from clientbook.facility.factories import AccessCardFactory, DeviceFactory, ZoneFactory
from clientbook.facility.models import AccessCard, Device, Zone


def token_of(device: Device) -> str:
    """A new token for ``device``."""
    return services.replace_device_token(None, device)


class Gate:
    """A zone with a reader and a card allowed in it; ``decide(**body)`` posts to the decision endpoint."""

    def __init__(self, zone: Zone, device: Device, token: str, card: AccessCard) -> None:
        self.zone, self.device, self.token, self.card = zone, device, token, card
        self.client = Client()

    def decide(self, token: str | None = None, **body: Any) -> Any:
        headers = {"Authorization": f"Bearer {token or self.token}"} if token != "" else {}
        if "card_number" not in body and "qr" not in body:
            body["card_number"] = self.card.card_number
        return self.client.post("/api/v1/access/decisions", body, content_type="application/json", headers=headers)

    def card_for(self, **values: Any) -> AccessCard:
        return AccessCardFactory(allowed_zones=[self.zone], **values)

    def reader(self, **values: Any) -> tuple[Device, str]:
        device = DeviceFactory(zone=self.zone, **values)
        return device, token_of(device)


@pytest.fixture
def gate(db: Any) -> Gate:
    zone = ZoneFactory(name="Main hall", capacity=100)
    device = DeviceFactory(name="Main door", zone=zone, direction="both")
    card = AccessCardFactory(allowed_zones=[zone])
    return Gate(zone, device, token_of(device), card)


@pytest.fixture
def berlin(settings: Any) -> Any:
    settings.CLIENTBOOK_SITE_TIME_ZONE = "Europe/Berlin"
    return settings


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


Decide = Callable[..., Any]
