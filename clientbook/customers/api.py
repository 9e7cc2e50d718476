"""The customers and labels operations of the API (``/api/v1/customers``, ``/api/v1/labels``).

The customer list (its parameters from ``CustomerFilterSet``) and ``POST /customers/bulk`` (the
spec's bulk actions) come from the model kit (``clientbook.api.kit``), with what is particular to
customers in ``CUSTOMER_API``; the writes are handlers here until customer writes go through the
kit's write skeleton. Handlers only translate: writes go through ``services`` inside one
transaction, and every error is turned into the envelope by ``clientbook.api.errors``. A record
carries its version as ``ETag``; PATCH and DELETE honour ``If-Match`` (``clientbook.api.etags``).
"""

import enum
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from ninja import Router, Status
from ninja.params.functions import Header
from ninja.params.functions import Query as QueryParameter

from clientbook.api.audit import RecordAsOfOut, record_as_of
from clientbook.api.auth import caller, requires
from clientbook.api.errors import INPUT_ERRORS, PRECONDITION_ERRORS, READ_ERRORS, ErrorOut, django_validation_errors
from clientbook.api.etags import (
    IF_MATCH_DESCRIPTION,
    IF_MATCH_PATTERN,
    etag_documented,
    expected_version,
    tag,
)
from clientbook.api.fields import IsoDateTime
from clientbook.api.kit import add_bulk, add_list, allow_deleted
from clientbook.api.kit_schemas import include_deleted_description
from clientbook.api.openapi import LOCATION
from clientbook.core.kit.api_options import ApiOptions, DeletedRows
from clientbook.core.permissions import can, restrict
from clientbook.core.records import trash, versions
from clientbook.customers import selectors, services
from clientbook.customers.api_schemas import (
    COUNTRY_PARAMETER,
    CustomerBulkIn,
    CustomerCreateIn,
    CustomerIn,
    CustomerListItemOut,
    CustomerOut,
)
from clientbook.customers.filters import CustomerFilterSetWithDeleted
from clientbook.customers.models import Customer, Label
from clientbook.customers.specs import CUSTOMER_LIST


def _if_match() -> Any:
    # Typed str, not str | None: the header is optional (None when absent), never null when sent.
    return Header(None, alias="If-Match", description=IF_MATCH_DESCRIPTION, pattern=IF_MATCH_PATTERN)


def _customer_deleted_or_not(user: Any, code: str) -> Customer:
    """The customer with ``code``, deleted or not, that ``user`` may view (``Customer.DoesNotExist``: 404)."""
    queryset = restrict(user, "view", Customer.all_objects.select_related("officer", "organization"))
    return queryset.get(code=code.strip().upper())


# --- Input resolution -----------------------------------------------------------------------

_TEXT_FIELDS = {
    field.name
    for field in Customer._meta.concrete_fields
    if field.name in services.EDITABLE_FIELDS and getattr(field, "empty_strings_allowed", False) and not field.null
}


def customer_values(user: Any, sent: dict[str, Any]) -> dict[str, Any]:
    """A body's sent fields as the values of a customer write: the officer's username, the organization's
    code and label names become rows (names not yet known are created when the role may add labels).

    Raises one ``ValidationError`` naming every field whose reference cannot be resolved.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, value in sent.items():
        if value is None and name in _TEXT_FIELDS:
            values[name] = ""
        else:
            values[name] = value.value if isinstance(value, enum.Enum) else value
    if values.get("officer") is not None:
        officer = get_user_model().objects.filter(username=values["officer"], is_active=True).first()
        if officer is None:
            errors["officer"] = f"No active user is named “{values['officer']}”."
        values["officer"] = officer
    if values.get("organization") is not None:
        organization = selectors.customer_queryset(user).filter(code=values["organization"].strip().upper()).first()
        if organization is None:
            errors["organization"] = f"No customer has the code “{values['organization']}”."
        values["organization"] = organization
    if values.get("labels") is not None:
        try:
            values["labels"] = services.labels_by_name(
                values["labels"], create_missing=can(user, "add", Label), user=user
            )
        except ValidationError as error:
            errors["labels"] = " ".join(message for _, message in django_validation_errors(error))
    if errors:
        raise ValidationError(errors)
    return values


def bulk_values(user: Any, sent: dict[str, Any]) -> dict[str, Any]:
    """A bulk body's values as the actions take them: label names become existing labels (none is created)."""
    values = {name: value.value if isinstance(value, enum.Enum) else value for name, value in sent.items()}
    if values.get("labels"):
        values["labels"] = services.labels_by_name(values["labels"], create_missing=False)
    return values


def _service_fields(user: Any, payload: CustomerIn) -> tuple[dict[str, Any], list[Label] | None]:
    values = customer_values(user, payload.model_dump(exclude_unset=True))
    return values, values.pop("labels", None)


