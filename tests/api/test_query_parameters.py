"""API: a query parameter an operation does not take is refused (400 naming it), never ignored."""

import uuid
from typing import Any

import pytest

from clientbook.core.models import ExportJob, ImportJob
from clientbook.customers.factories import LabelFactory
from tests.api.conftest import Book, Caller, error_fields

pytestmark = pytest.mark.django_db


def test_a_misspelt_filter_is_refused_instead_of_returning_everything(call: Caller, book: Book) -> None:
    response = call("admin", "GET", "/api/v1/customers", query={"stauts": "active"})

    assert response.status_code == 400
    assert error_fields(response) == {"stauts"}
    assert "stauts" in response.json()["detail"]


def test_every_unknown_parameter_is_named(call: Caller, book: Book) -> None:
    response = call("admin", "GET", "/api/v1/customers", query=[("stauts", "active"), ("labl", "VIP"), ("q", "x")])

    assert response.status_code == 400
    assert error_fields(response) == {"stauts", "labl"}


def test_the_lists_own_parameters_and_paging_are_accepted(call: Caller, book: Book) -> None:
    query = {"status": "active", "q": "a", "sort": "-name", "page": 1, "page_size": 2, "include_deleted": "false"}
    assert call("admin", "GET", "/api/v1/customers", query=query).status_code == 200
    assert call("admin", "GET", "/api/v1/labels", query={"q": "V", "page": 1, "page_size": 5}).status_code == 200
    assert call("admin", "GET", "/api/v1/audit", query={"action": "create", "page": 2}).status_code == 200


def test_every_operation_refuses_a_parameter_it_does_not_take(call: Caller, book: Book, users: dict[str, Any]) -> None:
    label = LabelFactory(name="Refused")
    admin = users["admin"]
    export = ExportJob.objects.create(user=admin, list_key="customers", format="csv", fields=["code"])
    imported = ImportJob.objects.create(user=admin, model_key="customers", file_name="x.csv")
    code = book.code("Binta")
    paths = [
        "/api/v1/customers",
        f"/api/v1/customers/{code}",
        "/api/v1/labels",
        f"/api/v1/labels/{label.pk}",
        "/api/v1/audit",
        "/api/v1/me",
        f"/api/v1/exports/{export.pk}",
        f"/api/v1/exports/{export.pk}/file",
        f"/api/v1/imports/{imported.pk}",
        f"/api/v1/imports/{imported.pk}/errors",
        f"/api/v1/operations/{uuid.uuid4()}",
    ]
    for path in paths:
        response = call("admin", "GET", path, query={"pagee": "2"})
        assert response.status_code == 400, (path, response.content)
        assert error_fields(response) == {"pagee"}, path


def test_a_misspelt_purge_does_not_turn_into_a_soft_delete(call: Caller, book: Book) -> None:
    code = book.code("Dana")
    response = call("admin", "DELETE", f"/api/v1/customers/{code}?prge=true")

    assert response.status_code == 400 and error_fields(response) == {"prge"}
    assert call("admin", "GET", f"/api/v1/customers/{code}").status_code == 200


def test_an_anonymous_caller_is_told_to_authenticate_first(call: Caller) -> None:
    assert call(None, "GET", "/api/v1/customers", query={"stauts": "active"}).status_code == 401


def test_the_schema_documents_the_400_on_every_operation(call: Caller) -> None:
    schema = call(None, "GET", "/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert "400" in operation["responses"], (method, path)
