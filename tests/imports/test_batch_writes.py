"""The import's fast batch paths give what the slow, plain Django paths give.

``bulk_insert.insert`` stores the same row as ``bulk_create``; ``services.build_customer``'s field
checks refuse what ``full_clean`` refuses, with the same messages.
"""

import warnings
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from clientbook.core.models import AuditEvent
from clientbook.core.records import audit, bulk_insert
from clientbook.core.sensitive import EncryptedField, decrypt
from clientbook.customers import services
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db

FIELDS: dict[str, Any] = {
    "first_name": "Zoë",
    "last_name": "Ødegaard",
    "email": "zoe@example.com",
    "phone": "+4791234567",
    "country": "NO",
    "balance": Decimal("-12.50"),
    "currency": "EUR",
    "account_opened_on": date(2024, 2, 29),
    "status": "blocked",
    "block_reason": "Fraud",
    "website": "https://example.com",
}
# The code differs (it is unique), and so does the search document that holds it.
COMPARED = [
    field.attname for field in Customer._meta.concrete_fields if field.name not in ("id", "code", "search_document")
]


def test_insert_stores_what_bulk_create_stores(users: dict[str, Any]) -> None:
    fast, slow = Customer(**FIELDS, code="CUST9000001"), Customer(**FIELDS, code="CUST9000002")
    fast.officer = slow.officer = users["sales"]
    for customer in (fast, slow):
        customer.refresh_search_fields(["VIP"])
    bulk_insert.insert(Customer, [fast])
    Customer.objects.bulk_create([slow])
    assert fast.pk and not fast._state.adding
    stored = Customer.objects.filter(pk__in=[fast.pk, slow.pk]).order_by("code").values_list(*COMPARED)
    fast_row, slow_row = list(stored)
    differ = {name for name, a, b in zip(COMPARED, fast_row, slow_row, strict=True) if a != b}
    assert differ <= {"created_at", "updated_at"}, differ
    assert Customer.objects.get(pk=fast.pk).search_document == fast.search_document

    events = [audit.creation_event(fast, user=users["sales"]), audit.creation_event(slow, user=users["sales"])]
    bulk_insert.insert(AuditEvent, events[:1], return_pks=False)
    AuditEvent.objects.bulk_create(events[1:])
    rows = AuditEvent.objects.filter(object_type="customers.customer").order_by("object_code")
    first, second = (event.state for event in rows)
    assert {**first, "code": None} == {**second, "code": None}


def test_insert_returns_keys_in_order_across_statements() -> None:
    customers = [Customer(last_name=f"N{index}", code=f"CUST8{index:06d}") for index in range(1_500)]
    bulk_insert.insert(Customer, customers)
    stored = dict(Customer.objects.filter(code__startswith="CUST8").values_list("pk", "code"))
    assert all(stored[customer.pk] == customer.code for customer in customers)


@pytest.mark.parametrize(
    "values",
    [
        {"last_name": "Ada", "email": "not-an-email"},
        {"last_name": "Ada", "country": "XX"},
        {"last_name": "Ada", "currency": "ABC", "gender": "x"},
        {"last_name": "Ada", "status": "blocked"},
        {"kind": "organization"},
        {"last_name": "A" * 101, "phone": "+1 555"},
        {"last_name": "Ada", "birthday": date.today() + timedelta(days=3)},
        {"last_name": "Ada", "balance": Decimal("1234567890123.45")},
        {"last_name": "Ada", "website": "not a url"},
        {"first_name": "Ada", "language": "xx-yy"},
    ],
)
def test_build_refuses_what_full_clean_refuses(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as built:
        services.build_customer(**values)
    customer = Customer(**values)
    with pytest.raises(ValidationError) as cleaned:
        customer.full_clean(exclude=["code"], validate_unique=False, validate_constraints=False)
    assert built.value.message_dict == cleaned.value.message_dict


def test_build_accepts_what_full_clean_accepts() -> None:
    customer = services.build_customer(**FIELDS, labels=["VIP"])
    assert customer.country.code == "NO" and customer.status_before_block == "active"


def test_each_creation_event_of_a_batch_names_its_customer(users: dict[str, Any]) -> None:
    built = [services.build_customer(last_name=f"Batch{index}", labels=["VIP"]) for index in range(30)]
    prepared = services.prepare_customers_batch(user=users["sales"], customers=built)
    services.create_customers_batch(user=users["sales"], prepared=prepared)
    events = AuditEvent.objects.filter(object_type="customers.customer", action=AuditEvent.Action.CREATE)
    recorded = {(event.object_id, event.object_code, event.state["last_name"]) for event in events}
    assert recorded == {(str(customer.pk), customer.code, customer.last_name) for customer in built}


@pytest.mark.parametrize("model", [Customer, AuditEvent])
def test_each_column_is_prepared_as_get_db_prep_save_prepares_it(model: type[Any]) -> None:
    moment = datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    samples = [
        None,
        "",
        "Zoë",
        0,
        7,
        Decimal("-12.50"),
        Decimal("3"),
        date(2024, 2, 29),
        moment,
        moment.replace(tzinfo=None),
    ]
    warnings.simplefilter("ignore", RuntimeWarning)  # a naive moment: Django warns, both ways alike
    for model_field in model._meta.concrete_fields:
        prepare = bulk_insert._preparer(model_field, connection)
        for value in samples:
            try:
                expected = model_field.get_db_prep_save(value, connection)
            except (TypeError, ValueError, ValidationError):
                continue  # a value the field refuses either way
            prepared = prepare(value)
            assert type(prepared) is type(expected), (model_field.name, value)
            if isinstance(model_field, EncryptedField) and expected:
                # A fresh nonce each time: the two ciphertexts differ, what they seal does not.
                prepared, expected = decrypt(prepared), decrypt(expected)
            # psycopg's JSON wrapper does not compare by value: its content does.
            assert getattr(prepared, "obj", prepared) == getattr(expected, "obj", expected), (model_field.name, value)
