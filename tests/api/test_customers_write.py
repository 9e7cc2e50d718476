"""``POST /api/v1/customers`` and ``GET/PATCH/DELETE /api/v1/customers/{code}``."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from clientbook.core.models import AuditEvent, Sequence
from clientbook.core.testing.api import SpecApiTests
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer, Label
from clientbook.customers.specs import CUSTOMERS
from tests.api.conftest import Book, Caller, error_fields

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"
TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()

REPRESENTATION_KEYS = {
    "code",
    "kind",
    "display_name",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "company_name",
    "email",
    "phone",
    "alt_phone",
    "gender",
    "birthday",
    "marital_status",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "language",
    "industry",
    "website",
    "description",
    "balance",
    "currency",
    "status",
    "block_reason",
    "status_before_block",
    "officer",
    "organization",
    "external_id",
    "client_id",
    "account_opened_on",
    "activated_on",
    "labels",
    "created_at",
    "updated_at",
    "version",
    "last_activity_at",
    "deleted_at",
}


def snapshot() -> tuple[int, int, int]:
    """What a refused write must leave untouched: customers (deleted too), labels, the code counter."""
    counter = Sequence.objects.filter(prefix="CUST").values_list("last_value", flat=True).first() or 0
    return Customer.all_objects.count(), Label.all_objects.count(), counter


# --- Create ---------------------------------------------------------------------------------


def test_create_returns_201_and_the_whole_record(call: Caller, book: Book) -> None:
    body = {
        "kind": "person",
        "first_name": "Ngozi",
        "last_name": "Okafor",
        "email": "ngozi@example.com",
        "phone": "(940) 555-0199",
        "alt_phone": "+44 20 7946 0000",
        "gender": "female",
        "birthday": "1990-04-01",
        "street": "1 Marina",
        "city": "Lagos",
        "country": "NG",
        "language": "en",
        "website": "https://okafor.example.com",
        "balance": "1234.5",
        "currency": "NGN",
        "status": "prospect",
        "officer": "sales-user",
        "organization": book.code("Acme"),
        "labels": ["VIP", "Referral"],
        "external_id": "EXT-77",
    }

    response = call("sales", "POST", URL, body=body)

    assert response.status_code == 201, response.content
    record = response.json()
    assert set(record) == REPRESENTATION_KEYS
    assert record["code"].startswith("CUST") and len(record["code"]) == 11
    assert record["display_name"] == "Ngozi Okafor"
    assert record["phone"] == "+19405550199"
    assert record["alt_phone"] == "+442079460000"
    assert record["balance"] == "1234.50"
    assert record["country"] == "NG"
    assert record["officer"] == "sales-user"
    assert record["organization"] == book.code("Acme")
    assert record["labels"] == ["Referral", "VIP"]
    assert record["version"] == 1
    stored = Customer.objects.get(code=record["code"])
    assert stored.city == "Lagos" and stored.labels.count() == 2
    assert Label.objects.filter(name="Referral").exists()


def test_created_record_is_what_get_returns(call: Caller) -> None:
    created = call("admin", "POST", URL, body={"company_name": "Globex", "kind": "organization"}).json()

    fetched = call("support", "GET", f"{URL}/{created['code']}")

    assert fetched.status_code == 200
    assert fetched.json() == created


def test_codes_follow_in_sequence(call: Caller) -> None:
    first = call("sales", "POST", URL, body={"last_name": "One"}).json()["code"]
    second = call("sales", "POST", URL, body={"last_name": "Two"}).json()["code"]

    assert int(second[4:]) == int(first[4:]) + 1


INVALID_BODIES = [
    ({"first_name": "", "last_name": ""}, "last_name"),
    ({"kind": "organization"}, "company_name"),
    ({"kind": "robot", "last_name": "X"}, "kind"),
    ({"kind": None, "last_name": "X"}, "kind"),
    ({"last_name": "X" * 101}, "last_name"),
    ({"first_name": 42}, "first_name"),
    ({"last_name": "Nul\x00byte"}, "last_name"),
    ({"last_name": "X", "email": "not-an-email"}, "email"),
    ({"last_name": "X", "phone": "12"}, "phone"),
    ({"last_name": "X", "alt_phone": "call me maybe"}, "alt_phone"),
    ({"last_name": "X", "gender": "robot"}, "gender"),
    ({"last_name": "X", "birthday": TOMORROW}, "birthday"),
    ({"last_name": "X", "birthday": "31/12/1990"}, "birthday"),
    ({"last_name": "X", "marital_status": "complicated"}, "marital_status"),
    ({"last_name": "X", "country": "XX"}, "country"),
    ({"last_name": "X", "language": "klingon"}, "language"),
    ({"last_name": "X", "website": "not a url"}, "website"),
    ({"last_name": "X", "balance": "10.123"}, "balance"),
    ({"last_name": "X", "balance": "lots"}, "balance"),
    ({"last_name": "X", "balance": "1e20"}, "balance"),
    ({"last_name": "X", "balance": None}, "balance"),
    ({"last_name": "X", "currency": "XYZ"}, "currency"),
    ({"last_name": "X", "status": "asleep"}, "status"),
    ({"last_name": "X", "status": "blocked"}, "block_reason"),
    ({"last_name": "X", "officer": "nobody"}, "officer"),
    ({"last_name": "X", "organization": "CUST9999999"}, "organization"),
    ({"last_name": "X", "organization": "{José}"}, "organization"),
    ({"last_name": "X", "account_opened_on": TOMORROW}, "account_opened_on"),
    ({"last_name": "X", "activated_on": TOMORROW}, "activated_on"),
    ({"last_name": "X", "labels": "VIP"}, "labels"),
    ({"last_name": "X", "labels": ["VIP", "L" * 61]}, "labels"),
    ({"last_name": "X", "code": "CUST0000001"}, "code"),
    # The new label would be created first; the refused customer must take it back with it.
    ({"last_name": "X", "email": "nope", "labels": ["Brand new"]}, "email"),
]


@pytest.mark.parametrize(("body", "field"), INVALID_BODIES)
def test_create_with_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    call: Caller, book: Book, body: dict[str, Any], field: str
) -> None:
    body = {name: book.fill(value) if isinstance(value, str) else value for name, value in body.items()}
    before = snapshot()

    response = call("sales", "POST", URL, body=body)

    assert response.status_code == 422, response.content
    assert field in error_fields(response)
    assert snapshot() == before


def test_every_bad_field_is_reported_at_once(call: Caller) -> None:
    body = {"last_name": "X", "email": "nope", "phone": "12", "website": "nope", "birthday": TOMORROW}

    response = call("sales", "POST", URL, body=body)

    assert error_fields(response) == {"email", "phone", "website", "birthday"}


@pytest.mark.parametrize(
    ("raw", "status"),
    [("{not json", 400), ("[1, 2]", 422), ('"a string"', 422), ("", 422)],
)
def test_a_body_that_is_not_a_json_object_is_refused(call: Caller, raw: str, status: int) -> None:
    before = snapshot()

    response = call("sales", "POST", URL, body=raw)

    assert response.status_code == status
    error_fields(response)
    assert snapshot() == before


def test_an_oversized_body_is_a_400(call: Caller) -> None:
    before = snapshot()

    response = call("sales", "POST", URL, body={"last_name": "X", "description": "a" * 3_000_000})

    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is too large."
    assert snapshot() == before


def test_unknown_labels_are_refused_for_a_role_that_may_not_add_labels(call: Caller, book: Book, users: Any) -> None:
    """A clerk who may add customers but not labels can use existing labels only."""
    clerk = users["support"]
    clerk.user_permissions.add(Permission.objects.get(codename="add_customer"))
    before = snapshot()

    refused = call("support", "POST", URL, body={"last_name": "X", "labels": ["VIP", "Brand new"]})

    assert refused.status_code == 422
    assert error_fields(refused) == {"labels"}
    assert "Brand new" in refused.json()["errors"][0]["message"]
    assert snapshot() == before
    accepted = call("support", "POST", URL, body={"last_name": "X", "labels": ["vip"]})
    assert accepted.status_code == 201
    assert accepted.json()["labels"] == ["VIP"]


# --- Read -----------------------------------------------------------------------------------


def test_get_by_code_is_case_insensitive(call: Caller, book: Book) -> None:
    response = call("accounting", "GET", f"{URL}/{book.code('Binta').lower()}")

    assert response.status_code == 200
    assert response.json()["code"] == book.code("Binta")
    assert response.json()["labels"] == ["Late payer", "VIP"]


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_unknown_and_deleted_codes_are_404(call: Caller, book: Book, method: str) -> None:
    Customer.objects.filter(pk=book.customers["Chen"].pk).update(deleted_at=timezone.now())
    body = {"city": "Paris"} if method == "PATCH" else None

    for code in ("CUST9999999", book.code("Chen"), "not-a-code"):
        response = call("admin", method, f"{URL}/{code}", body=body)
        assert response.status_code == 404, (code, response.content)
        assert error_fields(response) == set()


# --- Update ---------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(call: Caller, book: Book) -> None:
    code = book.code("José")

    response = call("sales", "PATCH", f"{URL}/{code}", body={"city": "Dallas", "email": None, "labels": ["Corporate"]})

    assert response.status_code == 200, response.content
    record = response.json()
    assert (record["city"], record["email"], record["labels"]) == ("Dallas", "", ["Corporate"])
    assert (record["first_name"], record["phone"], record["balance"]) == ("José", "+19409863836", "100.00")
    assert record["version"] == 2
    assert call("sales", "GET", f"{URL}/{code}").json() == record


def test_patch_without_labels_keeps_them_and_null_clears_links(call: Caller, book: Book) -> None:
    response = call("sales", "PATCH", f"{URL}/{book.code('José')}", body={"officer": None, "organization": None})

    record = response.json()
    assert (record["officer"], record["organization"], record["labels"]) == (None, None, ["VIP"])


def test_null_labels_leave_the_labels_as_they_are(call: Caller, book: Book) -> None:
    created = call("sales", "POST", URL, body={"last_name": "Nolabels", "labels": None})
    patched = call("sales", "PATCH", f"{URL}/{book.code('Binta')}", body={"city": "Oslo", "labels": None})

    assert created.status_code == 201, created.content
    assert created.json()["labels"] == []
    assert patched.status_code == 200, patched.content
    assert (patched.json()["city"], patched.json()["labels"]) == ("Oslo", ["Late payer", "VIP"])


READ_ONLY_KEYS = {
    "code",
    "display_name",
    "status_before_block",
    "created_at",
    "updated_at",
    "version",
    "last_activity_at",
    "deleted_at",
}


@pytest.mark.parametrize("name", ["José", "Acme", "Chen"])
def test_a_record_as_returned_can_be_sent_back_unchanged(call: Caller, book: Book, name: str) -> None:
    url = f"{URL}/{book.code(name)}"
    read = call("sales", "GET", url)
    record = read.json()
    events = AuditEvent.objects.filter(object_type="customers.customer").count()

    response = call("sales", "PATCH", url, body={key: record[key] for key in set(record) - READ_ONLY_KEYS})

    assert response.status_code == 200, response.content
    # Nothing changed, so nothing moves: the version, updated_at and ETag stay, no event is recorded.
    assert {key for key in record if response.json()[key] != record[key]} == set()
    assert response["ETag"] == read["ETag"]
    assert AuditEvent.objects.filter(object_type="customers.customer").count() == events


@pytest.mark.parametrize("blank", ["", None])
def test_blank_choices_clear(call: Caller, book: Book, blank: str | None) -> None:
    url = f"{URL}/{book.code('José')}"
    call("sales", "PATCH", url, body={"gender": "female", "marital_status": "married", "language": "fr"})

    record = call("sales", "PATCH", url, body={"gender": blank, "marital_status": blank, "language": blank}).json()

    # A blank choice is null, which the API takes back (an enum choice or null).
    assert (record["gender"], record["marital_status"], record["language"]) == (None, None, "")
    again = call("sales", "PATCH", url, body={"gender": record["gender"], "marital_status": record["marital_status"]})
    assert again.status_code == 200


def test_patch_block_and_unblock_keep_the_status_rules(call: Caller, book: Book) -> None:
    url = f"{URL}/{book.code('Binta')}"

    refused = call("sales", "PATCH", url, body={"status": "blocked"})
    blocked = call("sales", "PATCH", url, body={"status": "blocked", "block_reason": "Chargeback"})

    assert refused.status_code == 422 and error_fields(refused) == {"block_reason"}
    assert blocked.json()["status"] == "blocked"
    assert blocked.json()["status_before_block"] == "inactive"
    assert blocked.json()["block_reason"] == "Chargeback"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"country": "XX"}, "country"),
        ({"birthday": TOMORROW}, "birthday"),
        ({"balance": "1.001"}, "balance"),
        ({"website": "nope"}, "website"),
        ({"first_name": "", "last_name": ""}, "last_name"),
        ({"status": None}, "status"),
        ({"organization": "{Dana}"}, "organization"),
        ({"labels": ["L" * 61]}, "labels"),
        ({"city": "Paris", "version": 7}, "version"),
    ],
)
def test_patch_with_bad_input_is_a_422_and_changes_nothing(
    call: Caller, book: Book, body: dict[str, Any], field: str
) -> None:
    body = {name: book.fill(value) if isinstance(value, str) else value for name, value in body.items()}
    url = f"{URL}/{book.code('José')}"
    before = call("sales", "GET", url).json()
    counts = snapshot()

    response = call("sales", "PATCH", url, body=body)

    assert response.status_code == 422, response.content
    assert field in error_fields(response)
    assert call("sales", "GET", url).json() == before
    assert snapshot() == counts


# --- Delete ---------------------------------------------------------------------------------


def test_delete_is_soft_and_the_code_is_never_reused(call: Caller, book: Book) -> None:
    code = book.code("Dana")

    response = call("sales", "DELETE", f"{URL}/{code}")

    assert response.status_code == 204
    assert response.content == b""
    assert call("sales", "GET", f"{URL}/{code}").status_code == 404
    assert Customer.all_objects.get(code=code).deleted_at is not None
    created = call("sales", "POST", URL, body={"last_name": "Next"}).json()
    assert created["code"] > code


# --- Who may write --------------------------------------------------------------------------


def _write_requests(book: Book) -> list[tuple[str, str, dict[str, Any] | None]]:
    code = book.code("José")
    return [
        ("POST", URL, {"last_name": "Denied"}),
        ("PATCH", f"{URL}/{code}", {"city": "Denied"}),
        ("DELETE", f"{URL}/{code}", None),
    ]


@pytest.mark.parametrize("role", ["support", "accounting"])
def test_read_only_roles_may_not_write(call: Caller, book: Book, role: str) -> None:
    for method, url, body in _write_requests(book):
        before = snapshot()
        response = call(role, method, url, body=body)
        assert response.status_code == 403, (method, response.content)
        error_fields(response)
        assert snapshot() == before
    assert call(role, "GET", f"{URL}/{book.code('José')}").json()["city"] == "Denton"


@pytest.mark.parametrize("role", ["support", "accounting", None])
def test_a_denied_caller_is_refused_before_its_input_is_read(call: Caller, role: str | None) -> None:
    """A caller without the right learns nothing about the operation's input rules."""
    response = call(role, "POST", URL, body="{not json")

    assert response.status_code == (401 if role is None else 403)


@pytest.mark.parametrize("role", ["admin", "sales"])
def test_writers_may_create_update_and_delete(call: Caller, book: Book, role: str) -> None:
    expected = {"POST": 201, "PATCH": 200, "DELETE": 204}
    for method, url, body in _write_requests(book):
        assert call(role, method, url, body=body).status_code == expected[method]


def test_anonymous_callers_get_401_on_every_customer_operation(call: Caller, book: Book) -> None:
    code = book.code("José")
    requests = [("GET", URL), ("GET", f"{URL}/{code}"), *[(method, url) for method, url, _ in _write_requests(book)]]
    before = snapshot()

    for method, url in requests:
        response = call(None, method, url, body={"city": "Anon"} if method in {"POST", "PATCH"} else None)
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"].startswith("Bearer")
        error_fields(response)
    assert snapshot() == before


class TestCustomerKitApi(SpecApiTests):
    """The contract every kit model's API keeps, on customers (addressed by code, with bulk actions)."""

    spec = CUSTOMERS
    factory = CustomerFactory
    create_body = {"first_name": "Kit", "last_name": "Probe"}
    patch_body = {"city": "Oslo"}
    bulk_body = {"action": "status", "status": "inactive"}
