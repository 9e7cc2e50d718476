"""API: ETag and If-Match (no lost updates), soft delete, restore, purge and ``include_deleted``."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer, Label
from tests.api.conftest import Caller

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"


@pytest.fixture
def send(token_for: Any) -> Any:
    """``send("sales", "PATCH", url, body, headers={"If-Match": '"1"'})`` with the role's Bearer token."""
    tokens: dict[str, str] = {}

    def make(role: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        tokens.setdefault(role, token_for(role))
        all_headers = {"Authorization": f"Bearer {tokens[role]}", **(headers or {})}
        data = "" if body is None else json.dumps(body)
        return Client().generic(method, path, data=data, content_type="application/json", headers=all_headers)

    return make


@pytest.fixture
def customer() -> Customer:
    return CustomerFactory(first_name="Binta", last_name="Zebulon", city="Banjul")


# --- ETag -----------------------------------------------------------------------------------


def test_customer_responses_carry_the_version_as_etag(call: Caller, send: Any, customer: Customer) -> None:
    created = call("sales", "POST", URL, body={"kind": "person", "last_name": "Ngom"})
    assert created.status_code == 201 and created["ETag"] == '"1"'

    read = call("support", "GET", f"{URL}/{customer.code}")
    assert read["ETag"] == '"1"' and read.json()["version"] == 1

    changed = send("sales", "PATCH", f"{URL}/{customer.code}", {"city": "Bakau"})
    assert changed.status_code == 200 and changed["ETag"] == '"2"' and changed.json()["version"] == 2


def test_an_error_carries_no_etag(call: Caller, customer: Customer) -> None:
    response = call("sales", "PATCH", f"{URL}/{customer.code}", body={"email": "nope"})
    assert response.status_code == 422 and "ETag" not in response


def test_label_responses_carry_the_version_as_etag(call: Caller, send: Any) -> None:
    created = call("sales", "POST", "/api/v1/labels", body={"name": "VIP"})
    label_url = f"/api/v1/labels/{created.json()['id']}"
    assert created["ETag"] == '"1"'
    assert call("accounting", "GET", label_url)["ETag"] == '"1"'
    changed = send("sales", "PATCH", label_url, {"colour": "danger"})
    assert changed.status_code == 200 and changed["ETag"] == '"2"' and changed.json()["colour"] == "danger"


# --- If-Match -------------------------------------------------------------------------------


@pytest.mark.parametrize("if_match", ['"1"', "*", '"7", "1"', ' "1" ', ""])
def test_a_matching_if_match_is_applied(send: Any, customer: Customer, if_match: str) -> None:
    response = send("sales", "PATCH", f"{URL}/{customer.code}", {"city": "Bakau"}, {"If-Match": if_match})
    assert response.status_code == 200, response.content
    assert Customer.objects.get(pk=customer.pk).city == "Bakau"


def test_without_if_match_the_last_write_wins(send: Any, customer: Customer) -> None:
    services.update_customer(user=None, customer=customer, city="Theirs")
    response = send("sales", "PATCH", f"{URL}/{customer.code}", {"city": "Mine"})
    assert response.status_code == 200
    assert Customer.objects.get(pk=customer.pk).city == "Mine"


def test_a_stale_if_match_gets_412_with_the_current_version(send: Any, customer: Customer, make_user: Any) -> None:
    services.update_customer(user=make_user("sales", username="fatou"), customer=customer, city="Serrekunda")

    response = send("sales", "PATCH", f"{URL}/{customer.code}", {"city": "Mine"}, {"If-Match": '"1"'})

    assert response.status_code == 412
    body = response.json()
    assert body["current_version"] == 2 and response["ETag"] == '"2"'
    assert "version 2" in body["detail"]
    assert body["errors"] == [{"field": "city", "message": 'Changed since your version; now "Serrekunda".'}]
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.city == "Serrekunda" and stored.version == 2
    assert audit.events_for(customer).count() == 2  # the refused change left no event


TOO_LARGE = f'"{2**63}"'


@pytest.mark.parametrize("if_match", ['W/"1"', '"2", "3"', '"2"', '"abc"', '"²"', TOO_LARGE, f'"{"9" * 5000}"'])
def test_weak_unknown_or_impossible_tags_never_match(send: Any, customer: Customer, if_match: str) -> None:
    response = send("sales", "PATCH", f"{URL}/{customer.code}", {"city": "Mine"}, {"If-Match": if_match})
    assert response.status_code == 412 and response.json()["current_version"] == 1
    assert Customer.objects.get(pk=customer.pk).city == "Banjul"


@pytest.mark.parametrize("if_match", ["1", "banana", '"1', '"1" "2"'])
def test_a_malformed_if_match_is_a_bad_request(send: Any, customer: Customer, if_match: str) -> None:
    response = send("sales", "PATCH", f"{URL}/{customer.code}", {"city": "Mine"}, {"If-Match": if_match})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["If-Match"]
    assert Customer.objects.get(pk=customer.pk).city == "Banjul"


def test_a_version_past_any_integer_is_stale_on_every_change(send: Any, customer: Customer) -> None:
    label = LabelFactory(name="VIP")
    label_url = f"/api/v1/labels/{label.pk}"
    for method, url, body in [
        ("PATCH", f"{URL}/{customer.code}", {"city": "Mine"}),
        ("DELETE", f"{URL}/{customer.code}", None),
        ("PATCH", label_url, {"colour": "danger"}),
        ("DELETE", label_url, None),
    ]:
        response = send("admin", method, url, body, {"If-Match": TOO_LARGE})
        assert response.status_code == 412, (method, url, response.content)
    for method, url in [("DELETE", f"{URL}/{customer.code}?purge=true"), ("DELETE", f"{label_url}?purge=true")]:
        assert send("admin", method, url, None, {"If-Match": TOO_LARGE}).status_code == 412
    assert not Customer.all_objects.get(pk=customer.pk).is_deleted and Label.objects.filter(pk=label.pk).exists()


def test_if_match_on_delete(send: Any, customer: Customer) -> None:
    services.update_customer(user=None, customer=customer, city="Serrekunda")
    stale = send("sales", "DELETE", f"{URL}/{customer.code}", headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    assert not Customer.all_objects.get(pk=customer.pk).is_deleted
    assert send("sales", "DELETE", f"{URL}/{customer.code}", headers={"If-Match": '"2"'}).status_code == 204
    assert Customer.all_objects.get(pk=customer.pk).is_deleted


def test_if_match_on_a_label(send: Any) -> None:
    label = LabelFactory(name="VIP")
    services.update_label(user=None, label=label, name="Gold")
    url = f"/api/v1/labels/{label.pk}"
    response = send("sales", "PATCH", url, {"colour": "danger"}, {"If-Match": '"1"'})
    assert response.status_code == 412
    assert response.json()["errors"] == [{"field": "name", "message": 'Changed since your version; now "Gold".'}]
    assert send("sales", "DELETE", url, headers={"If-Match": '"1"'}).status_code == 412
    assert send("sales", "DELETE", url, headers={"If-Match": '"2"'}).status_code == 204


def test_the_schema_documents_if_match_and_the_412(call: Caller) -> None:
    schema = call(None, "GET", "/api/v1/openapi.json").json()
    patch = schema["paths"]["/api/v1/customers/{code}"]["patch"]
    [header] = [parameter for parameter in patch["parameters"] if parameter["in"] == "header"]
    assert header["name"] == "If-Match" and not header["required"]
    assert header["schema"]["pattern"].startswith("^") and header["schema"]["type"] == "string"
    assert "last write wins" in header["description"] and "412" in header["description"]
    assert "412" in patch["responses"] and "ETag" in patch["responses"]["200"]["headers"]
    assert "ETag" in schema["paths"]["/api/v1/customers/{code}"]["get"]["responses"]["200"]["headers"]
    assert "412" in schema["paths"]["/api/v1/customers/{code}"]["delete"]["responses"]
    failed = schema["components"]["schemas"]["PreconditionFailedOut"]
    assert set(failed["required"]) >= {"detail", "errors", "current_version"}


# --- Soft delete, restore, purge ------------------------------------------------------------


def test_delete_is_soft_and_restore_brings_everything_back(
    call: Caller, send: Any, users: dict[str, Any], make_user: Any
) -> None:
    officer = make_user("sales", username="olivia")
    vip = LabelFactory(name="VIP")
    organization = OrganizationFactory(company_name="Globex")
    person = CustomerFactory(last_name="Zebulon", labels=[vip], officer=officer, organization=organization)
    url = f"{URL}/{person.code}"

    assert send("sales", "DELETE", url).status_code == 204
    assert call("sales", "GET", url).status_code == 404
    assert call("sales", "GET", URL, query={"q": "zebulon"}).json()["count"] == 0

    restored = send("sales", "POST", f"{url}/restore")

    assert restored.status_code == 200 and restored["ETag"] == '"3"'
    record = restored.json()
    assert (record["labels"], record["officer"], record["organization"]) == (["VIP"], "olivia", organization.code)
    assert record["deleted_at"] is None
    assert call("sales", "GET", URL, query={"q": "zebulon"}).json()["count"] == 1
    event = audit.events_for(person).first()
    assert event.action == AuditEvent.Action.RESTORE and event.actor == users["sales"]


def test_restoring_a_live_customer_is_422(send: Any, customer: Customer) -> None:
    response = send("sales", "POST", f"{URL}/{customer.code}/restore")
    assert response.status_code == 422 and "is not deleted" in response.json()["detail"]


@pytest.mark.parametrize("role", ["support", "accounting"])
def test_readers_cannot_restore(send: Any, customer: Customer, role: str) -> None:
    services.delete_customer(user=None, customer=customer)
    assert send(role, "POST", f"{URL}/{customer.code}/restore").status_code == 403
    assert Customer.all_objects.get(pk=customer.pk).is_deleted


def test_purge_is_for_administrators(send: Any, users: dict[str, Any], customer: Customer) -> None:
    url = f"{URL}/{customer.code}?purge=true"
    refused = send("sales", "DELETE", url)
    assert refused.status_code == 403 and "Only administrators" in refused.json()["detail"]
    assert Customer.objects.filter(pk=customer.pk).exists()

    assert send("admin", "DELETE", url).status_code == 204

    assert not Customer.all_objects.filter(pk=customer.pk).exists()
    event = audit.events_for(customer).first()
    assert event.action == AuditEvent.Action.PURGE and event.actor == users["admin"]
    assert send("admin", "POST", URL, {"kind": "person", "last_name": "Next"}).json()["code"] != customer.code


def test_purge_of_a_deleted_customer_with_if_match(send: Any, customer: Customer) -> None:
    services.delete_customer(user=None, customer=customer)
    url = f"{URL}/{customer.code}?purge=true"
    assert send("admin", "DELETE", url, headers={"If-Match": '"1"'}).status_code == 412
    assert send("admin", "DELETE", url, headers={"If-Match": '"2"'}).status_code == 204
    assert not Customer.all_objects.filter(pk=customer.pk).exists()


def test_label_delete_restore_and_purge(send: Any) -> None:
    label = LabelFactory(name="VIP")
    carrier = CustomerFactory(labels=[label])
    url = f"/api/v1/labels/{label.pk}"
    assert send("sales", "DELETE", url).status_code == 204
    assert send("sales", "GET", url).status_code == 404
    restored = send("sales", "POST", f"{url}/restore")
    assert restored.status_code == 200 and restored.json()["name"] == "VIP"
    assert list(Customer.objects.get(pk=carrier.pk).labels.all()) == [label]

    assert send("sales", "DELETE", f"{url}?purge=true").status_code == 403
    assert send("admin", "DELETE", f"{url}?purge=true").status_code == 204
    assert not Label.all_objects.filter(pk=label.pk).exists()


def test_a_label_restore_refused_by_its_name(send: Any) -> None:
    old = LabelFactory(name="VIP")
    services.delete_label(user=None, label=old)
    LabelFactory(name="vip")
    response = send("sales", "POST", f"/api/v1/labels/{old.pk}/restore")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "name"


# --- include_deleted ------------------------------------------------------------------------


def test_deleted_customers_are_left_out_unless_an_admin_asks(call: Caller, customer: Customer) -> None:
    other = CustomerFactory(last_name="Zebra")
    services.delete_customer(user=None, customer=customer)

    listed = call("admin", "GET", URL).json()
    assert [item["code"] for item in listed["items"]] == [other.code] and listed["count"] == 1

    everything = call("admin", "GET", URL, query={"include_deleted": "true"}).json()
    assert everything["count"] == 2
    deleted_at = {item["code"]: item["deleted_at"] for item in everything["items"]}
    assert deleted_at[other.code] is None and deleted_at[customer.code] is not None


def test_include_deleted_searches_deleted_customers_too(call: Caller, customer: Customer) -> None:
    CustomerFactory(last_name="Zebra")
    services.delete_customer(user=None, customer=customer)
    query = {"include_deleted": "true", "q": "zebulon"}
    found = call("admin", "GET", URL, query=query).json()
    assert [item["code"] for item in found["items"]] == [customer.code] and found["count"] == 1
    assert call("admin", "GET", URL, query={"q": "zebulon"}).json()["count"] == 0
    by_name = call("admin", "GET", URL, query={"include_deleted": "true", "name": "binta"}).json()
    assert by_name["count"] == 1


def test_one_deleted_customer_for_an_admin(call: Caller, customer: Customer) -> None:
    services.delete_customer(user=None, customer=customer)
    url = f"{URL}/{customer.code}"
    assert call("admin", "GET", url).status_code == 404
    response = call("admin", "GET", url, query={"include_deleted": "true"})
    assert response.status_code == 200 and response.json()["deleted_at"] is not None and response["ETag"] == '"2"'


@pytest.mark.parametrize("role", ["sales", "support", "accounting"])
def test_include_deleted_is_refused_to_everyone_else(call: Caller, customer: Customer, role: str) -> None:
    for path in (URL, f"{URL}/{customer.code}"):
        response = call(role, "GET", path, query={"include_deleted": "true"})
        assert response.status_code == 403, path
        assert "Only administrators may include deleted customers" in response.json()["detail"]
    assert call(role, "GET", URL, query={"include_deleted": "false"}).status_code == 200


def test_a_deleted_customer_is_read_with_its_relations_as_a_live_one_is(
    call: Caller, customer: Customer, users: dict[str, Any]
) -> None:
    """The spec's rows with deleted ones (``DeletedRows.queryset``) load the officer, organization and labels."""
    services.update_customer(
        user=None,
        customer=customer,
        officer=users["sales"],
        organization=OrganizationFactory(),
        labels=[LabelFactory(name="VIP")],
    )
    url = f"{URL}/{customer.code}"
    call("admin", "GET", url)  # the token's and the permissions' lookups are warm
    with CaptureQueriesContext(connection) as live:
        call("admin", "GET", url)
    services.delete_customer(user=None, customer=customer)

    with CaptureQueriesContext(connection) as deleted:
        response = call("admin", "GET", url, query={"include_deleted": "true"})

    assert response.status_code == 200 and response.json()["labels"] == ["VIP"]
    assert len(deleted) == len(live)