# How customers appear in the API beyond what the kit derives: the hand-written schemas (the record
# names its officer by username and its labels by name) and the list parameters' documentation.
CUSTOMER_API = ApiOptions(
    tag="customers",
    out_schema=CustomerOut,
    list_item_schema=CustomerListItemOut,
    create_schema=CustomerCreateIn,
    update_schema=CustomerIn,
    bulk_schema=CustomerBulkIn,
    parameter_descriptions={
        "q": "Search box: every word must match (names, code, email, phones …).",
        "code_min": "Lowest code, e.g. CUST0000010 or 10.",
        "code_max": "Highest code.",
        "name": "Words of the name or company name.",
        "phone": "A phone number in any formatting.",
        "address": "Address keywords.",
        "status": "Repeat for several statuses.",
        "label": "A label name; repeat for several (any of them).",
        "officer": "The relationship officer's username.",
        "organization": "The code of the organization.",
    },
    parameters={"country": COUNTRY_PARAMETER},
    include_deleted=DeletedRows(
        queryset=selectors.customer_queryset_with_deleted, filterset=CustomerFilterSetWithDeleted
    ),
    input_values=customer_values,
    bulk_values=bulk_values,
    as_of_on_retrieve=True,
)

customers_router = Router(tags=["customers"])
add_list(customers_router, CUSTOMER_LIST, CUSTOMER_API, CustomerListItemOut)
add_bulk(customers_router, CUSTOMER_LIST, CUSTOMER_API)


# --- Customers ------------------------------------------------------------------------------


@customers_router.post(
    "",
    response={201: CustomerOut, **INPUT_ERRORS},
    auth=requires("add", Customer),
    operation_id="create_customer",
    openapi_extra=etag_documented(201),
    summary="Create a customer",
)
def create_customer(request: HttpRequest, payload: CustomerCreateIn, response: HttpResponse) -> Any:
    """Creates the customer with the next code and returns the whole record (with its ``ETag``)."""
    with transaction.atomic():
        fields, labels = _service_fields(caller(request), payload)
        customer = services.create_customer(user=caller(request), labels=labels or (), **fields)
    tag(response, customer)
    return Status(201, customer)


AS_OF_PARAMETER = QueryParameter(
    None,
    description="Deprecated: use `GET /api/v1/customers/{code}/as-of?at=…`, where this answers 307 with the moment "
    "as `at`.",
    deprecated=True,
)
AT_PARAMETER = QueryParameter(..., description="An ISO 8601 moment, e.g. 2024-03-01T09:30:00Z.")


@customers_router.get(
    "/{code}",
    response={200: CustomerOut, 307: None, **READ_ERRORS, 422: ErrorOut},
    auth=requires("view", Customer),
    operation_id="get_customer",
    openapi_extra={
        "responses": {
            200: etag_documented(200)["responses"][200],
            307: {"description": "Moved to the as-of operation.", "headers": LOCATION},
        }
    },
    url_name="customer_detail",
    summary="Get a customer by code",
)
def get_customer(
    request: HttpRequest,
    code: str,
    response: HttpResponse,
    include_deleted: bool = QueryParameter(False, description=include_deleted_description(Customer)),
    as_of: IsoDateTime | None = AS_OF_PARAMETER,
) -> Any:
    """The customer with its version as ``ETag``. A deleted customer is 404 unless an administrator
    asks with ``include_deleted=true``. A past state of the customer is ``GET …/{code}/as-of``."""
    if include_deleted:
        allow_deleted(caller(request), Customer)
    if as_of is not None:
        url = reverse("api:customer_as_of", kwargs={"code": code})
        return HttpResponseRedirect(f"{url}?{urlencode({'at': request.GET['as_of']})}", status=307)
    if include_deleted:
        customer = _customer_deleted_or_not(caller(request), code)
    else:
        customer = selectors.get_customer(caller(request), code)
    tag(response, customer)
    return customer


@customers_router.get(
    "/{code}/as-of",
    response={200: RecordAsOfOut, **READ_ERRORS, 422: ErrorOut},
    auth=requires("view", Customer),
    operation_id="get_customer_as_of",
    url_name="customer_as_of",
    summary="Get a customer as it was at a past moment",
)
def get_customer_as_of(
    request: HttpRequest,
    code: str,
    at: IsoDateTime = AT_PARAMETER,
) -> Any:
    """The customer as its history recorded it at ``at``: the fields under ``record``; 404 if it did
    not exist then. Administrators may ask about a customer deleted since."""
    return record_as_of(caller(request), Customer, code, at)


@customers_router.patch(
    "/{code}",
    response={200: CustomerOut, **READ_ERRORS, **INPUT_ERRORS, **PRECONDITION_ERRORS},
    auth=requires("change", Customer),
    operation_id="update_customer",
    openapi_extra=etag_documented(200),
    summary="Change some fields of a customer",
)
def update_customer(
    request: HttpRequest, code: str, payload: CustomerIn, response: HttpResponse, if_match: str = _if_match()
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
    if_match: str = _if_match(),
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
