"""The customers and labels operations of the API (``/api/v1/customers``, ``/api/v1/labels``).

Handlers only translate: query parameters go through the shared list pipeline (the same one the
list page uses), writes go through ``services`` inside one transaction, and every error is turned
into the envelope by ``clientbook.api.errors``. A record carries its version as ``ETag``; PATCH and
DELETE honour ``If-Match`` (``clientbook.api.etags``).
"""

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_countries import countries
from ninja import Field, Query, Router, Schema, Status
from ninja.params.functions import Header
from ninja.params.functions import Query as QueryParameter
from pydantic import BeforeValidator, ConfigDict
from pydantic.config import JsonDict

from clientbook.api.audit import RecordAsOfOut, record_as_of
from clientbook.api.auth import caller, requires
from clientbook.api.errors import INPUT_ERRORS, PRECONDITION_ERRORS, READ_ERRORS, ErrorOut, django_validation_errors
from clientbook.api.etags import ETAG_DESCRIPTION, IF_MATCH_DESCRIPTION, etag_documented, expected_version, tag
from clientbook.api.fields import Text
from clientbook.api.operations import CODES_DESCRIPTION, BulkOut, bulk_errors, filter_description, selection_from
from clientbook.api.pagination import (
    COUNT_IS_ESTIMATE_DESCRIPTION,
    MAX_PAGE_SIZE,
    PAGE_DESCRIPTION,
    PAGE_SIZE_DESCRIPTION,
    page_from_result,
    paginate,
    query_dict,
)
from clientbook.core import bulk, trash, versions
from clientbook.core.listing import ListSpec, get_spec, page_size_from, run_list
from clientbook.core.permissions import can, is_admin, restrict
from clientbook.customers import bulk as customer_bulk
from clientbook.customers import selectors, services
from clientbook.customers.filters import CustomerFilterSetWithDeleted
from clientbook.customers.models import Customer, Label
from clientbook.customers.specs import CUSTOMERS

customers_router = Router(tags=["customers"])
labels_router = Router(tags=["labels"])

INCLUDE_DELETED_DESCRIPTION = (
    "Administrators only (403 for anyone else): include deleted customers, marked by `deleted_at`."
)
# The customer list over live and deleted rows, for administrators who ask for deleted ones.
CUSTOMERS_WITH_DELETED: ListSpec = dataclasses.replace(
    CUSTOMERS, queryset=selectors.customer_queryset_with_deleted, filterset=CustomerFilterSetWithDeleted
)


def _if_match() -> Any:
    return Header(None, alias="If-Match", description=IF_MATCH_DESCRIPTION)


def _allow_deleted(user: Any) -> None:
    if not is_admin(user):
        raise PermissionDenied("Only administrators may include deleted customers (include_deleted).")


def _customer_deleted_or_not(user: Any, code: str) -> Customer:
    """The customer with ``code``, deleted or not, that ``user`` may view (``Customer.DoesNotExist``: 404)."""
    queryset = restrict(user, "view", Customer.all_objects.select_related("officer", "organization"))
    return queryset.get(code=code.strip().upper())


# Choice fields use the model's str enums (Customer.Status …), so the schema lists every value;
# a blank choice is returned as "".
Blank = Literal[""]


def _empty_as_null(value: Any) -> Any:
    return None if value == "" else value


# An optional choice: "" (as the API returns a blank choice) or null clears it.
OptionalGender = Annotated[Customer.Gender | None, BeforeValidator(_empty_as_null)]
OptionalMaritalStatus = Annotated[Customer.MaritalStatus | None, BeforeValidator(_empty_as_null)]
COUNTRY_CODES = ["", *(code for code, _ in countries)]
LANGUAGE_CODES = ["", *(code for code, _ in settings.LANGUAGES)]
SORT_VALUES = [f"{sign}{name}" for name in CUSTOMERS.sort_fields for sign in ("", "-")]


