"""Vehicles, access cards and devices: their own rules beyond the kit's."""

import base64
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from clientbook.core.kit import writes
from clientbook.core.kit.tabs import child_tab_url
from clientbook.core.models import AuditEvent
from clientbook.customers.factories import CustomerFactory
from clientbook.facility import services, tokens
from clientbook.facility.factories import AccessCardFactory, DeviceFactory, VehicleFactory, ZoneFactory
from clientbook.facility.forms import AccessCardForm
from clientbook.facility.models import AccessCard, Device
from clientbook.facility.plates import canonical_plate, folded_plate
from clientbook.facility.specs import ACCESS_CARDS, VEHICLES

pytestmark = pytest.mark.django_db


# --- Vehicles ------------------------------------------------------------------------------------


def test_a_plate_is_compared_canonical_and_shown_as_typed() -> None:
    vehicle = VehicleFactory(plate="  ka-01  ab １２３４ ")
    assert vehicle.plate == "ka-01 ab １２３４"
    assert vehicle.plate_number == "KA01AB1234"
    assert canonical_plate("Ö-ǅ 1") == "ÖDŽ1"


def test_a_plate_is_unique_among_live_vehicles_only() -> None:
    first = VehicleFactory(plate="B-MW 42")
    with pytest.raises(ValidationError) as refused:
        VehicleFactory(plate="bmw42")
    assert "plate" in refused.value.message_dict
    writes.delete(first, user=None)
    assert VehicleFactory(plate="BMW-42").plate_number == "BMW42"
    with pytest.raises(ValidationError):
        writes.restore(first, user=None)


def test_a_plate_without_letters_or_digits_is_refused_on_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        VehicleFactory(plate=" -- ")
    assert list(refused.value.message_dict) == ["plate"]


def test_the_plate_filter_forgives_spaces_dashes_and_o_for_zero(client_for: Any) -> None:
    wanted = VehicleFactory(plate="OB 10-I")
    VehicleFactory(plate="XY 99")
    client = client_for("facility")
    for typed in ("0b10i", "OB-10-1", "ob 1 0 i", "B1"):
        found = client.get("/api/v1/vehicles", {"plate": typed}).json()["items"]
        assert [item["id"] for item in found] == [wanted.pk], typed
    assert folded_plate("OB 10-I") == "0B101"


def test_vehicles_are_a_tab_of_the_customer_for_who_may_view_them(client_for: Any) -> None:
    vehicle = VehicleFactory(plate="TAB 1")
    url = child_tab_url(VEHICLES, vehicle.customer)
    assert "TAB 1" in client_for("facility").get(url).content.decode()
    assert client_for("accounting").get(url).status_code == 403
    page = client_for("accounting").get(f"/customers/{vehicle.customer.code}/").content.decode()
    assert url not in page


# --- Access cards --------------------------------------------------------------------------------


def _payload_bits(payload: str) -> int:
    raw = payload.removeprefix(tokens.QR_PREFIX)
    return len(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))) * 8


def test_a_card_gets_an_opaque_random_qr_payload_of_at_least_128_bits() -> None:
    customer = CustomerFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    card = AccessCardFactory(customer=customer, card_number="77 12-34")
    assert card.card_number == "771234"
    assert _payload_bits(card.qr_payload) >= 128
    for personal in ("Ada", "Lovelace", "ada@", customer.code, "771234"):
        assert personal not in card.qr_payload
    assert AccessCardFactory().qr_payload != card.qr_payload


def test_rotating_and_revoking_replace_the_payload_and_audit_it_masked() -> None:
    card = AccessCardFactory()
    first = card.qr_payload
    services.rotate_qr(None, card)
    card.refresh_from_db()
    second = card.qr_payload
    assert second != first
    services.revoke_card(None, card)
    card.refresh_from_db()
    assert card.qr_payload not in (first, second)
    assert card.revoked_at is not None and not card.is_active
    with pytest.raises(ValidationError):
        services.rotate_qr(None, card)
    events = AuditEvent.objects.filter(object_type="facility.accesscard", object_id=str(card.pk))
    assert events.count() == 3
    for event in events:
        assert first not in str(event.changes) and first not in str(event.state)
        assert second not in str(event.changes) and card.qr_payload not in str(event.state)


