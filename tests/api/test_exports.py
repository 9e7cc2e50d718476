"""``POST /api/v1/exports`` and the background exports it starts (``GET /api/v1/exports/{id}`` and its file)."""

import csv
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from clientbook.core.exports import engine as exports
from clientbook.core.models import AuditEvent
from tests.api.conftest import Book, Caller, error_fields

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports"


def export(call: Caller, role: str = "support", **body: Any) -> Any:
    return call(role, "POST", URL, body={"model": "customers", "format": "csv", "fields": ["code"], **body})


def csv_rows(response: Any) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_small_export_is_the_file_with_the_lists_filters_and_sort(call: Caller, book: Book) -> None:
    response = export(
        call, fields=["name", "balance", "city"], filters={"status": ["active", "inactive"], "sort": "-balance"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    assert csv_rows(response) == [
        ["Name", "Balance", "City"],
        ["Acme Insurance", "5000.00", "Denton"],
        ["José Álvarez", "100.00", "Denton"],
        ["Binta Singhateh", "-20.50", "London"],
    ]


def test_the_search_and_a_numeric_filter(call: Caller, book: Book) -> None:
    response = export(call, fields=["name"], filters={"q": "denton", "balance_min": 500})
    assert csv_rows(response) == [["Name"], ["Acme Insurance"]]


def test_xlsx_and_pdf_have_their_content_types(call: Caller, book: Book) -> None:
    xlsx = export(call, format="xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert b"".join(xlsx.streaming_content).startswith(b"PK")
    pdf = export(call, format="pdf", fields=["code", "name"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"fields": []}, "fields"),
        ({"fields": ["code", "search_document"]}, "fields"),
        ({"format": "docx"}, "format"),
        ({"model": "audit"}, "model"),
        ({"model": "nothing"}, "model"),
        ({"filters": {"nope": "1"}}, "filters.nope"),
        ({"filters": {"code_min": "not a code"}}, "filters.code_min"),
        ({"filters": {"sort": "shoe_size"}}, "filters.sort"),
        ({"filters": {"status": ["gone"]}}, "filters.status"),
        ({"unexpected": True}, "unexpected"),
    ],
)
def test_bad_requests_name_the_field(call: Caller, book: Book, body: dict[str, Any], field: str) -> None:
    response = export(call, **body)
    assert response.status_code == 422, response.content
    assert field in error_fields(response)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_pdf_over_the_limit_is_refused(call: Caller, book: Book, settings: Any) -> None:
    settings.CLIENTBOOK_EXPORT_PDF_MAX_ROWS = 4
    response = export(call, format="pdf")
    assert response.status_code == 422
    assert error_fields(response) == {"format"}
    assert "A PDF holds at most 4 customers; this list has 5." in response.json()["errors"][0]["message"]
    assert export(call, format="pdf", filters={"country": "US"}).status_code == 200


def test_the_rate_limit_answers_429_with_retry_after(call: Caller, book: Book, settings: Any) -> None:
    settings.CLIENTBOOK_EXPORTS_PER_MINUTE = 2
    assert export(call).status_code == 200
    assert export(call).status_code == 200
    refused = export(call)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json() == {
        "detail": f"You can export at most 2 times a minute. Try again in {refused['Retry-After']} seconds; "
        "nothing was exported.",
        "errors": [],
    }
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 2


def test_the_export_is_audited_as_the_tokens_user(call: Caller, users: dict[str, Any], book: Book) -> None:
    export(call, "accounting", fields=["email", "code"], filters={"country": "US", "sort": "email"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.actor_kind) == (users["accounting"], AuditEvent.ActorKind.TOKEN)
    assert event.extra["fields"] == ["email", "code"]
    assert event.extra["filters"] == {"country": "US", "sort": "email"}
    assert event.extra["rows"] == 3


def test_a_large_export_is_a_job_to_poll_and_download(
    call: Caller, users: dict[str, Any], book: Book, settings: Any
) -> None:
    settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS = 2
    started = export(call, fields=["code", "name"], filters={"sort": "code"})
    assert started.status_code == 202
    body = started.json()
    assert (body["state"], body["total_rows"], body["download_url"]) == ("queued", 5, None)
    job_url = f"{URL}/{body['id']}"
    assert call("support", "GET", f"{job_url}/file").status_code == 409

    exports.run_job(body["id"])
    polled = call("support", "GET", job_url).json()
    assert (polled["state"], polled["progress"], polled["row_count"]) == ("done", 100, 5)
    assert polled["download_url"] == f"{job_url}/file"
    assert polled["fields"] == ["code", "name"] and polled["filters"] == {"sort": "code"}
    download = call("support", "GET", polled["download_url"])
    assert download.status_code == 200
    rows = csv_rows(download)
    assert rows[0] == ["Code", "Name"] and [row[0] for row in rows[1:]] == sorted(
        customer.code for customer in book.customers.values()
    )

    # Someone else's export: administrators may read it; for other users it does not exist, as an import.
    assert call("admin", "GET", job_url).status_code == 200
    assert call("sales", "GET", job_url).status_code == 404
    assert call("sales", "GET", polled["download_url"]).status_code == 404
    assert call(None, "GET", job_url).status_code == 401
    assert call("support", "GET", f"{URL}/999999").status_code == 404


def test_callers_without_the_view_right_are_refused(call: Caller, book: Book) -> None:
    assert export(call, None).status_code == 401
    nobody = get_user_model().objects.create_user(username="nobody", password="x")
    client = Client()
    client.force_login(nobody)
    response = client.post(
        URL, {"model": "customers", "format": "csv", "fields": ["code"]}, content_type="application/json"
    )
    assert response.status_code == 403
