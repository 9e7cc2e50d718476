"""``GET /api/v1/audit`` (whole log: admins; one object: whoever may view it) and a customer as of a moment."""

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from clientbook.accounts import services as account_services
from clientbook.core.context import RequestContext, reset_context, set_context
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer
from tests.api.conftest import Caller, error_fields

pytestmark = pytest.mark.django_db

AUDIT = "/api/v1/audit"


def customer_url(customer: Customer) -> str:
    return f"/api/v1/customers/{customer.code}"


def as_of_url(customer: Customer) -> str:
    return f"/api/v1/customers/{customer.code}/as-of"


@pytest.fixture
def ada(users: dict[str, Any]) -> Customer:
    token = set_context(RequestContext(ip="203.0.113.7", user_agent="pytest", request_id="req-42"))
    try:
        customer = CustomerFactory(first_name="Ada", last_name="Lovelace", city="London")
    finally:
        reset_context(token)
    return services.update_customer(user=users["sales"], customer=customer, city="Paris")


# --- One object's history -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "sales", "support", "accounting"])
def test_an_objects_history_for_whoever_may_view_it(call: Caller, ada: Customer, role: str) -> None:
    response = call(role, "GET", AUDIT, query={"object": ada.code.lower()})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["page"] == 1
    update, create = body["items"]  # newest first
    assert update["action"] == "update" and create["action"] == "create"
    assert update["actor"] == "sales-user" and update["actor_kind"] == "user"
    assert update["object"] == {
        "type": "customers.customer",
        "id": str(ada.pk),
        "code": ada.code,
        "display": str(ada),
    }
    assert update["changes"] == {"city": {"before": "London", "after": "Paris"}}
    assert {"at", "operation_id"} <= set(update)


def test_request_details_are_for_admins_only(call: Caller, ada: Customer) -> None:
    as_admin = call("admin", "GET", AUDIT, query={"object": ada.code}).json()["items"][-1]
    as_support = call("support", "GET", AUDIT, query={"object": ada.code}).json()["items"][-1]
    assert (as_admin["ip"], as_admin["user_agent"], as_admin["request_id"]) == ("203.0.113.7", "pytest", "req-42")
    assert (as_support["ip"], as_support["user_agent"], as_support["request_id"]) == (None, None, None)


def test_an_unknown_object_is_404(call: Caller) -> None:
    response = call("support", "GET", AUDIT, query={"object": "CUST9999999"})
    assert response.status_code == 404
    assert error_fields(response) == set()


def test_a_deleted_objects_history_is_for_admins(call: Caller, users: dict[str, Any], ada: Customer) -> None:
    services.delete_customer(user=users["sales"], customer=ada)
    assert call("sales", "GET", AUDIT, query={"object": ada.code}).status_code == 404
    actions = [item["action"] for item in call("admin", "GET", AUDIT, query={"object": ada.code}).json()["items"]]
    assert actions == ["delete", "update", "create"]


def test_a_caller_without_a_role_may_not_read_an_objects_history(ada: Customer) -> None:
    nobody = get_user_model().objects.create_user(username="nobody", password="Correct-Horse-42")
    _, token = account_services.create_api_token(user=nobody)
    response = Client().get(AUDIT, {"object": ada.code}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_filters_narrow_an_objects_history(call: Caller, ada: Customer) -> None:
    body = call("support", "GET", AUDIT, query={"object": ada.code, "action": "create"}).json()
    assert [item["action"] for item in body["items"]] == ["create"]


# --- The whole log --------------------------------------------------------------------------------


def test_the_whole_log_is_for_admins(call: Caller, ada: Customer) -> None:
    for role in ("sales", "support", "accounting"):
        response = call(role, "GET", AUDIT)
        assert response.status_code == 403
        assert "administrators" in response.json()["detail"]
    assert call(None, "GET", AUDIT).status_code == 401
    assert call("admin", "GET", AUDIT).json()["count"] == AuditEvent.objects.count()


def test_the_whole_log_takes_the_pages_filters(call: Caller, users: dict[str, Any], ada: Customer) -> None:
    LabelFactory(name="VIP")
    services.change_status(user=users["admin"], customer=ada, status="inactive")

    def actions(**query: Any) -> list[str]:
        response = call("admin", "GET", AUDIT, query=query)
        assert response.status_code == 200, response.json()
        # The log also holds the set-up's users and tokens (accounts' events); these checks are about the rest.
        return [item["action"] for item in response.json()["items"] if item["object"]["type"] != "auth.user"]

    assert actions() == ["status_change", "create", "update", "create"]
    assert actions(sort="at") == ["create", "update", "create", "status_change"]
    assert actions(user="admin-user") == ["status_change"]
    assert actions(action="update") == ["update"]
    assert actions(object_type="customers.label") == ["create"]
    assert actions(object_code=ada.code) == ["status_change", "update", "create"]
    assert actions(q="lovelace", action="create") == ["create"]
    today = timezone.localdate()
    assert len(actions(at_after=today.isoformat(), at_before=today.isoformat())) == 4
    assert actions(at_before=(today - timedelta(days=1)).isoformat()) == []
    page = call("admin", "GET", AUDIT, query={"page_size": 2, "page": 2, "object_type": "customers.customer"}).json()
    assert (page["count"], page["page"], page["page_size"], len(page["items"])) == (3, 2, 2, 1)


def test_operation_filter(call: Caller, users: dict[str, Any]) -> None:
    first, second, other = CustomerFactory(), CustomerFactory(), CustomerFactory()
    with audit.operation("bulk status") as operation_id:
        services.deactivate_customer(user=users["sales"], customer=first)
        services.deactivate_customer(user=users["sales"], customer=second)
    services.deactivate_customer(user=users["sales"], customer=other)
    body = call("admin", "GET", AUDIT, query={"operation": str(operation_id)}).json()
    assert {item["object"]["code"] for item in body["items"]} == {first.code, second.code}
    assert {item["operation_id"] for item in body["items"]} == {str(operation_id)}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"action": "explode"}, "action"),
        ({"at_after": "soon"}, "at_after"),
        ({"user": "nobody-at-all"}, "user"),
        ({"object_type": "nope.nothing"}, "object_type"),
        ({"operation": "not-a-uuid"}, "operation"),
        ({"sort": "city"}, "sort"),
        ({"page_size": 1000}, "page_size"),
    ],
)
def test_bad_filters_are_422_naming_the_field(call: Caller, query: dict[str, Any], field: str) -> None:
    response = call("admin", "GET", AUDIT, query=query)
    assert response.status_code == 422
    assert error_fields(response) == {field}


