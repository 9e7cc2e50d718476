"""The OpenAPI schema and the interactive docs (local assets, no inline script, the site's CSP)."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from playwright.sync_api import Browser, sync_playwright

from clientbook.core.kit.spec import all_specs
from clientbook.core.models import BulkOperation, ExportJob, ImportJob
from clientbook.core.testing.api import permission_rows
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/v1/customers"),
    ("post", "/api/v1/customers"),
    ("get", "/api/v1/customers/{code}"),
    ("get", "/api/v1/customers/{code}/as-of"),
    ("patch", "/api/v1/customers/{code}"),
    ("delete", "/api/v1/customers/{code}"),
    ("post", "/api/v1/customers/{code}/restore"),
    ("get", "/api/v1/customers/{code}/timeline"),
    ("post", "/api/v1/leads/{code}/convert"),
    ("post", "/api/v1/access/decisions"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/search"),
    ("get", "/api/v1/audit"),
    ("post", "/api/v1/customers/bulk"),
    ("get", "/api/v1/operations/{operation_id}"),
    ("post", "/api/v1/operations/{operation_id}/undo"),
    ("post", "/api/v1/exports"),
    ("get", "/api/v1/exports/{job_id}"),
    ("get", "/api/v1/exports/{job_id}/file"),
    ("post", "/api/v1/imports"),
    ("get", "/api/v1/imports/{job_id}"),
    ("get", "/api/v1/imports/{job_id}/errors"),
    ("post", "/api/v1/imports/{job_id}/run"),
    ("post", "/api/v1/imports/{job_id}/cancel"),
    ("post", "/api/v1/imports/{job_id}/undo"),
}
# Every kit model's generated operations (clientbook.api.kit).
OPERATIONS |= {(key.split(" ")[0].lower(), key.split(" ")[1]) for spec in all_specs() for key in permission_rows(spec)}


@pytest.fixture(scope="module")
def schema(django_db_setup: None, django_db_blocker: Any) -> dict[str, Any]:
    """The served schema, fetched once for the module's tests (which only read it): building it takes seconds."""
    with django_db_blocker.unblock(), transaction.atomic():
        response = Client().get("/api/v1/openapi.json")
        transaction.set_rollback(True)
    assert response.status_code == 200
    return response.json()


def test_schema_is_openapi_3_with_every_operation(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    found = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert found == OPERATIONS


def test_schema_documents_session_and_bearer_auth_on_every_operation(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["BearerAuth"]["description"],
    }
    assert (schemes["SessionAuth"]["type"], schemes["SessionAuth"]["in"]) == ("apiKey", "cookie")
    # Gate readers authenticate with a device token of their own, not a user's.
    by_device = {("post", "/api/v1/access/decisions")}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            expected = (
                [{"DeviceToken": []}] if (method, path) in by_device else [{"BearerAuth": []}, {"SessionAuth": []}]
            )
            assert operation["security"] == expected, (method, path)
            refusals = {"401"} if (method, path) in by_device else {"401", "403"}
            assert refusals <= set(operation["responses"]), (method, path)


def test_schema_documents_the_error_envelope(schema: dict[str, Any]) -> None:
    envelope = schema["components"]["schemas"]["ErrorOut"]
    assert set(envelope["properties"]) == {"detail", "errors"}
    create = schema["paths"]["/api/v1/customers"]["post"]["responses"]
    assert {"201", "400", "401", "403", "409", "422"} <= set(create)


def test_repeatable_list_parameters_are_arrays(schema: dict[str, Any]) -> None:
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/customers"]["get"]["parameters"]}
    for name in ("status", "label"):
        assert parameters[name]["schema"]["anyOf"][0]["type"] == "array"
    assert parameters["page_size"]["schema"]["anyOf"][0]["maximum"] == 100


def test_docs_page_uses_local_assets_and_no_inline_script(db: Any) -> None:
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in re.search(r"script-src[^;]*", policy).group(0)
    assert not re.search(r"https?://", html), "the docs page must not load anything from another site"
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        # A script either comes from /static/ or is inert JSON data, which CSP does not execute.
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes, attributes
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert Client().get(asset).status_code == 200, asset


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.browser
def test_docs_render_under_the_csp_without_leaving_the_site(live_server: Any, chromium: Browser) -> None:
    page = chromium.new_page()
    problems: list[str] = []
    requested: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock-summary-path").first.wait_for()

    paths = set(page.locator(".opblock-summary-path").all_inner_texts())
    assert {"/api/v1/customers", "/api/v1/customers/{code}", "/api/v1/labels", "/api/v1/me"} <= paths
    assert page.get_by_role("button", name="Authorize").is_visible()
    assert problems == []
    assert all(url.startswith(live_server.url) for url in requested), requested
    page.close()


def test_each_choice_class_has_a_component_of_its_own(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    for name, choices in [
        ("ImportJobState", ImportJob.State),
        ("ExportJobState", ExportJob.State),
        ("BulkOperationState", BulkOperation.State),
    ]:
        assert components[name]["enum"] == choices.values, name
    assert "State" not in components


def test_long_value_lists_are_one_named_component(schema: dict[str, Any]) -> None:
    text = json.dumps(schema)
    countries = schema["components"]["schemas"]["CountryCode"]
    assert "GB" in countries["enum"] and len(countries["enum"]) == len(countries["x-enum-varnames"])
    assert text.count('"ZW"') == 2  # the value and its name, once
    sort = schema["components"]["schemas"]["CustomerSort"]
    assert dict(zip(sort["enum"], sort["x-enum-varnames"], strict=True))["-name"] == "name_desc"


def test_an_enum_form_field_refers_to_its_component(schema: dict[str, Any]) -> None:
    form = schema["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["duplicate_strategy"]["allOf"] == [{"$ref": "#/components/schemas/Strategy"}]


def test_files_are_bytes_and_headers_are_declared(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    for path in ("/api/v1/exports/{job_id}/file", "/api/v1/imports/{job_id}/errors"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert next(iter(content)) == "application/octet-stream", path
        assert any(media_type.startswith("text/csv") for media_type in content), path
    assert "Location" in paths["/api/v1/imports"]["post"]["responses"]["202"]["headers"]
    assert "Retry-After" in paths["/api/v1/exports"]["post"]["responses"]["429"]["headers"]


def test_a_blank_choice_is_null_in_the_schema(schema: dict[str, Any]) -> None:
    gender = schema["components"]["schemas"]["CustomerOut"]["properties"]["gender"]
    assert {"type": "null"} in gender["anyOf"] and {"const": ""} not in gender["anyOf"]
