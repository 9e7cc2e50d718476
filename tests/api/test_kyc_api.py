"""PAN and Aadhaar in the API: masked unless the caller has the right and asks ``?reveal=`` (audited),
validated naming the field, never found by search; list filters by exact value for who may, 422 for the others."""

from typing import Any

import pytest

from clientbook.core.models import AuditEvent
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from tests.api.conftest import Caller, error_fields

pytestmark = pytest.mark.django_db

PAN, PAN_MASK = "ABCPE1234F", "ABCPEXXXXF"
AADHAAR, AADHAAR_MASK = "491837592012", "XXXX XXXX 2012"
PLAIN = (PAN, AADHAAR, "4918 3759 2012")


@pytest.fixture
def holder(users: dict[str, Any]) -> Customer:
    return CustomerFactory(first_name="Meera", last_name="Iyer", pan=PAN, aadhaar=AADHAAR)


def assert_masked(text: str) -> None:
    for plain in PLAIN:
        assert plain not in text, f"{plain} is shown"


# --- The search API


def test_the_search_document_holds_neither_number_so_no_one_finds_them_by_search(
    call: Caller, holder: Customer
) -> None:
    for query in (PAN, "1234F", AADHAAR, "2012"):
        body = call("support", "GET", "/api/v1/search", query={"q": query}).json()
        assert body["groups"] == [], query
    listed = call("support", "GET", "/api/v1/customers", query={"q": PAN}).json()
    assert listed["count"] == 0


def test_the_search_api_finds_an_exact_aadhaar_for_the_admin(call: Caller, holder: Customer) -> None:
    body = call("admin", "GET", "/api/v1/search", query={"q": "4918 3759 2012"}).json()

    assert body["exact"]["short_name"] == holder.code
    assert_masked(str(body["exact"]))


# --- The API ----------------------------------------------------------------------------------------


def test_the_api_masks_for_everyone_by_default(call: Caller, holder: Customer) -> None:
    for role in ("admin", "support"):
        record = call(role, "GET", f"/api/v1/customers/{holder.code}").json()
        listed = call(role, "GET", "/api/v1/customers").json()["items"][0]
        for body in (record, listed):
            assert (body["pan"], body["aadhaar"]) == (PAN_MASK, AADHAAR_MASK)


def test_the_api_reveals_to_the_admin_who_asks_and_records_it(call: Caller, holder: Customer) -> None:
    response = call(
        "admin",
        "GET",
        f"/api/v1/customers/{holder.code}",
        query={"reveal": "pan,aadhaar", "reveal_reason": "KYC audit"},
    )

    assert response.status_code == 200
    assert (response.json()["pan"], response.json()["aadhaar"]) == (PAN, AADHAAR)
    assert response["Cache-Control"] == "no-store"
    events = AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL, object_code=holder.code)
    assert sorted(events.values_list("extra__field", flat=True)) == ["aadhaar", "pan"]
    assert set(events.values_list("extra__reason", flat=True)) == {"KYC audit"}


def test_the_api_refuses_a_reveal_to_support(call: Caller, holder: Customer) -> None:
    response = call("support", "GET", f"/api/v1/customers/{holder.code}", query={"reveal": "pan"})

    assert response.status_code == 403
    assert_masked(response.content.decode())
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()


def test_the_api_refuses_to_reveal_an_unknown_field(call: Caller, holder: Customer) -> None:
    response = call("admin", "GET", f"/api/v1/customers/{holder.code}", query={"reveal": "email"})

    assert response.status_code == 422
    assert error_fields(response) == {"reveal"}


def test_the_api_validates_numbers_naming_the_field(call: Caller) -> None:
    response = call(
        "sales", "POST", "/api/v1/customers", body={"kind": "person", "last_name": "Rao", "aadhaar": "491837592013"}
    )

    assert response.status_code == 422
    assert error_fields(response) == {"aadhaar"}
    assert "491837592013" not in response.content.decode()


def test_the_api_writes_and_clears_a_number(call: Caller) -> None:
    created = call("sales", "POST", "/api/v1/customers", body={"kind": "person", "last_name": "Rao", "pan": PAN})
    code = created.json()["code"]
    assert created.json()["pan"] == PAN_MASK

    cleared = call("sales", "PATCH", f"/api/v1/customers/{code}", body={"pan": None})

    assert cleared.json()["pan"] == ""
    assert Customer.objects.get(code=code).pan_digest == ""


# --- List filters: exact by keyed hash for who may, refused for the others ---------------------------


def test_an_exact_pan_filter_finds_the_customer_for_the_admin(call: Caller, holder: Customer) -> None:
    CustomerFactory(pan="AAACB5678K")

    body = call("admin", "GET", "/api/v1/customers", query={"pan": "abcpe1234f"}).json()

    assert [item["code"] for item in body["items"]] == [holder.code]


@pytest.mark.parametrize("name", ["pan", "aadhaar"])
def test_filtering_by_a_number_is_refused_to_support_with_a_422_naming_it(
    call: Caller, holder: Customer, name: str
) -> None:
    value = PAN if name == "pan" else AADHAAR
    response = call("support", "GET", "/api/v1/customers", query={name: value})

    assert response.status_code == 422
    assert error_fields(response) == {name}


def test_filtering_by_an_absent_number_is_refused_alike(call: Caller, holder: Customer) -> None:
    """The refusal does not depend on whether someone holds the number: no oracle."""
    held = call("support", "GET", "/api/v1/customers", query={"pan": PAN})
    absent = call("support", "GET", "/api/v1/customers", query={"pan": "ZZZPZ0000Z"})

    assert (held.status_code, held.json()) == (absent.status_code, absent.json())


def test_sorting_by_a_number_is_refused(call: Caller, holder: Customer) -> None:
    response = call("admin", "GET", "/api/v1/customers", query={"sort": "pan"})

    assert response.status_code == 422
    assert error_fields(response) == {"sort"}