def test_the_card_page_shows_its_qr_and_links_the_badge(client_for: Any) -> None:
    card = AccessCardFactory(username="ada.l")
    client = client_for("facility")
    page = client.get(f"/access-cards/{card.pk}/").content.decode()
    assert 'data-testid="card-qr"' in page and "<svg" in page
    badge = client.get(f"/access-cards/{card.pk}/badge/")
    assert badge.status_code == 200 and "<svg" in badge.content.decode()
    assert card.customer.display_name in badge.content.decode()
    svg = client.get(f"/access-cards/{card.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<?xml")
    png = client.get(f"/access-cards/{card.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert png["Cache-Control"] == "private, no-store"
    assert client_for("accounting").get(f"/access-cards/{card.pk}/qr.png").status_code == 403


def test_the_qr_payload_is_not_in_the_api_or_exports(client_for: Any) -> None:
    card = AccessCardFactory()
    body = client_for("facility").get(f"/api/v1/access-cards/{card.pk}").content.decode()
    assert card.qr_payload not in body
    assert "qr_payload" not in [field.name for field in ACCESS_CARDS.export_fields or ()]


@pytest.fixture
def berlin(settings: Any) -> Any:
    settings.CLIENTBOOK_SITE_TIME_ZONE = "Europe/Berlin"
    return settings


def _card_form(**values: Any) -> AccessCardForm:
    data = {"customer": CustomerFactory().code, "card_number": "F1", "is_active": "on", **values}
    return AccessCardForm(data=data)


def test_validity_is_typed_on_the_sites_wall_clock(berlin: Any) -> None:
    form = _card_form(valid_until="2026-03-29T00:00")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["valid_until"] == dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC)
    summer = _card_form(valid_until="2026-07-01T00:00")
    assert summer.is_valid()
    assert summer.cleaned_data["valid_until"] == dt.datetime(2026, 6, 30, 22, 0, tzinfo=dt.UTC)


def test_a_time_the_clocks_skip_or_repeat_is_refused_next_to_the_field(berlin: Any) -> None:
    skipped = _card_form(valid_from="2026-03-29T02:30")
    assert not skipped.is_valid()
    assert "does not exist in Europe/Berlin" in skipped.errors["valid_from"][0]
    repeated = _card_form(valid_until="2026-10-25T02:30")
    assert not repeated.is_valid()
    assert "happens twice in Europe/Berlin" in repeated.errors["valid_until"][0]


def test_an_edit_form_shows_validity_on_the_sites_clock(berlin: Any) -> None:
    card = AccessCardFactory(valid_until=dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC))
    html = str(AccessCardForm(instance=card)["valid_until"])
    assert 'value="2026-03-29T00:00"' in html


def test_valid_until_must_follow_valid_from() -> None:
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as refused:
        AccessCardFactory(valid_from=moment, valid_until=moment)
    assert "valid_until" in refused.value.message_dict


def test_a_card_number_is_unique_among_live_cards() -> None:
    card = AccessCardFactory(card_number="A-1")
    with pytest.raises(ValidationError):
        AccessCardFactory(card_number="a1")
    writes.delete(card, user=None)
    assert AccessCardFactory(card_number="A1").pk != card.pk


def test_allowed_zones_are_named_in_the_api(client_for: Any) -> None:
    north, south = ZoneFactory(name="North"), ZoneFactory(name="South")
    customer = CustomerFactory()
    response = client_for("facility").post(
        "/api/v1/access-cards",
        {"customer": customer.code, "card_number": "Z-9", "allowed_zones": ["North", "South"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    card = AccessCard.objects.get(pk=response.json()["id"])
    assert set(card.allowed_zones.all()) == {north, south}
    assert sorted(response.json()["allowed_zones"]) == ["North", "South"]


# --- Devices -------------------------------------------------------------------------------------


def test_a_device_token_is_shown_once_and_stored_as_its_digest() -> None:
    device = DeviceFactory()
    assert device.failure_mode == Device.FailureMode.FAIL_CLOSED and device.token_digest == ""
    message = services.issue_device_token(None, device)
    token = next(word for word in message.split() if word.startswith(tokens.DEVICE_TOKEN_PREFIX))
    device.refresh_from_db()
    assert device.token_digest == tokens.digest(token) and token not in device.token_digest
    assert token.startswith(device.token_prefix)
    event = AuditEvent.objects.filter(object_type="facility.device", object_id=str(device.pk)).latest("pk")
    assert token not in str(event.changes) and device.token_digest not in str(event.changes)


def test_the_api_takes_numbers_and_flags_as_json_types_only(client_for: Any) -> None:
    client = client_for("admin")

    def create(**body: Any) -> Any:
        return client.post("/api/v1/zones", {"name": "Hall", **body}, content_type="application/json")

    for capacity in (False, "12", 1.5):
        refused = create(capacity=capacity)
        assert refused.status_code == 422 and "capacity" in refused.content.decode(), capacity
    assert create(capacity=12).json()["capacity"] == 12
    device = {"name": "Door", "zone": create(name="Yard").json()["name"]}
    assert client.post("/api/v1/devices", {**device, "enabled": 1}, content_type="application/json").status_code == 422
    assert (
        client.post("/api/v1/devices", {**device, "enabled": False}, content_type="application/json").status_code == 201
    )
