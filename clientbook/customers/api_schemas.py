"""The request and response schemas of the customers and labels API (``clientbook.customers.api``).

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
from clientbook.api.openapi import shared_enum
from clientbook.api.operations import CODES_DESCRIPTION, filter_description
from clientbook.api.pagination import (
    COUNT_IS_ESTIMATE_DESCRIPTION,
    MAX_PAGE_SIZE,
    PAGE_DESCRIPTION,
    PAGE_SIZE_DESCRIPTION,
)
from clientbook.core.records import bulk
from clientbook.customers.models import Customer, Label
from clientbook.customers.specs import CUSTOMERS

INCLUDE_DELETED_DESCRIPTION = (
    "Administrators only (403 for anyone else): include deleted customers, marked by `deleted_at`."
)

# Choice fields use the model's str enums (Customer.Status …), so the schema lists every value;
# a blank choice is returned as null.


def _empty_as_null(value: Any) -> Any:
    return None if value == "" else value


# An optional choice: "" or null clears it.
OptionalGender = Annotated[Customer.Gender | None, BeforeValidator(_empty_as_null)]
OptionalMaritalStatus = Annotated[Customer.MaritalStatus | None, BeforeValidator(_empty_as_null)]
COUNTRY_CODES = ["", *(code for code, _ in countries)]
LANGUAGE_CODES = ["", *(code for code, _ in settings.LANGUAGES)]
SORT_VALUES = [f"{sign}{name}" for name in CUSTOMERS.sort_fields for sign in ("", "-")]
# Names for the values of the generated clients' enums ("" is UNKNOWN, "-name" NAME_DESC).
SHARED_ENUMS = {
    "CountryCode": (COUNTRY_CODES, [code or "UNKNOWN" for code in COUNTRY_CODES]),
    "LanguageCode": (LANGUAGE_CODES, [code.replace("-", "_").upper() or "UNKNOWN" for code in LANGUAGE_CODES]),
    "CustomerSort": (SORT_VALUES, [f"{value.lstrip('-')}_desc" if value[0] == "-" else value for value in SORT_VALUES]),
}


def _enum(name: str, description: str, nullable: bool = False) -> Any:
    """A long choice list, one component in the schema, checked by the model or the list pipeline."""
    values, var_names = SHARED_ENUMS[name]
    return Field(
        None if nullable else ...,
        description=description,
        json_schema_extra=shared_enum(name, values, var_names, nullable=nullable),
    )


# --- Representations ------------------------------------------------------------------------


class CustomerOut(Schema):
    code: str
    kind: Customer.Kind
    display_name: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    company_name: str
    email: str
    phone: str = Field(description="E.164, e.g. +19409863836; empty when unknown.")
    alt_phone: str = Field(description="E.164; empty when unknown.")
    gender: Customer.Gender | None = Field(description="Null when not given.")
    birthday: date | None
    marital_status: Customer.MaritalStatus | None = Field(description="Null when not given.")
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
    currency: Customer.Currency
    status: Customer.Status
    block_reason: str
    status_before_block: Customer.Status | None = Field(description="The status a blocked customer had; else null.")
    officer: str | None = Field(description="The relationship officer's username.")
    organization: str | None = Field(description="The code of the organization a person belongs to.")
    external_id: str
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


class CustomerPage(Schema):
    items: list[CustomerListItemOut]
    count: int = Field(description="How many customers match: exact, or an estimate when `count_is_estimate`.")
    page: int
    page_size: int
    count_is_estimate: bool = Field(description=COUNT_IS_ESTIMATE_DESCRIPTION)


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

    kind: Customer.Kind | None = None
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
    currency: Customer.Currency | None = None
    status: Customer.Status | None = None
    block_reason: Text | None = _text("block_reason", "Required when the status is blocked.")
    officer: Text | None = Field(None, description="Username of the relationship officer.")
    organization: Text | None = Field(None, description="Code of the organization a person belongs to.")
    external_id: Text | None = _text("external_id")
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


class CustomerListQuery(Schema):
    q: str | None = Field(None, description="Search box: every word must match (names, code, email, phones …).")
    code_min: str | None = Field(None, description="Lowest code, e.g. CUST0000010 or 10.")
    code_max: str | None = Field(None, description="Highest code.")
    name: str | None = Field(None, description="Words of the name or company name.")
    phone: str | None = Field(None, description="A phone number in any formatting.")
    address: str | None = Field(None, description="Address keywords.")
    country: str | None = _enum("CountryCode", "ISO 3166-1 alpha-2 code.", nullable=True)
    balance_min: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    balance_max: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    status: list[Customer.Status] | None = Field(None, description="Repeat for several statuses.")
    label: list[Annotated[str, Field(min_length=1)]] | None = Field(
        None, description="A label name; repeat for several (any of them)."
    )
    officer: str | None = Field(None, description="The relationship officer's username.")
    organization: str | None = Field(None, description="The code of the organization.")
    kind: Customer.Kind | None = None
    created_after: IsoDate | None = None
    created_before: IsoDate | None = None
    updated_after: IsoDate | None = None
    updated_before: IsoDate | None = None
    sort: str | None = _enum("CustomerSort", "A column; prefix with - for descending. Default: name.", nullable=True)
    page: int = Field(1, ge=1, description=PAGE_DESCRIPTION)
    page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description=PAGE_SIZE_DESCRIPTION)
    include_deleted: bool = Field(False, description=INCLUDE_DELETED_DESCRIPTION)


class LabelOut(Schema):
    id: int
    name: str
    colour: Label.Colour
    created_at: datetime
    updated_at: datetime
    version: int = Field(description=ETAG_DESCRIPTION)


class LabelPage(Schema):
    items: list[LabelOut]
    count: int
    page: int
    page_size: int


class LabelListQuery(Schema):
    q: str | None = Field(None, description="Part of the label name.")
    page: int = Field(1, ge=1, description=PAGE_DESCRIPTION)
    page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description=PAGE_SIZE_DESCRIPTION)


# The model's limit; a name needs a visible character (the service trims it).
LABEL_NAME = {"max_length": Label._meta.get_field("name").max_length, "pattern": r"\S"}


class LabelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(**LABEL_NAME)
    colour: Label.Colour = Label.Colour.BLUE


class LabelPatchIn(Schema):
    """The fields of a label to change; omitted fields keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = Field(None, **LABEL_NAME)
    colour: Label.Colour | None = None


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
    status: Customer.Status | None = Field(None, description="The new status (action status).")
    reason: Text | None = _text("block_reason", "Why the customers are blocked; required for status blocked.")
    labels: list[Text] | None = Field(None, description="Names of existing labels (add_labels, remove_labels).")
    codes: list[Text] | None = Field(None, max_length=bulk.MAX_ROWS, description=CODES_DESCRIPTION)
    filter: dict[str, Text | list[Text]] | None = Field(None, description=filter_description(CUSTOMERS))
