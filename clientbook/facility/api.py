"""``POST /api/v1/access/decisions``: a gate reader asks whether a card may pass, authenticated by its own token.

The handler only translates: the body to a ``gate.Request``, the ``gate.Answer`` to JSON. When the
database cannot be reached (or does not answer within ``CLIENTBOOK_GATE_DB_TIMEOUT_MS``) it answers
503 with ``{"allowed": false, "reason": "unavailable"}``: never an allow.
"""

import logging
from decimal import Decimal
from typing import Any, Literal

import pycountry
from django.db import Error as DatabaseFailure
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import field_validator, model_validator

from clientbook.api.errors import ErrorOut
from clientbook.facility import gate, tokens

logger = logging.getLogger(__name__)
router = Router(tags=["access"])


class DeviceToken(HttpBearer):
    """``Authorization: Bearer cbgate_…``: a gate device's token (a user's API token is not one: 401).

    A token of the right form that matches no device is let through to the decision, which denies it
    as ``device_unknown`` and records the attempt."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> str | None:
        return token if token.startswith(tokens.DEVICE_TOKEN_PREFIX) else None


CURRENCIES = frozenset(currency.alpha_3 for currency in pycountry.currencies) - {"XTS", "XXX"}


class PaymentIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2, description="Paid at this entry.")
    currency: str = Field(..., min_length=3, max_length=3, description="ISO 4217 code, e.g. EUR.")
    status: Literal["pending", "paid", "failed"] = "paid"
    reference: str = Field("", max_length=100, description="The payment terminal's reference.")

    @field_validator("currency")
    @classmethod
    def known_currency(cls, value: str) -> str:
        if value.upper() not in CURRENCIES:
            raise ValueError(f"“{value}” is not an ISO 4217 currency code.")
        return value.upper()


class DecisionIn(Schema):
    card_number: str = Field("", max_length=64, description="The card number read (or send `qr`).")
    qr: str = Field("", max_length=64, description="The QR payload read from a badge (or send `card_number`).")
    plate: str = Field("", max_length=40, description="A plate read by a camera, recorded on the event.")
    direction: Literal["entry", "exit", ""] = Field(
        "", description="For a reader at entry and exit: which way; empty: the card's presence decides."
    )
    payment: PaymentIn | None = Field(None, description="A payment made at this entry, recorded with it.")
    idempotency_key: str = Field(
        "", max_length=100, description="The device's key for this decision: a retry gets the first answer."
    )

    @model_validator(mode="after")
    def one_credential(self) -> "DecisionIn":
        if bool(self.card_number.strip()) == bool(self.qr.strip()):
            raise ValueError("Send either card_number or qr.")
        return self


class GateCustomerOut(Schema):
    """The customer a decision concerns (its own name: the customers API has a CustomerOut)."""

    code: str
    display_name: str


class DecisionOut(Schema):
    allowed: bool
    reason: str = Field(..., description="`ok`, `anti_passback_alert` (allowed) or why it was denied.")
    customer: GateCustomerOut | None
    zone: str | None
    event: int | None = Field(..., description="The id of the event recorded for this decision.")
    direction: Literal["entry", "exit"] | None = None
    repeated: bool = Field(False, description="True when this answers a retry of an earlier request.")


def _out(answer: gate.Answer) -> dict[str, Any]:
    customer = answer.customer
    return {
        "allowed": answer.allowed,
        "reason": str(answer.reason),
        "customer": {"code": customer.code, "display_name": customer.display_name} if customer else None,
        "zone": answer.zone,
        "event": answer.event,
        "direction": answer.direction,
        "repeated": answer.repeated,
    }


UNAVAILABLE = {
    "allowed": False,
    "reason": str(gate.Reason.UNAVAILABLE),
    "customer": None,
    "zone": None,
    "event": None,
    "direction": None,
    "repeated": False,
}


@router.post(
    "/decisions",
    response={200: DecisionOut, 503: DecisionOut, 401: ErrorOut, 422: ErrorOut, 400: ErrorOut},
    auth=DeviceToken(),
    operation_id="decide_access",
    summary="Decide whether a card may pass a gate, and record it",
)
def decide(request: HttpRequest, payload: DecisionIn) -> Any:
    """Answers `allowed` with a reason code and records the entry, exit or denied event in the same
    transaction (with a payment made at an allowed entry). Reason codes that deny: `unknown_card`,
    `card_inactive`, `card_revoked`, `card_not_yet_valid`, `card_expired`, `customer_not_active`,
    `zone_not_allowed`, `zone_full`, `anti_passback`, `device_unknown`, `device_disabled`, and
    `unavailable` (503) when the database cannot answer in time."""
    payment = payload.payment
    asked = gate.Request(
        token=str(request.auth),  # type: ignore[attr-defined]
        card_number=payload.card_number,
        qr=payload.qr,
        plate=payload.plate,
        direction=payload.direction,
        payment=gate.Payment(payment.amount, payment.currency, payment.status, payment.reference) if payment else None,
        idempotency_key=payload.idempotency_key.strip(),
    )
    try:
        answer = gate.decide(asked)
    except DatabaseFailure:
        logger.exception("Gate decision failed on the database; denied as unavailable.")
        return Status(503, UNAVAILABLE)
    return _out(answer)