# --- Append-only ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_no_operation_changes_or_deletes_events(call: Caller, ada: Customer, method: str) -> None:
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    for path in (AUDIT, f"{AUDIT}/{event.pk}"):
        response = call("admin", method, path, body={"action": "delete"})
        assert response.status_code in (404, 405), (method, path, response.status_code)
    assert call("admin", method, AUDIT, body={}).status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).action == AuditEvent.Action.CREATE
    assert AuditEvent.objects.filter(object_type="customers.customer").count() == 2


def test_the_schema_offers_no_write_on_the_audit_log(call: Caller) -> None:
    paths = call(None, "GET", "/api/v1/openapi.json").json()["paths"]
    audit_paths = {path: set(methods) for path, methods in paths.items() if path.startswith(AUDIT)}
    assert audit_paths == {AUDIT: {"get"}}


# --- As of ----------------------------------------------------------------------------------------


def test_as_of_returns_the_record_then(call: Caller, users: dict[str, Any]) -> None:
    vip = LabelFactory(name="VIP")
    customer = CustomerFactory(city="London", labels=[vip])
    created_at = audit.events_for(customer).get().at
    services.update_customer(user=users["sales"], customer=customer, city="Paris", labels=[])

    response = call("support", "GET", as_of_url(customer), query={"at": created_at.isoformat()})

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == customer.code and body["recorded_action"] == "create"
    assert body["record"]["city"] == "London" and body["record"]["labels"] == ["VIP"]
    now = call("support", "GET", as_of_url(customer), query={"at": timezone.now().isoformat()}).json()
    assert now["record"]["city"] == "Paris" and now["recorded_action"] == "update"
    assert call("support", "GET", customer_url(customer)).json()["city"] == "Paris"  # without as_of: the record


def test_as_of_before_the_customer_existed_is_404(call: Caller) -> None:
    customer = CustomerFactory()
    before = audit.events_for(customer).get().at - timedelta(seconds=1)
    response = call("support", "GET", as_of_url(customer), query={"at": before.isoformat()})
    assert response.status_code == 404
    assert error_fields(response) == set()


def test_as_of_after_a_delete_is_404_and_before_it_is_for_admins(call: Caller, users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="London")
    created_at = audit.events_for(customer).get().at
    services.delete_customer(user=users["sales"], customer=customer)
    query = {"at": timezone.now().isoformat()}
    assert call("admin", "GET", as_of_url(customer), query=query).status_code == 404
    then = {"at": created_at.isoformat()}
    assert call("support", "GET", as_of_url(customer), query=then).status_code == 404
    assert call("admin", "GET", as_of_url(customer), query=then).json()["record"]["city"] == "London"


@pytest.mark.parametrize("moment", ["yesterday", "2025-13-01T00:00:00", "2025-01-01T25:00"])
def test_as_of_a_bad_datetime_is_422(call: Caller, moment: str) -> None:
    customer = CustomerFactory()
    response = call("support", "GET", as_of_url(customer), query={"at": moment})
    assert response.status_code == 422
    assert error_fields(response) == {"at"}


def test_as_of_needs_a_caller_who_may_view_customers(call: Caller) -> None:
    customer = CustomerFactory()
    query = {"at": timezone.now().isoformat()}
    assert call(None, "GET", as_of_url(customer), query=query).status_code == 401
    nobody = get_user_model().objects.create_user(username="nobody", password="Correct-Horse-42")
    _, token = account_services.create_api_token(user=nobody)
    response = Client().get(as_of_url(customer), query, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_the_old_as_of_parameter_redirects_to_the_as_of_operation(call: Caller) -> None:
    customer = CustomerFactory(city="London")
    moment = timezone.now().isoformat()

    response = call("support", "GET", customer_url(customer), query={"as_of": moment})

    assert response.status_code == 307
    assert response["Location"] == f"{as_of_url(customer)}?{urlencode({'at': moment})}"
    followed = call("support", "GET", as_of_url(customer), query={"at": moment})
    assert followed.status_code == 200 and followed.json()["record"]["city"] == "London"


def test_the_plain_retrieve_has_one_shape_and_time_travel_its_own_operation(call: Caller) -> None:
    paths = call(None, "GET", "/api/v1/openapi.json").json()["paths"]
    retrieve = paths["/api/v1/customers/{code}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert retrieve["schema"] == {"$ref": "#/components/schemas/CustomerOut"}
    as_of = paths["/api/v1/customers/{code}/as-of"]["get"]
    assert as_of["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/RecordAsOfOut")
    assert [(p["name"], p["required"]) for p in as_of["parameters"] if p["in"] == "query"] == [("at", True)]
