"""The request and response schemas of the customers API (``clientbook.customers.api``).

Limits come from the model fields, so the schema and the model can never differ; rules the model
checks over several fields are stated as JSON Schema where it can say them (``CREATE_RULES``).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.conf import settings
from django_countries import countries
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict
from pydantic.config import JsonDict

from clientbook.api.etags import ETAG_DESCRIPTION
from clientbook.api.fields import IsoDate, Text
from clientbook.api.kit_schemas import choice_enum
from clientbook.api.openapi import shared_enum
from clientbook.api.operations import filter_description, keys_description
from clientbook.core.records import bulk
from clientbook.customers.filters import MAX_INACTIVE_DAYS, CustomerFilterSet
from clientbook.customers.models import Customer

# Choice fields use the kit's enum of each (CustomerStatus …, one component each, as the generated
# list parameters use them), so the schema lists every value; a blank choice is returned as null.
Kind = choice_enum(Customer, "kind")
Gender = choice_enum(Customer, "gender")
MaritalStatus = choice_enum(Customer, "marital_status")
Currency = choice_enum(Customer, "currency")
Status = choice_enum(Customer, "status")


def _empty_as_null(value: Any) -> Any:
    return None if value == "" else value


# An optional choice: "" or null clears it.
OptionalGender = Annotated[Gender | None, BeforeValidator(_empty_as_null)]  # type: ignore[valid-type]
OptionalMaritalStatus = Annotated[MaritalStatus | None, BeforeValidator(_empty_as_null)]  # type: ignore[valid-type]
COUNTRY_CODES = ["", *(code for code, _ in countries)]
LANGUAGE_CODES = ["", *(code for code, _ in settings.LANGUAGES)]
# Names for the values of the generated clients' enums ("" is UNKNOWN).
SHARED_ENUMS = {
    "CountryCode": (COUNTRY_CODES, [code or "UNKNOWN" for code in COUNTRY_CODES]),
    "LanguageCode": (LANGUAGE_CODES, [code.replace("-", "_").upper() or "UNKNOWN" for code in LANGUAGE_CODES]),
}


def _enum(name: str, description: str, nullable: bool = False) -> Any:
    """A long choice list, one component in the schema, checked by the model or the list pipeline."""
    values, var_names = SHARED_ENUMS[name]
    return Field(
        None if nullable else ...,
        description=description,
        json_schema_extra=shared_enum(name, values, var_names, nullable=nullable),
    )


# The list's country parameter: the FilterSet's choice, as the one CountryCode component.
COUNTRY_PARAMETER = (Text | None, _enum("CountryCode", "ISO 3166-1 alpha-2 code.", nullable=True))
# "No activity in the last N days": a whole number of days, as the FilterSet takes it.
INACTIVE_DAYS_PARAMETER = (
    int | None,
    Field(
        None,
        ge=1,
        le=MAX_INACTIVE_DAYS,
        description="Customers whose last activity is older than this many days, or who have none.",
    ),
)


# --- Representations ------------------------------------------------------------------------


class CustomerOut(Schema):
    code: str
    kind: Kind  # type: ignore[valid-type]
    display_name: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    company_name: str
    email: str
    phone: str = Field(description="E.164, e.g. +19409863836; empty when unknown.")
    alt_phone: str = Field(description="E.164; empty when unknown.")
    gender: Gender | None = Field(description="Null when not given.")  # type: ignore[valid-type]
    birthday: date | None
    marital_status: MaritalStatus | None = Field(description="Null when not given.")  # type: ignore[valid-type]
    street: str
    city: str
    state: str
    postal_code: str
    country: str = _enum("CountryCode", "ISO 3166-1 alpha-2 code; empty when unknown.")
    language: str = _enum("LanguageCode", "A language code; empty when unknown.")
    industry: str
    website: str
    description: str
    balance: str = Field(pattern=r"^-?\d+\.\d{2}$", description="A decimal with two places, as a string.")
    currency: Currency  # type: ignore[valid-type]
    status: Status  # type: ignore[valid-type]
    block_reason: str
    status_before_block: Status | None = Field(description="The status a blocked customer had; else null.")  # type: ignore[valid-type]
    officer: str | None = Field(description="The relationship officer's username.")
    organization: str | None = Field(description="The code of the organization a person belongs to.")
    external_id: str
    client_id: str = Field(description="The broker's client ID; unique among customers when not empty.")
    account_opened_on: date | None
    activated_on: date | None
    labels: list[str] = Field(description="Label names.")
    created_at: datetime
    updated_at: datetime
    version: int = Field(description=ETAG_DESCRIPTION)
    last_activity_at: datetime | None
    deleted_at: datetime | None = Field(
        description="When the customer was deleted; always null unless an administrator asked for deleted ones."
    )

    @staticmethod
    def resolve_gender(customer: Customer) -> str | None:
        return customer.gender or None

    @staticmethod
    def resolve_marital_status(customer: Customer) -> str | None:
        return customer.marital_status or None

    @staticmethod
    def resolve_status_before_block(customer: Customer) -> str | None:
        return customer.status_before_block or None

    @staticmethod
    def resolve_phone(customer: Customer) -> str:
        return customer.phone.as_e164 if customer.phone else ""

    @staticmethod
    def resolve_alt_phone(customer: Customer) -> str:
        return customer.alt_phone.as_e164 if customer.alt_phone else ""

    @staticmethod
    def resolve_country(customer: Customer) -> str:
        return customer.country.code or ""

    @staticmethod
    def resolve_balance(customer: Customer) -> str:
        return f"{customer.balance:.2f}"

    @staticmethod
    def resolve_officer(customer: Customer) -> str | None:
        return customer.officer.username if customer.officer_id and customer.officer else None

    @staticmethod
    def resolve_organization(customer: Customer) -> str | None:
        return customer.organization.code if customer.organization_id and customer.organization else None

    @staticmethod
    def resolve_labels(customer: Customer) -> list[str]:
        return [label.name for label in customer.labels.all()]


# Lists stay light whatever the customers' notes hold; the record itself has the whole text.
LIST_DESCRIPTION_LENGTH = 200


class CustomerListItemOut(CustomerOut):
    description: str = Field(
        description=f"The first {LIST_DESCRIPTION_LENGTH} characters of the description, followed by … when it is "
        "longer; `GET /api/v1/customers/{code}` returns it whole."
    )

    @staticmethod
    def resolve_description(customer: Customer) -> str:
        text = customer.description
        return text if len(text) <= LIST_DESCRIPTION_LENGTH else f"{text[:LIST_DESCRIPTION_LENGTH]}…"


def _max_length(name: str) -> int | None:
    """The model field's own limit, so the schema documents it and the two can never differ."""
    return getattr(Customer._meta.get_field(name), "max_length", None)


