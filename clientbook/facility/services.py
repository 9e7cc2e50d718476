"""The rules of vehicles, access cards, zones and devices; the kit's write skeleton does the rest.

The gate's decisions are in ``gate.py``.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from clientbook.core.kit import writes
from clientbook.facility import tokens
from clientbook.facility.models import AccessCard, Device, Vehicle, Zone
from clientbook.facility.plates import canonical_plate, folded_plate


def _trim(obj: Any, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, str):
            setattr(obj, name, " ".join(value.split()))


def _unique_live(obj: Any, name: str, message: str, *, field: str = "") -> None:
    """Unique among live rows: the kit's validation skips a constraint whose condition names ``deleted_at``
    (a field no one edits), so the rule is checked here and the database's constraint is the last word."""
    taken = type(obj)._default_manager.filter(**{name: getattr(obj, name)}).exclude(pk=obj.pk)
    if taken.exists():
        raise ValidationError({field or name: message})


# --- Vehicles ------------------------------------------------------------------------------------


def tidy_vehicle(vehicle: Vehicle) -> None:
    _trim(vehicle, "plate", "brand", "model_name", "colour")
    vehicle.tags = ", ".join(dict.fromkeys(tag.strip() for tag in vehicle.tags.split(",") if tag.strip()))


def derive_vehicle(vehicle: Vehicle, before: dict[str, Any]) -> None:
    vehicle.plate_number = canonical_plate(vehicle.plate)
    vehicle.plate_folded = folded_plate(vehicle.plate)


def validate_vehicle(vehicle: Vehicle) -> None:
    """The canonical plate is the system's field, so the kit's validation skips its constraint: checked here."""
    derive_vehicle(vehicle, {})
    if not vehicle.plate_number:
        raise ValidationError({"plate": "A plate has letters or digits."})
    _unique_live(vehicle, "plate_number", f"A vehicle with the plate {vehicle.plate_number} exists.", field="plate")


def vehicle_search_words(vehicle: Vehicle) -> list[str | None]:
    return [
        vehicle.plate,
        vehicle.plate_number,
        vehicle.plate_folded,
        vehicle.brand,
        vehicle.model_name,
        vehicle.colour,
        vehicle.tags,
    ]


# --- Access cards --------------------------------------------------------------------------------


def canonical_card_number(typed: str) -> str:
    """A card number as readers send it: upper case, without the spaces and dashes it is printed with."""
    return "".join(char for char in (typed or "").upper() if char.isalnum())


def tidy_card(card: AccessCard) -> None:
    card.card_number = canonical_card_number(card.card_number)
    _trim(card, "username")


def validate_card(card: AccessCard) -> None:
    _unique_live(card, "card_number", "A card with this number exists.")
    if card.valid_from and card.valid_until and card.valid_until <= card.valid_from:
        raise ValidationError({"valid_until": "“Valid until” must be after “valid from”."})


def before_insert_card(card: AccessCard, user: Any) -> None:
    card.qr_payload = tokens.new_qr_payload()
    card.qr_issued_at = timezone.now()


def _new_qr() -> dict[str, Any]:
    return {"qr_payload": tokens.new_qr_payload(), "qr_issued_at": timezone.now()}


def rotate_qr(user: Any, card: AccessCard, expected_version: int | None = None) -> str:
    """A new QR payload: the printed badge with the old code opens nothing any more."""
    if card.revoked_at is not None:
        raise ValidationError("The card is revoked; issue a new card instead.")
    writes.update(card, user=user, values=_new_qr(), expected_version=expected_version)
    return f"Card {card.card_number} has a new QR code; print its badge again."


def revoke_card(user: Any, card: AccessCard, expected_version: int | None = None) -> str:
    """Revoked for good: inactive, and its QR payload replaced so a copied badge is dead too."""
    writes.update(
        card,
        user=user,
        values={"is_active": False, "revoked_at": timezone.now(), **_new_qr()},
        expected_version=expected_version,
    )
    return f"Card {card.card_number} is revoked."


def card_search_words(card: AccessCard) -> list[str | None]:
    return [card.card_number, card.username]


# --- Zones and devices ---------------------------------------------------------------------------


def tidy_named(obj: Zone | Device) -> None:
    _trim(obj, "name")


def validate_zone(zone: Zone) -> None:
    _unique_live(zone, "name", "A zone with this name exists.")


def validate_device(device: Device) -> None:
    _unique_live(device, "name", "A device with this name exists.")


def replace_device_token(user: Any, device: Device, expected_version: int | None = None) -> str:
    """A new credential for the reader (the old one stops working): the clear token, which only its digest
    and prefix keep."""
    token = tokens.new_device_token()
    writes.update(
        device,
        user=user,
        values={
            "token_digest": tokens.digest(token),
            "token_prefix": token[: len(tokens.DEVICE_TOKEN_PREFIX) + 4],
            "token_issued_at": timezone.now(),
        },
        expected_version=expected_version,
    )
    return token


def issue_device_token(user: Any, device: Device, expected_version: int | None = None) -> str:
    """The operator's "New token": the clear token is in this sentence only."""
    token = replace_device_token(user, device, expected_version)
    return f"New token for {device.name}: {token} — copy it into the reader now, it is not shown again."