def _enum(values: list[str], description: str, nullable: bool = False) -> Any:
    """A long choice list, documented as an enum and checked by the model or the list pipeline."""
    return Field(
        None if nullable else ...,
        description=description,
        json_schema_extra={"enum": [*values, *([None] if nullable else [])]},
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
    gender: Customer.Gender | Blank
    birthday: date | None
    marital_status: Customer.MaritalStatus | Blank
    street: str
    city: str
    state: str
    postal_code: str
    country: str = _enum(COUNTRY_CODES, "ISO 3166-1 alpha-2 code; empty when unknown.")
    language: str = _enum(LANGUAGE_CODES, "A language code; empty when unknown.")
    industry: str
    website: str
    description: str
    balance: str = Field(pattern=r"^-?\d+\.\d{2}$", description="A decimal with two places, as a string.")
    currency: Customer.Currency
    status: Customer.Status
    block_reason: str
    status_before_block: Customer.Status | Blank
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


class CustomerPage(Schema):
    items: list[CustomerOut]
    count: int = Field(description="How many customers match: exact, or an estimate when `count_is_estimate`.")
    page: int
    page_size: int
    count_is_estimate: bool = Field(description=COUNT_IS_ESTIMATE_DESCRIPTION)


def _max_length(name: str) -> int | None:
    """The model field's own limit, so the schema documents it and the two can never differ."""
    return getattr(Customer._meta.get_field(name), "max_length", None)


def _text(name: str, description: str | None = None, **extra: Any) -> Any:
    return Field(None, max_length=_max_length(name), description=description, **extra)


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
    """The fields of a customer to create or change. Omitted fields keep their value (or default).

    ``null`` clears a text field, a date, the officer or the organization.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CUSTOMER_EXAMPLE]})

    kind: Customer.Kind | None = None
    first_name: Text | None = _text("first_name")
    middle_name: Text | None = _text("middle_name")
    last_name: Text | None = _text("last_name")
    suffix: Text | None = _text("suffix")
    company_name: Text | None = _text("company_name", "Required for an organization.")
    email: Text | None = _text("email", json_schema_extra={"format": "email"})
    phone: Text | None = _text("phone", "Any common format; national numbers use the default region.")
    alt_phone: Text | None = _text("alt_phone")
    gender: OptionalGender = Field(None, description="Empty or null when not given.")
    birthday: date | None = Field(None, description="Not in the future.")
    marital_status: OptionalMaritalStatus = Field(None, description="Empty or null when not given.")
    street: Text | None = _text("street")
    city: Text | None = _text("city")
    state: Text | None = _text("state")
    postal_code: Text | None = _text("postal_code")
    country: Text | None = _enum(COUNTRY_CODES, "ISO 3166-1 alpha-2 code, e.g. US.", nullable=True)
    language: Text | None = _enum(LANGUAGE_CODES, "A language code, e.g. en.", nullable=True)
    industry: Text | None = _text("industry")
    website: Text | None = _text("website", json_schema_extra={"format": "uri"})
    description: Text | None = None
    balance: Decimal | None = Field(None, description="At most 2 decimal places; a JSON string keeps it exact.")
    currency: Customer.Currency | None = None
    status: Customer.Status | None = None
    block_reason: Text | None = _text("block_reason", "Required when the status is blocked.")
    officer: Text | None = Field(None, description="Username of the relationship officer.")
    organization: Text | None = Field(None, description="Code of the organization a person belongs to.")
    external_id: Text | None = _text("external_id")
    account_opened_on: date | None = None
    activated_on: date | None = None
    labels: list[Text] | None = Field(
        None, description="Label names; names not yet known are created when your role may add labels."
    )


class CustomerListQuery(Schema):
    q: str | None = Field(None, description="Search box: every word must match (names, code, email, phones …).")
    code_min: str | None = Field(None, description="Lowest code, e.g. CUST0000010 or 10.")
    code_max: str | None = Field(None, description="Highest code.")
    name: str | None = Field(None, description="Words of the name or company name.")
    phone: str | None = Field(None, description="A phone number in any formatting.")
    address: str | None = Field(None, description="Address keywords.")
    country: str | None = _enum(COUNTRY_CODES[1:], "ISO 3166-1 alpha-2 code.", nullable=True)
    balance_min: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    balance_max: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    status: list[Customer.Status] | None = Field(None, description="Repeat for several statuses.")
    label: list[str] | None = Field(None, description="A label name; repeat for several (any of them).")
    officer: str | None = Field(None, description="The relationship officer's username.")
    organization: str | None = Field(None, description="The code of the organization.")
    kind: Customer.Kind | None = None
    created_after: date | None = None
    created_before: date | None = None
    updated_after: date | None = None
    updated_before: date | None = None
    sort: str | None = _enum(SORT_VALUES, "A column; prefix with - for descending. Default: name.", nullable=True)
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


class LabelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Text
    colour: Label.Colour = Label.Colour.BLUE


class LabelPatchIn(Schema):
    """The fields of a label to change; omitted fields keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = None
    colour: Label.Colour | None = None


# --- Input resolution -----------------------------------------------------------------------

_TEXT_FIELDS = {
    field.name
    for field in Customer._meta.concrete_fields
    if field.name in services.EDITABLE_FIELDS and getattr(field, "empty_strings_allowed", False) and not field.null
}


def _service_fields(user: Any, payload: CustomerIn) -> tuple[dict[str, Any], list[Label] | None]:
    """Turn the sent fields into service arguments: usernames, codes and label names become rows.

    Raises one ``ValidationError`` naming every field whose reference cannot be resolved.
    """
    sent = payload.model_dump(exclude_unset=True)
    label_names = sent.pop("labels", None)
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    for name, value in sent.items():
        if value is None and name in _TEXT_FIELDS:
            fields[name] = ""
        else:
            fields[name] = value
    if fields.get("officer") is not None:
        officer = get_user_model().objects.filter(username=fields["officer"], is_active=True).first()
        if officer is None:
            errors["officer"] = f"No active user is named “{fields['officer']}”."
        fields["officer"] = officer
    if fields.get("organization") is not None:
        organization = selectors.customer_queryset(user).filter(code=fields["organization"].strip().upper()).first()
        if organization is None:
            errors["organization"] = f"No customer has the code “{fields['organization']}”."
        fields["organization"] = organization
    labels = None
    if label_names is not None:
        try:
            labels = services.labels_by_name(label_names, create_missing=can(user, "add", Label), user=user)
        except ValidationError as error:
            errors["labels"] = " ".join(message for _, message in django_validation_errors(error))
    if errors:
        raise ValidationError(errors)
    return fields, labels


# --- Customers ------------------------------------------------------------------------------


@customers_router.get(
    "",
    response={200: CustomerPage, **READ_ERRORS, 422: ErrorOut},
    auth=requires("view", Customer),
    operation_id="list_customers",
    url_name="customer_list",
    summary="List, search and filter customers",
)
def list_customers(request: HttpRequest, filters: Query[CustomerListQuery]) -> Any:
    """The same search, filters, sort and paging as the customer list page.

    Deleted customers are left out, from the items and the count, unless an administrator asks
    for them with ``include_deleted=true``."""
    spec = get_spec("customers")
    if filters.include_deleted:
        _allow_deleted(caller(request))
        spec = CUSTOMERS_WITH_DELETED
    values = filters.model_dump(exclude={"page", "page_size", "include_deleted"})
    size = page_size_from(filters.page_size, maximum=MAX_PAGE_SIZE)
    result = run_list(spec, caller(request), query_dict(values), page_size=size, page_number=filters.page)
    return page_from_result(result, filters.page)


@customers_router.post(
    "",
    response={201: CustomerOut, **INPUT_ERRORS},
    auth=requires("add", Customer),
    operation_id="create_customer",
    openapi_extra=etag_documented(201),
    summary="Create a customer",
)
def create_customer(request: HttpRequest, payload: CustomerIn, response: HttpResponse) -> Any:
    """Creates the customer with the next code and returns the whole record (with its ``ETag``)."""
    with transaction.atomic():
        fields, labels = _service_fields(caller(request), payload)
        customer = services.create_customer(user=caller(request), labels=labels or (), **fields)
    tag(response, customer)
    return Status(201, customer)


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


# Declared before "/{code}": a fixed path's URL must come first, or "bulk" would be read as a code.
@customers_router.post(
    "/bulk",
    response={200: BulkOut, **INPUT_ERRORS},
    auth=requires("change", Customer),
    operation_id="bulk_change_customers",
    summary="Change many customers at once (one operation that can be undone)",
)
def bulk_change_customers(request: HttpRequest, payload: CustomerBulkIn) -> Any:
    """Every selected customer changes through the same rules as a single edit, as one operation: its
    audit events carry the returned operation id, and ``POST /api/v1/operations/{id}/undo`` reverts it.
    Customers that already are as asked are left alone and not counted. A customer the rules refuse
    stops the change (422 naming it) and nothing is changed."""
    user = caller(request)
    selection = selection_from(CUSTOMERS, payload.codes, payload.filter)
    with bulk_errors(selection):
        labels = services.labels_by_name(payload.labels or [], create_missing=False) if payload.labels else []
        operation = customer_bulk.run_action(
            user=user,
            selection=selection,
            action=payload.action,
            status=payload.status,
            reason=payload.reason or "",
            labels=labels,
        )
    return BulkOut(operation=operation.id, count=operation.row_count, selected=operation.selected_count)


@customers_router.get(
    "/{code}",
    response={200: CustomerOut | RecordAsOfOut, **READ_ERRORS, 422: ErrorOut},
    auth=requires("view", Customer),
    operation_id="get_customer",
    openapi_extra=etag_documented(200),
    url_name="customer_detail",
    summary="Get a customer by code (now, or as of a past moment)",
)
def get_customer(
    request: HttpRequest,
    code: str,
    response: HttpResponse,
    as_of: datetime | None = None,
    include_deleted: bool = QueryParameter(False, description=INCLUDE_DELETED_DESCRIPTION),
) -> Any:
    """The customer with its version as ``ETag``. With ``as_of`` (an ISO 8601 moment) the customer as
    its history recorded it then: the fields under ``record``, 404 if it did not exist then. A
    deleted customer is 404 unless an administrator asks with ``include_deleted=true``."""
    if include_deleted:
        _allow_deleted(caller(request))
    if as_of is not None:
        return record_as_of(caller(request), Customer, code, as_of)
    if include_deleted:
        customer = _customer_deleted_or_not(caller(request), code)
    else:
        customer = selectors.get_customer(caller(request), code)
    tag(response, customer)
    return customer


@customers_router.patch(
    "/{code}",
    response={200: CustomerOut, **READ_ERRORS, **INPUT_ERRORS, **PRECONDITION_ERRORS},
    auth=requires("change", Customer),
    operation_id="update_customer",
    openapi_extra=etag_documented(200),
    summary="Change some fields of a customer",
)
def update_customer(
    request: HttpRequest, code: str, payload: CustomerIn, response: HttpResponse, if_match: str | None = _if_match()
) -> Any:
    """Changes only the fields sent; ``labels`` replaces the customer's labels when sent. Returns the
    record with its new ``ETag``.

    Send ``If-Match`` with the ETag you read to change only that version: if the customer changed
    since, the answer is 412 with ``current_version`` and the fields changed meanwhile, and nothing
    is written. Without ``If-Match`` the change is applied whatever the version (last write wins)."""
    with transaction.atomic():
        customer = selectors.get_customer(caller(request), code)
        fields, labels = _service_fields(caller(request), payload)
        updated = services.update_customer(
            user=caller(request),
            customer=customer,
            labels=labels,
            expected_version=expected_version(if_match, customer.version),
            **fields,
        )
    tag(response, updated)
    return updated


@customers_router.delete(
    "/{code}",
    response={204: None, **READ_ERRORS, 409: ErrorOut, **PRECONDITION_ERRORS, 422: ErrorOut},
    auth=requires("delete", Customer),
    operation_id="delete_customer",
    summary="Delete a customer (soft: the code is kept, never reused), or purge it",
)
def delete_customer(
    request: HttpRequest,
    code: str,
    purge: bool = QueryParameter(
        False,
        description="Administrators only (403 for anyone else): delete the customer for good, deleted or not. "
        "Its history stays in the audit log and its code is never reused.",
    ),
    if_match: str | None = _if_match(),
) -> Any:
    """Moves the customer to the trash: it leaves lists, search and the API, keeps its links, and
    ``POST /customers/{code}/restore`` brings it back. ``If-Match`` as for PATCH (412 when stale;
    without it the delete applies to any version)."""
    user = caller(request)
    if purge:
        trash.require_purge(user, Customer)
        with transaction.atomic():
            customer = _customer_deleted_or_not(user, code)
            versions.check(customer, expected_version(if_match, customer.version))
            services.purge_customer(user=user, customer=customer)
        return Status(204, None)
    customer = selectors.get_customer(user, code)
    services.delete_customer(
        user=user, customer=customer, expected_version=expected_version(if_match, customer.version)
    )
    return Status(204, None)


@customers_router.post(
    "/{code}/restore",
    response={200: CustomerOut, **READ_ERRORS, 422: ErrorOut},
    auth=requires("delete", Customer),
    operation_id="restore_customer",
    openapi_extra=etag_documented(200),
    summary="Restore a deleted customer",
)
def restore_customer(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """Brings a deleted customer back exactly as it was (labels, officer, organization and its
    people were kept); audited as a restore. Returns the record with its ``ETag``; 422 when the
    customer is not deleted."""
    customer = _customer_deleted_or_not(caller(request), code)
    services.restore_customer(user=caller(request), customer=customer)
    restored = selectors.get_customer(caller(request), code)
    tag(response, restored)
    return restored


# --- Labels ---------------------------------------------------------------------------------


@labels_router.get(
    "",
    response={200: LabelPage, **READ_ERRORS, 422: ErrorOut},
    auth=requires("view", Label),
    operation_id="list_labels",
    url_name="label_list",
    summary="List labels",
)
def list_labels(request: HttpRequest, filters: Query[LabelListQuery]) -> Any:
    labels = selectors.search_labels(selectors.label_queryset(caller(request)), filters.q or "").order_by("name", "pk")
    size = page_size_from(filters.page_size, maximum=MAX_PAGE_SIZE)
    return paginate(labels, page=filters.page, page_size=size)


@labels_router.post(
    "",
    response={201: LabelOut, **INPUT_ERRORS},
    auth=requires("add", Label),
    operation_id="create_label",
    openapi_extra=etag_documented(201),
    summary="Create a label",
)
def create_label(request: HttpRequest, payload: LabelIn, response: HttpResponse) -> Any:
    """A label's name is unique (ignoring case); a taken name is refused with an error on ``name``."""
    label = services.create_label(user=caller(request), name=payload.name, colour=payload.colour)
    tag(response, label)
    return Status(201, label)


def _label(user: Any, label_id: int, *, deleted_too: bool = False) -> Label:
    manager = Label.all_objects if deleted_too else Label.objects
    return restrict(user, "view", manager.all()).get(pk=label_id)


@labels_router.get(
    "/{label_id}",
    response={200: LabelOut, **READ_ERRORS},
    auth=requires("view", Label),
    operation_id="get_label",
    openapi_extra=etag_documented(200),
    summary="Get a label",
)
def get_label(request: HttpRequest, label_id: int, response: HttpResponse) -> Any:
    """The label with its version as ``ETag``."""
    label = _label(caller(request), label_id)
    tag(response, label)
    return label


@labels_router.patch(
    "/{label_id}",
    response={200: LabelOut, **READ_ERRORS, **INPUT_ERRORS, **PRECONDITION_ERRORS},
    auth=requires("change", Label),
    operation_id="update_label",
    openapi_extra=etag_documented(200),
    summary="Rename a label or change its colour",
)
def update_label(
    request: HttpRequest,
    label_id: int,
    payload: LabelPatchIn,
    response: HttpResponse,
    if_match: str | None = _if_match(),
) -> Any:
    """Changes the fields sent; every customer carrying the label follows. ``If-Match`` as for
    customers: 412 when stale, last write wins without it."""
    label = _label(caller(request), label_id)
    updated = services.update_label(
        user=caller(request),
        label=label,
        expected_version=expected_version(if_match, label.version),
        **payload.model_dump(exclude_unset=True, exclude_none=True),
    )
    tag(response, updated)
    return updated


@labels_router.delete(
    "/{label_id}",
    response={204: None, **READ_ERRORS, 409: ErrorOut, **PRECONDITION_ERRORS, 422: ErrorOut},
    auth=requires("delete", Label),
    operation_id="delete_label",
    summary="Delete a label (customers stop carrying it until it is restored), or purge it",
)
def delete_label(
    request: HttpRequest,
    label_id: int,
    purge: bool = QueryParameter(
        False, description="Administrators only (403 for anyone else): delete the label for good."
    ),
    if_match: str | None = _if_match(),
) -> Any:
    user = caller(request)
    if purge:
        trash.require_purge(user, Label)
        with transaction.atomic():
            label = _label(user, label_id, deleted_too=True)
            versions.check(label, expected_version(if_match, label.version))
            services.purge_label(user=user, label=label)
        return Status(204, None)
    label = _label(user, label_id)
    services.delete_label(user=user, label=label, expected_version=expected_version(if_match, label.version))
    return Status(204, None)


@labels_router.post(
    "/{label_id}/restore",
    response={200: LabelOut, **READ_ERRORS, 422: ErrorOut},
    auth=requires("delete", Label),
    operation_id="restore_label",
    openapi_extra=etag_documented(200),
    summary="Restore a deleted label",
)
def restore_label(request: HttpRequest, label_id: int, response: HttpResponse) -> Any:
    """Brings the label back on every customer that carried it; 422 when it is not deleted or when
    another live label now has its name."""
    label = services.restore_label(user=caller(request), label=_label(caller(request), label_id, deleted_too=True))
    tag(response, label)
    return label