def _text(name: str, description: str | None = None, **extra: Any) -> Any:
    return Field(None, max_length=_max_length(name), description=description, **extra)


def _blank_or(string_format: str, pattern: str | None = None) -> Any:
    """``json_schema_extra`` of an optional text in ``string_format`` that may also be empty (no value)."""

    def rewrite(schema: dict[str, Any]) -> None:
        [string] = [branch for branch in schema["anyOf"] if branch.get("type") == "string"]
        formatted = {**string, "format": string_format, **({"pattern": pattern} if pattern else {})}
        schema["anyOf"] = [formatted, {"type": "string", "maxLength": 0}, {"type": "null"}]

    return rewrite


CUSTOMER_EXAMPLE: JsonDict = {
    "kind": "person",
    "first_name": "Binta",
    "last_name": "Singhateh",
    "email": "binta@example.com",
    "phone": "+1 940 986 3836",
    "city": "Denton",
    "country": "US",
    "balance": "1250.00",
    "currency": "USD",
    "status": "active",
    "labels": ["VIP"],
}


class CustomerIn(Schema):
    """The fields of a customer to change. Omitted fields keep their value.

    ``null`` clears a text field, a date, the officer or the organization.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CUSTOMER_EXAMPLE]})

    kind: Kind | None = None  # type: ignore[valid-type]
    first_name: Text | None = _text("first_name")
    middle_name: Text | None = _text("middle_name")
    last_name: Text | None = _text("last_name")
    suffix: Text | None = _text("suffix")
    company_name: Text | None = _text("company_name", "Required for an organization.")
    email: Text | None = _text("email", json_schema_extra=_blank_or("email"))
    phone: Text | None = _text("phone", "Any common format; national numbers use the default region.")
    alt_phone: Text | None = _text("alt_phone")
    gender: OptionalGender = Field(None, description="Empty or null when not given.")
    birthday: IsoDate | None = Field(None, description="Not in the future.")
    marital_status: OptionalMaritalStatus = Field(None, description="Empty or null when not given.")
    street: Text | None = _text("street")
    city: Text | None = _text("city")
    state: Text | None = _text("state")
    postal_code: Text | None = _text("postal_code")
    country: Text | None = _enum("CountryCode", "ISO 3166-1 alpha-2 code, e.g. US.", nullable=True)
    language: Text | None = _enum("LanguageCode", "A language code, e.g. en.", nullable=True)
    industry: Text | None = _text("industry")
    website: Text | None = _text(
        "website", json_schema_extra=_blank_or("uri", r"^(?:[Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp][Ss]?)://")
    )
    description: Text | None = _text("description")
    balance: Decimal | None = Field(None, description="At most 2 decimal places; a JSON string keeps it exact.")
    currency: Currency | None = None  # type: ignore[valid-type]
    status: Status | None = None  # type: ignore[valid-type]
    block_reason: Text | None = _text("block_reason", "Required when the status is blocked.")
    officer: Text | None = Field(None, description="Username of the relationship officer.")
    organization: Text | None = Field(None, description="Code of the organization a person belongs to.")
    external_id: Text | None = _text("external_id")
    client_id: Text | None = _text("client_id", "The broker's client ID; unique among customers when not empty.")
    account_opened_on: IsoDate | None = None
    activated_on: IsoDate | None = None
    labels: list[Text] | None = Field(
        None, description="Label names; names not yet known are created when your role may add labels."
    )


def _when(field: str, value: str) -> dict[str, Any]:
    return {"properties": {field: {"const": value}}, "required": [field]}


def _given(field: str, *, visible: bool = False) -> dict[str, Any]:
    text = {"type": "string", "pattern": r"\S"} if visible else {"type": "string", "minLength": 1}
    return {"properties": {field: text}, "required": [field]}


# The model's rules over several fields, as JSON Schema (the model checks them: 422 naming the field).
CREATE_RULES: JsonDict = {
    "allOf": [
        {
            "description": "A person (the default kind) needs a first or a last name.",
            "anyOf": [_when("kind", "organization"), _given("first_name"), _given("last_name")],
        },
        {
            "description": "An organization needs a company name, and belongs to no organization.",
            "anyOf": [
                {"not": _when("kind", "organization")},
                {
                    **_given("company_name"),
                    "properties": {
                        "company_name": {"type": "string", "minLength": 1},
                        "organization": {"type": "null"},
                    },
                },
            ],
        },
        {
            "description": "A blocked customer needs a block reason.",
            "anyOf": [{"not": _when("status", "blocked")}, _given("block_reason", visible=True)],
        },
    ]
}


class CustomerCreateIn(CustomerIn):
    """The fields of a new customer; omitted fields take their default."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CUSTOMER_EXAMPLE], **CREATE_RULES})


class CustomerBulkIn(Schema):
    """One change to many customers: a status for all (blocking needs one ``reason``), or labels to add
    or to remove. The customers are named by ``codes`` or selected by ``filter``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"action": "add_labels", "labels": ["VIP"], "codes": ["CUST0000001", "CUST0000002"]},
                {"action": "status", "status": "inactive", "filter": {"q": "acme", "status": ["active"]}},
            ]
        },
    )

    action: Literal["status", "add_labels", "remove_labels"]
    status: Status | None = Field(None, description="The new status (action status).")  # type: ignore[valid-type]
    reason: Text | None = _text("block_reason", "Why the customers are blocked; required for status blocked.")
    labels: list[Text] | None = Field(None, description="Names of existing labels (add_labels, remove_labels).")
    codes: list[Text] | None = Field(None, max_length=bulk.MAX_ROWS, description=keys_description(Customer))
    filter: dict[str, Text | list[Text]] | None = Field(None, description=filter_description(CustomerFilterSet))
