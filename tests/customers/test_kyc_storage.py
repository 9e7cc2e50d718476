"""PAN and Aadhaar at rest: validated with clear messages, encrypted with a keyed hash and the last four,
never in the database file, the search document or the audit trail in clear."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.urls import reverse

from clientbook.core import sensitive
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit, history
from clientbook.customers import kyc, services
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

PAN = "ABCPE1234F"
OTHER_PAN = "AAACB5678K"
AADHAAR = "491837592012"
OTHER_AADHAAR = "739201845618"


def raw_row(customer: Customer) -> dict[str, str]:
    columns = ("pan", "pan_digest", "pan_last4", "aadhaar", "aadhaar_digest", "aadhaar_last4", "search_document")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM customers_customer WHERE id = %s", [customer.pk])
        return dict(zip(columns, cursor.fetchone(), strict=True))


# --- Validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pan", "ABCPE1234", kyc.PAN_FORMAT),
        ("pan", "ABC1E1234F", kyc.PAN_FORMAT),
        ("pan", "ABCXE1234F", kyc.PAN_HOLDER),
        ("pan", "ABCPE0000F", kyc.PAN_SERIAL),
        ("aadhaar", "49183759201", kyc.AADHAAR_FORMAT),
        ("aadhaar", "191837592012", kyc.AADHAAR_FORMAT),
        ("aadhaar", "491837592013", kyc.AADHAAR_CHECKSUM),
    ],
)
@pytest.mark.django_db
def test_an_invalid_number_is_refused_on_its_field_with_a_message_that_does_not_repeat_it(
    field: str, value: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_customer(user=None, kind="person", last_name="Rao", **{field: value})

    assert refused.value.message_dict == {field: [message]}
    assert value not in message
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_numbers_are_stored_compact_however_they_are_typed() -> None:
    customer = CustomerFactory(pan=" abcpe1234f ", aadhaar="4918 3759 2012")

    stored = Customer.objects.get(pk=customer.pk)

    assert (sensitive.reveal(stored.pan), sensitive.reveal(stored.aadhaar)) == (PAN, AADHAAR)


@pytest.mark.django_db
def test_the_create_form_puts_the_message_next_to_the_field(client_for: Any) -> None:
    response = client_for("sales").post(
        reverse("customers:customer_create"), {"kind": "person", "last_name": "Rao", "pan": "ABCXE1234F"}
    )

    assert response.status_code == 422
    assert response.context["form"].errors["pan"] == [kyc.PAN_HOLDER]
    assert not Customer.objects.exists()


# --- Encrypted at rest -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_columns_hold_a_ciphertext_a_keyed_hash_and_the_last_four() -> None:
    customer = CustomerFactory(pan=PAN, aadhaar=AADHAAR)

    row = raw_row(customer)

    assert row["pan"].startswith(sensitive.TOKEN_PREFIX) and PAN not in row["pan"]
    assert row["aadhaar"].startswith(sensitive.TOKEN_PREFIX) and AADHAAR not in row["aadhaar"]
    assert row["pan_digest"] == sensitive.digest_of("pan", PAN) and len(row["pan_digest"]) == 64
    assert row["aadhaar_digest"] == sensitive.digest_of("aadhaar", AADHAAR)
    assert (row["pan_last4"], row["aadhaar_last4"]) == ("234F", "2012")
    assert PAN.lower() not in row["search_document"] and AADHAAR not in row["search_document"]


@pytest.mark.django_db
def test_two_customers_with_one_pan_share_the_hash_but_not_the_ciphertext() -> None:
    first, second = CustomerFactory(pan=PAN), CustomerFactory(pan="abcpe1234f")

    one, two = raw_row(first), raw_row(second)

    assert one["pan_digest"] == two["pan_digest"]
    assert one["pan"] != two["pan"]


@pytest.mark.django_db
def test_a_value_formats_as_its_mask_and_opens_only_when_revealed() -> None:
    customer = Customer.objects.get(pk=CustomerFactory(pan=PAN, aadhaar=AADHAAR).pk)

    assert (str(customer.pan), str(customer.aadhaar)) == ("ABCPEXXXXF", "XXXX XXXX 2012")
    assert PAN not in repr(customer.pan) and PAN not in f"{customer.pan}"
    assert customer.pan.reveal() == PAN


@pytest.mark.django_db
def test_clearing_a_number_clears_its_hash_and_last_four() -> None:
    customer = CustomerFactory(pan=PAN)

    services.update_customer(user=None, customer=customer, pan="")

    row = raw_row(customer)
    del row["search_document"]
    assert row == dict.fromkeys(row, "")


def test_a_short_key_is_refused(settings: Any) -> None:
    settings.CLIENTBOOK_FIELD_KEY = "too-short"

    with pytest.raises(ImproperlyConfigured):
        sensitive.encrypt(PAN)


def test_a_value_sealed_with_another_key_does_not_open(settings: Any) -> None:
    token = sensitive.encrypt(PAN)
    settings.CLIENTBOOK_FIELD_KEY = "another-key-of-at-least-thirty-two-characters"

    with pytest.raises(ValueError, match="CLIENTBOOK_FIELD_KEY"):
        sensitive.decrypt(token)


# --- The audit trail and history: "changed", never the value ---------------------------------------


@pytest.mark.django_db
def test_a_change_from_one_value_to_another_is_recorded_as_changed_without_either_value() -> None:
    customer = CustomerFactory(pan=PAN)

    services.update_customer(user=None, customer=customer, pan=OTHER_PAN)

    event = audit.events_for(customer).first()
    assert event.action == AuditEvent.Action.UPDATE
    assert event.changes == {"pan": {"before": audit.MASK, "after": audit.MASK}}
    assert event.state["pan"] == audit.MASK
    [change] = history.describe_changes(event, history.ValueFormatter(Customer))
    assert (change.label, change.before, change.after) == ("PAN", audit.MASK, history.HIDDEN_CHANGE)
    stored = str(AuditEvent.objects.filter(object_id=str(customer.pk)).values_list("changes", "state"))
    assert PAN not in stored and OTHER_PAN not in stored and "ABCPEXXXXF" not in stored


@pytest.mark.django_db
def test_saving_the_same_number_again_changes_nothing() -> None:
    customer = CustomerFactory(pan=PAN)
    events = audit.events_for(customer).count()

    services.update_customer(user=None, customer=customer, pan="abcpe 1234f")

    assert audit.events_for(customer).count() == events
    assert Customer.objects.get(pk=customer.pk).version == customer.version


@pytest.mark.django_db
def test_the_history_page_says_changed_to_everyone(client_for: Any) -> None:
    customer = CustomerFactory(pan=PAN, aadhaar=AADHAAR)
    services.update_customer(user=None, customer=customer, pan=OTHER_PAN, aadhaar=OTHER_AADHAAR)

    for role in ("admin", "support"):
        page = client_for(role).get(reverse("customers:customer_history", kwargs={"code": customer.code}))
        html = page.content.decode()
        assert page.status_code == 200
        assert history.HIDDEN_CHANGE in html
        for plain in (PAN, OTHER_PAN, AADHAAR, OTHER_AADHAAR, "ABCPEXXXXF", "AAACBXXXXK"):
            assert plain not in html


@pytest.mark.django_db
def test_the_audit_log_api_holds_the_mask_only(client_for: Any) -> None:
    customer = CustomerFactory(pan=PAN)
    services.update_customer(user=None, customer=customer, pan=OTHER_PAN)

    body = client_for("admin").get("/api/v1/audit", {"object_code": customer.code}).content.decode()

    assert "••••••" in body or "\\u2022" in body
    assert PAN not in body and OTHER_PAN not in body


@pytest.mark.django_db
def test_a_stale_write_refusal_does_not_hold_the_number(client_for: Any) -> None:
    customer = CustomerFactory(pan=PAN)
    services.update_customer(user=None, customer=customer, pan=OTHER_PAN)

    response = client_for("sales").patch(
        f"/api/v1/customers/{customer.code}",
        {"city": "Pune"},
        content_type="application/json",
        headers={"If-Match": f'"{customer.version}"'},
    )

    assert response.status_code == 412
    assert OTHER_PAN not in response.content.decode() and PAN not in response.content.decode()


# --- The raw database: no plain value anywhere -------------------------------------------------------


def _store_numbers() -> list[str]:
    """Customers with numbers written, changed and cleared through every write path; their plain values."""
    first = CustomerFactory(last_name="Scanwitness", pan=PAN, aadhaar=AADHAAR)
    services.update_customer(user=None, customer=first, pan=OTHER_PAN)
    CustomerFactory(pan="AAAPZ9999Z", aadhaar=OTHER_AADHAAR)
    return [PAN, OTHER_PAN, "AAAPZ9999Z", AADHAAR, OTHER_AADHAAR, "4918 3759 2012"]


@pytest.mark.django_db(transaction=True)
def test_the_sqlite_file_holds_no_plain_number() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite file scan runs on SQLite")
    plain = _store_numbers()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database = Path(connection.settings_dict["NAME"])
    content = b"".join(path.read_bytes() for path in database.parent.glob(f"{database.name}*"))

    assert b"Scanwitness" in content, "the scan reads the file the customers were written to"
    for value in plain:
        for form in {value, value.lower(), value.replace(" ", "")}:
            assert form.encode() not in content, f"{form} is in the database file"


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_holds_no_plain_number() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("run with DATABASE_URL=postgres://… to scan a pg_dump")
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is installed with PostgreSQL's client"
    plain = _store_numbers()
    settings = connection.settings_dict
    dump = subprocess.run(
        [
            pg_dump,
            "--data-only",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"],
            settings["NAME"],
        ],
        check=True,
        capture_output=True,
        env={"PGPASSWORD": settings["PASSWORD"] or "", "PATH": "/usr/bin:/bin"},
    ).stdout

    assert b"Scanwitness" in dump
    for value in plain:
        for form in {value, value.lower(), value.replace(" ", "")}:
            assert form.encode() not in dump, f"{form} is in the dump"


@pytest.mark.django_db
def test_a_number_copied_from_another_record_brings_its_hash_along() -> None:
    source = Customer.objects.get(pk=CustomerFactory(pan=PAN).pk)
    target = CustomerFactory()

    services.update_customer(user=None, customer=target, pan=source.pan)

    row = raw_row(target)
    assert (row["pan_digest"], row["pan_last4"]) == (sensitive.digest_of("pan", PAN), "234F")
    assert Customer.objects.get(pk=target.pk).pan.reveal() == PAN
