"""How customers appear in the API (``/api/v1/customers``), beyond what the model kit derives.

Every operation comes from the kit's router (``clientbook.api.kit.router_for``, mounted from the
spec's ``api=CUSTOMER_API``): list, create, retrieve, patch, delete and purge, restore, history,
as-of and bulk changes. Here are only the customers' own parts: the hand-written schemas
(``api_schemas``: the record names its officer by username and its labels by name), the list
parameters' and operations' documentation, the deleted rows administrators may ask for, and how
a body's values become a write's (``customer_values``, ``bulk_values``).
"""

import enum
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from clientbook.api.errors import django_validation_errors
from clientbook.core.kit.api_options import ApiOptions, DeletedRows
from clientbook.core.permissions import can
from clientbook.customers import selectors, services
from clientbook.customers.api_schemas import (
    COUNTRY_PARAMETER,
    INACTIVE_DAYS_PARAMETER,
    CustomerBulkIn,
    CustomerCreateIn,
    CustomerIn,
    CustomerListItemOut,
    CustomerOut,
)
from clientbook.customers.filters import CustomerFilterSetWithDeleted
from clientbook.customers.models import Customer, Label

# --- Input resolution -----------------------------------------------------------------------

_TEXT_FIELDS = {
    field.name
    for field in Customer._meta.concrete_fields
    if field.name in services.EDITABLE_FIELDS and getattr(field, "empty_strings_allowed", False) and not field.null
}


def customer_values(user: Any, sent: dict[str, Any]) -> dict[str, Any]:
    """A body's sent fields as the values of a customer write: the officer's username, the organization's
    code and label names become rows (names not yet known are created when the role may add labels).

    ``labels: null`` leaves the labels as they are, as if not sent (``[]`` removes them all).
    Raises one ``ValidationError`` naming every field whose reference cannot be resolved.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, value in sent.items():
        if value is None and name == "labels":
            continue
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
    if "labels" in values:
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


# --- The customers' API ---------------------------------------------------------------------

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
    parameters={"country": COUNTRY_PARAMETER, "inactive_days": INACTIVE_DAYS_PARAMETER},
    include_deleted=DeletedRows(
        queryset=selectors.customer_queryset_with_deleted, filterset=CustomerFilterSetWithDeleted
    ),
    input_values=customer_values,
    bulk_values=bulk_values,
    as_of_on_retrieve=True,
    summaries={"delete": "Delete a customer (soft: the code is kept, never reused), or purge it"},
    operation_descriptions={
        "create": "Creates the customer with the next code and returns the whole record (with its ``ETag``).",
        "retrieve": "The customer with its version as ``ETag``. A deleted customer is 404 unless an administrator "
        "asks with ``include_deleted=true``. A past state of the customer is ``GET …/{code}/as-of``.",
        "update": "Changes only the fields sent; ``labels`` replaces the customer's labels when sent. Returns the "
        "record with its new ``ETag``.\n\n"
        "Send ``If-Match`` with the ETag you read to change only that version: if the customer changed since, the "
        "answer is 412 with ``current_version`` and the fields changed meanwhile, and nothing is written. Without "
        "``If-Match`` the change is applied whatever the version (last write wins).",
        "delete": "Moves the customer to the trash: it leaves lists, search and the API, keeps its links, and "
        "``POST /customers/{code}/restore`` brings it back. ``If-Match`` as for PATCH (412 when stale; without it "
        "the delete applies to any version).",
        "restore": "Brings a deleted customer back exactly as it was (labels, officer, organization and its people "
        "were kept); audited as a restore. Returns the record with its ``ETag``; 422 when the customer is not "
        "deleted.",
        "as_of": "The customer as its history recorded it at ``at``: the fields under ``record``; 404 if it did not "
        "exist then. Administrators may ask about a customer deleted since.",
    },
)
