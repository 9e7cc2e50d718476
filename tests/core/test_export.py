"""Export of a list (the customer list here): the dialog, CSV/XLSX/PDF content, limits, audit and jobs."""

import base64
import contextlib
import csv
import gc
import io
import json
import os
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from clientbook.core.exports import engine as exports
from clientbook.core.exports.formats import pdf as export_pdf
from clientbook.core.exports.formats import tabular as export_formats
from clientbook.core.listing import pipeline as listing
from clientbook.core.listing.columns import ExportField, mask
from clientbook.core.models import AuditEvent, ExportJob
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer
from clientbook.customers.specs import CUSTOMER_LIST

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
DIALOG = reverse("exports:dialog", args=["customers"])
HTMX_MODAL = {"HX-Request": "true", "HX-Target": "modal-content", "HX-Current-URL": "http://testserver/customers/"}
XLSX_NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def book(users: dict[str, Any]) -> dict[str, Customer]:
    vip = LabelFactory(name="VIP")
    key = LabelFactory(name="Key account")
    acme = OrganizationFactory(company_name="Acme Ltd", balance=Decimal("5000.00"), city="Leeds", country="GB")
    return {
        "acme": acme,
        "ada": CustomerFactory(
            first_name="Ada",
            last_name="Lovelace",
            city="London",
            country="GB",
            phone="+44 20 7946 0958",
            balance=Decimal("250.50"),
            birthday=date(1980, 12, 10),
            organization=acme,
            officer=users["sales"],
            labels=[vip, key],
        ),
        "bob": CustomerFactory(first_name="Bob", last_name="Builder", city="Leeds", balance=Decimal("-20.50")),
        "cid": CustomerFactory(
            first_name="Cid", last_name="Moreau", city="Paris", country="FR", status=Customer.Status.INACTIVE
        ),
        "dee": CustomerFactory(first_name="Dee", last_name="Okafor", city="Lagos", country="NG", balance=Decimal("0")),
    }


def post_export(
    client: Client, fields: list[str], fmt: str = "csv", query: str = "", headers: Any = None, **extra: Any
) -> Any:
    return client.post(DIALOG, {"selected_fields": fields, "format": fmt, "query": query, **extra}, headers=headers)


def csv_rows(response: Any) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "the CSV starts with a byte-order mark"
    return list(csv.reader(io.StringIO(text[1:])))


def file_bytes(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_cells(content: bytes) -> list[list[tuple[str, str, bool]]]:
    """Each row's cells as (type, text, is_formula): "s"/"inlineStr"/"str" text or "n" numbers."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
            shared = ["".join(node.itertext()) for node in root.findall("x:si", XLSX_NS)]
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{{{XLSX_NS['x']}}}row"):
        cells = []
        for cell in row.findall("x:c", XLSX_NS):
            kind = cell.get("t", "n")
            value = cell.find("x:v", XLSX_NS)
            if kind == "s":
                text = shared[int(value.text)]  # type: ignore[union-attr,arg-type]
            elif kind == "inlineStr":
                text = "".join(cell.find("x:is", XLSX_NS).itertext())  # type: ignore[union-attr]
            else:
                text = value.text if value is not None else ""  # type: ignore[assignment]
            # OOXML escapes control characters as _xHHHH_; spreadsheet programs read them back.
            text = re.sub(r"_x([0-9A-F]{4})_", lambda match: chr(int(match.group(1), 16)), text or "")
            cells.append((kind, text, cell.find("x:f", XLSX_NS) is not None))
        rows.append(cells)
    return rows


def pdf_text(content: bytes) -> str:
    """The text drawn in a PDF written with a standard font: its page streams, decoded."""
    parts = []
    for stream in re.findall(rb"\bstream\r?\n(.*?)endstream", content, re.S):
        data = base64.a85decode(stream.strip(), adobe=True) if stream.strip().endswith(b"~>") else stream
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        parts.append(data.decode("latin-1"))
    return "\n".join(parts)


@pytest.fixture
def standard_pdf_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """Helvetica writes text as text (a subset TrueType font writes glyph numbers), so tests can read it."""
    monkeypatch.setattr(export_pdf, "pdf_fonts", lambda: ("Helvetica", "Helvetica-Bold"))


# --- The dialog ------------------------------------------------------------------------------


def test_the_list_toolbar_opens_the_dialog_with_the_lists_query(client_for: ClientFor, book: Any) -> None:
    page = client_for("support").get(reverse("customers:customer_list"), {"q": "leeds"}).content.decode()
    assert 'data-testid="export-button"' in page
    assert f'href="{DIALOG}?q=leeds"' in page
    assert f'hx-get="{DIALOG}"' in page and 'hx-include="#list-form"' in page


def test_every_field_is_offered_and_none_is_chosen(client_for: ClientFor, book: Any) -> None:
    response = client_for("support").get(DIALOG, {"q": "leeds", "page": "2", "columns": "code"}, headers=HTMX_MODAL)
    assert response.status_code == 200
    html = response.content.decode()
    boxes = re.findall(r'<input type="checkbox" name="selected_fields" value="(\w+)"([^>]*)>', html)
    assert [name for name, _ in boxes] == [field.name for field in CUSTOMER_LIST.export_fields]
    assert not any("checked" in attributes for _, attributes in boxes)
    assert re.search(r'name="select_all"(?![^>]*checked)[^>]*data-export-select-all', html)
    # The list's query, without its page and columns, travels with the form; the count is the list's.
    assert 'name="query" value="q=leeds"' in html
    assert "<strong>2</strong> customers match" in html
    assert 'class="modal-header"' in html and "<html" not in html


def test_the_dialog_is_a_page_without_javascript(client_for: ClientFor, book: Any) -> None:
    response = client_for("accounting").get(DIALOG, {"status": "inactive"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert f'action="{DIALOG}"' in html and "hx-post" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<strong>1</strong> customer match" in html


def test_no_field_chosen_is_a_form_error(client_for: ClientFor, book: Any) -> None:
    response = post_export(client_for("sales"), [], headers=HTMX_MODAL)
    assert response.status_code == 422
    assert "Choose at least one field to export." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_unknown_field_and_format_are_refused(client_for: ClientFor, book: Any) -> None:
    response = post_export(client_for("sales"), ["code", "search_document"], fmt="docx")
    html = response.content.decode()
    assert response.status_code == 422
    assert "search_document is not one of the available choices" in html
    assert "docx is not one of the available choices" in html


def test_invalid_list_query_is_named_in_the_dialog(client_for: ClientFor, book: Any) -> None:
    response = post_export(client_for("sales"), ["code"], query="code_min=nonsense")
    assert response.status_code == 422
    assert "“nonsense” is not a customer code" in response.content.decode()


def test_unknown_list_and_list_without_export(client_for: ClientFor) -> None:
    client = client_for("admin")
    assert client.get(reverse("exports:dialog", args=["nothing"])).status_code == 404
    assert client.get(reverse("exports:dialog", args=["audit"])).status_code == 404


# --- Content ---------------------------------------------------------------------------------


def test_csv_follows_the_search_filters_and_sort(client_for: ClientFor, book: Any) -> None:
    response = post_export(client_for("support"), ["code", "name", "balance"], query="status=active&sort=-balance")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="customers-\d{8}-\d{6}\.csv"', response["Content-Disposition"])
    rows = csv_rows(response)
    assert rows[0] == ["Code", "Name", "Balance"]
    assert rows[1:] == [
        [book["acme"].code, "Acme Ltd", "5000.00"],
        [book["ada"].code, "Ada Lovelace", "250.50"],
        [book["dee"].code, "Dee Okafor", "0.00"],
        [book["bob"].code, "Bob Builder", "-20.50"],
    ]

    searched = csv_rows(post_export(client_for("support"), ["name"], query="q=leeds&sort=name"))
    assert searched == [["Name"], ["Acme Ltd"], ["Bob Builder"]]


def test_fields_come_in_the_chosen_order_with_readable_values(client_for: ClientFor, book: Any) -> None:
    fields = ["labels", "organization", "officer", "country", "phone", "kind", "status", "birthday", "created_at"]
    rows = csv_rows(post_export(client_for("support"), fields, query=f"q={book['ada'].code}"))
    assert rows[0] == [
        "Labels",
        "Organization",
        "Relationship officer",
        "Country",
        "Phone",
        "Kind",
        "Status",
        "Birthday",
        "Created",
    ]
    ada = book["ada"]
    created = timezone.localtime(ada.created_at).strftime("%Y-%m-%d %H:%M:%S")
    assert rows[1] == [
        "Key account, VIP",
        f"Acme Ltd ({book['acme'].code})",
        "sales-user",
        "United Kingdom",
        "'+442079460958",  # a leading + would make a spreadsheet compute the number
        "Person",
        "Active",
        "1980-12-10",
        created,
    ]


def test_select_all_exports_every_field(client_for: ClientFor, book: Any) -> None:
    rows = csv_rows(post_export(client_for("support"), [], select_all="on", query="sort=code"))
    assert rows[0] == [field.label for field in CUSTOMER_LIST.export_fields]
    assert len(rows) == 1 + len(book)
    names = dict(zip(rows[0], rows[1], strict=True))
    assert names["Name"] == "Acme Ltd" and names["Code"] == book["acme"].code


def test_display_names_match_the_model(client_for: ClientFor, book: Any) -> None:
    CustomerFactory(first_name="Jean", middle_name="Paul", last_name="Sartre", suffix="Jr.")
    rows = csv_rows(post_export(client_for("support"), ["code", "name"]))
    expected = {customer.code: customer.display_name for customer in Customer.objects.all()}
    assert dict(rows[1:]) == expected
    assert "Jean Paul Sartre, Jr." in expected.values()


def test_xlsx_keeps_types_and_order(client_for: ClientFor, book: Any) -> None:
    response = post_export(
        client_for("support"), ["name", "balance", "birthday", "city"], fmt="xlsx", query="sort=name"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = xlsx_cells(file_bytes(response))
    assert [text for _, text, _ in rows[0]] == ["Name", "Balance", "Birthday", "City"]
    assert [row[0][1] for row in rows[1:]] == ["Acme Ltd", "Ada Lovelace", "Bob Builder", "Cid Moreau", "Dee Okafor"]
    ada = rows[2]
    assert ada[1] == ("n", "250.5", False)
    assert ada[2][0] == "n" and ada[2][1] == str((date(1980, 12, 10) - date(1899, 12, 30)).days)
    assert ada[3][0] in ("s", "inlineStr") and ada[3][1] == "London"


# --- Formula injection -----------------------------------------------------------------------

DANGEROUS = {
    "city": '=HYPERLINK("http://evil.example","x")',
    "street": "+cmd|' /C calc'!A0",
    "industry": "-2+3",
    "state": "@SUM(A1:A2)",
    "postal_code": "\t=1+1",
    "description": "\r=1+1",
}


@pytest.fixture
def dangerous(book: Any) -> Customer:
    return CustomerFactory(first_name="Eve", last_name="Hacker", balance=Decimal("-5.25"), **DANGEROUS)


def test_csv_neutralises_formulas_and_keeps_numbers(client_for: ClientFor, dangerous: Customer) -> None:
    fields = ["city", "street", "industry", "state", "postal_code", "description", "balance"]
    rows = csv_rows(post_export(client_for("support"), fields, query=f"q={dangerous.code}"))
    assert rows[1] == [*(f"'{DANGEROUS[name]}" for name in fields[:-1]), "-5.25"]


def test_xlsx_writes_formula_like_text_as_strings(client_for: ClientFor, dangerous: Customer) -> None:
    fields = ["city", "street", "industry", "state", "postal_code", "description", "balance"]
    response = post_export(client_for("support"), fields, fmt="xlsx", query=f"q={dangerous.code}")
    content = file_bytes(response)
    assert b"<f>" not in content and b"<f " not in content
    cells = xlsx_cells(content)[1]
    assert all(kind in ("s", "inlineStr") for kind, _, _ in cells[:-1])
    assert [text for _, text, _ in cells[:-1]] == [DANGEROUS[name] for name in fields[:-1]]
    assert cells[-1] == ("n", "-5.25", False)


def test_neutralise_formula() -> None:
    assert export_formats.neutralise_formula("=1+1") == "'=1+1"
    assert export_formats.neutralise_formula("plain") == "plain"
    assert export_formats.neutralise_formula("") == ""


# Text the CSV format quotes, doubles or neutralises, and values that are not text at all.
CSV_VALUES = st.none() | st.integers() | st.text(alphabet=',"\r\n=+-@\t \x00aé') | st.text()


@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda width: st.lists(st.lists(CSV_VALUES, min_size=width, max_size=width), min_size=1, max_size=6)
    )
)
def test_csv_fields_are_written_as_the_csv_module_writes_them(rows: list[list[Any]]) -> None:
    fields = [ExportField(f"field{number}", f"Field {number}") for number in range(len(rows[0]))]
    columns = zip(*rows, strict=True)
    formatted = [form(column) for form, column in zip(export_formats.csv_formats(fields), columns, strict=True)]
    written = "".join(export_formats.csv_chunks(fields, [list(zip(*formatted, strict=True))]))
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow([field.label for field in fields])
    writer.writerows(
        [export_formats.neutralise_formula(export_formats.plain_text(value)) for value in row] for row in rows
    )
    assert written == "\ufeff" + expected.getvalue()


# --- Masked and permitted fields -------------------------------------------------------------


@pytest.fixture
def guarded_spec(monkeypatch: pytest.MonkeyPatch) -> listing.ListSpec:
    """A list whose client id is masked and whose balance only writers may export."""
    spec = replace(
        CUSTOMER_LIST,
        key="guarded-customers",
        export_fields=(
            ExportField("code", "Code"),
            ExportField("external_id", "Client id", masked=True),
            ExportField("balance", "Balance", permission="customers.change_customer"),
        ),
    )
    monkeypatch.setitem(listing._REGISTRY, spec.key, spec)
    return spec


def test_masked_fields_stay_masked(client_for: ClientFor, guarded_spec: listing.ListSpec) -> None:
    customer = CustomerFactory(external_id="CLIENT-12345678")
    url = reverse("exports:dialog", args=[guarded_spec.key])
    response = client_for("admin").post(url, {"selected_fields": ["code", "external_id"], "format": "csv"})
    assert csv_rows(response)[1] == [customer.code, "••••5678"]
    xlsx = client_for("admin").post(url, {"selected_fields": ["external_id"], "format": "xlsx"})
    assert xlsx_cells(file_bytes(xlsx))[1][0][1] == "••••5678"
    assert b"CLIENT-12345678" not in file_bytes(xlsx)


def test_mask_hides_short_values_whole() -> None:
    assert mask("CLIENT-12345678") == "••••5678"
    assert mask("1234") == "••••"
    assert mask("") == "" and mask(None) == ""


def test_fields_the_user_may_not_see_are_neither_offered_nor_exported(
    client_for: ClientFor, guarded_spec: listing.ListSpec
) -> None:
    CustomerFactory()
    url = reverse("exports:dialog", args=[guarded_spec.key])
    assert 'value="balance"' not in client_for("support").get(url).content.decode()
    assert 'value="balance"' in client_for("sales").get(url).content.decode()
    refused = client_for("support").post(url, {"selected_fields": ["code", "balance"], "format": "csv"})
    assert refused.status_code == 422
    assert csv_rows(client_for("sales").post(url, {"selected_fields": ["balance"], "format": "csv"}))[0] == ["Balance"]


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_is_a_titled_paginated_table(client_for: ClientFor, book: Any, standard_pdf_font: None) -> None:
    response = post_export(client_for("support"), ["code", "name", "city"], fmt="pdf", query="country=GB&sort=name")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in ("(Customers)", "Country: United Kingdom", "Sorted by Name", "(Page 1 of 1)", "(Ada Lovelace)"):
        assert expected in text, expected
    assert "Bob Builder" not in text


def test_pdf_over_the_limit_is_refused_with_advice(
    client_for: ClientFor, book: Any, settings: Any, standard_pdf_font: None
) -> None:
    settings.CLIENTBOOK_EXPORT_PDF_MAX_ROWS = 3
    response = post_export(client_for("support"), ["code"], fmt="pdf", headers=HTMX_MODAL)
    html = response.content.decode()
    assert response.status_code == 422
    assert "A PDF holds at most 3 customers; this list has 5." in html
    assert "export CSV or XLSX instead" in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    allowed = post_export(client_for("support"), ["code"], fmt="pdf", query="q=London")
    assert allowed.status_code == 200


def test_pdf_of_many_rows_has_numbered_pages(client_for: ClientFor, standard_pdf_font: None) -> None:
    for number in range(120):
        CustomerFactory(first_name=f"Person{number:03d}", last_name="Paged")
    text = pdf_text(post_export(client_for("support"), ["code", "name", "email"], fmt="pdf").content)
    pages = re.findall(r"\(Page (\d+) of (\d+)\)", text)
    assert len(pages) >= 3
    assert {total for _, total in pages} == {str(len(pages))}
    assert "(Person119 Paged)" in text


# --- Rate limit ------------------------------------------------------------------------------


def test_the_eleventh_export_of_a_minute_is_refused(client_for: ClientFor, book: Any) -> None:
    client = client_for("support")
    for _ in range(settings.CLIENTBOOK_EXPORTS_PER_MINUTE):
        assert post_export(client, ["code"]).status_code == 200
    refused = post_export(client, ["code"], headers=HTMX_MODAL)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "You can export at most 10 times a minute" in refused.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 10
    # The limit is per user.
    assert post_export(client_for("sales"), ["code"]).status_code == 200


def test_the_limit_holds_across_the_turn_of_the_clock_minute(
    monkeypatch: pytest.MonkeyPatch, make_user: Callable[..., Any]
) -> None:
    user = make_user("support")
    clock = SimpleNamespace(now=119.5)
    monkeypatch.setattr(exports, "time", SimpleNamespace(time=lambda: clock.now))
    for _ in range(settings.CLIENTBOOK_EXPORTS_PER_MINUTE):
        exports.take_export_slot(user)
    clock.now = 120.5  # a new minute on the clock, one second after the first export
    with pytest.raises(exports.ExportRateLimited) as refused:
        exports.take_export_slot(user)
    assert refused.value.retry_after == 59  # when the first export's slot frees


RATE_SCRIPT = """
import os, sys, json
sys.path.insert(0, os.environ["PROJECT_DIR"])
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
from django.contrib.auth import get_user_model
from clientbook.core.exports import engine as exports
user = get_user_model().objects.get(pk=int(os.environ["EXPORT_USER_ID"]))
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()
granted = 0
for _ in range(int(os.environ["ATTEMPTS"])):
    try:
        exports.take_export_slot(user)
        granted += 1
    except exports.ExportRateLimited:
        pass
print(json.dumps({"granted": granted}))
"""


@pytest.fixture
def database_url() -> str:
    """A ``DATABASE_URL`` for the test database itself, so other processes share its cache table."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    host = params.get("HOST") or "127.0.0.1"
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{params.get('PORT') or 5432}/{params['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_rate_limit_holds_across_two_processes(make_user: Callable[..., Any], database_url: str) -> None:
    user = make_user("support")
    env = {
        **os.environ,
        "PROJECT_DIR": str(BASE_DIR),
        "DATABASE_URL": database_url,
        "EXPORT_USER_ID": str(user.pk),
        "ATTEMPTS": "8",
    }
    env.pop("REDIS_URL", None)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RATE_SCRIPT], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    for process in processes:  # both start claiming at once
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    granted = [json.loads(output.strip().splitlines()[-1])["granted"] for output in outputs]
    assert sum(granted) == settings.CLIENTBOOK_EXPORTS_PER_MINUTE, granted
    with pytest.raises(exports.ExportRateLimited):
        exports.take_export_slot(user)


# --- Audit -----------------------------------------------------------------------------------


def test_every_export_is_audited(client_for: ClientFor, users: dict[str, Any], book: Any) -> None:
    post_export(client_for("accounting"), ["code", "city"], fmt="xlsx", query="status=active&country=GB&sort=-city")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == users["accounting"]
    assert event.object_display == "Customers"
    assert event.extra == {
        "list": "customers",
        "format": "xlsx",
        "filters": {"status": "active", "country": "GB", "sort": "-city"},
        "sort": "-city",
        "fields": ["code", "city"],
        "rows": 2,
        "job": None,
    }


# --- Jobs ------------------------------------------------------------------------------------


def test_a_small_export_in_the_dialog_downloads_at_once(
    client_for: ClientFor, users: dict[str, Any], book: Any
) -> None:
    client = client_for("support")
    response = post_export(client, ["code", "city"], query="q=Paris", headers=HTMX_MODAL)
    assert response.status_code == 204
    job = ExportJob.objects.get()
    assert (job.state, job.user, job.row_count) == (ExportJob.State.DONE, users["support"], 1)
    assert response["HX-Redirect"] == reverse("exports:file", args=[job.pk])
    triggers = json.loads(response["HX-Trigger"])
    assert triggers["closeModal"] is True
    assert triggers["showToast"]["message"] == "Exported 1 customer as CSV."
    download = client.get(response["HX-Redirect"])
    assert download["Content-Disposition"].startswith("attachment;")
    assert csv_rows(download) == [["Code", "City"], [book["cid"].code, "Paris"]]
    assert AuditEvent.objects.get(action=AuditEvent.Action.EXPORT).extra["job"] == job.pk


def test_a_large_export_runs_as_a_job_with_progress_and_a_download(
    client_for: ClientFor,
    book: Any,
    settings: Any,
    immediate_worker: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS = 3
    client = client_for("support")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_export(client, ["name", "balance"], fmt="xlsx", query="sort=-balance", headers=HTMX_MODAL)
    assert response.status_code == 200
    job = ExportJob.objects.get()
    html = response.content.decode()
    job_url = reverse("exports:job", args=[job.pk])
    assert job.state == ExportJob.State.QUEUED and job.total_rows == 5
    assert f'hx-get="{job_url}" hx-trigger="every 1s"' in html
    assert "Waiting for the worker" in html

    for callback in callbacks:  # the commit rings the worker
        callback()
    job.refresh_from_db()
    assert (job.state, job.progress, job.row_count) == (ExportJob.State.DONE, 100, 5)
    assert job.file.name.startswith("exports/")

    poll = client.get(job_url, headers={"HX-Request": "true", "HX-Target": "export-progress"}).content.decode()
    file_url = reverse("exports:file", args=[job.pk])
    assert f'href="{file_url}"' in poll and "hx-trigger" not in poll and "<html" not in poll
    assert "5 customers exported as Excel (XLSX)." in poll
    rows = xlsx_cells(file_bytes(client.get(file_url)))
    assert [row[0][1] for row in rows] == [
        "Name",
        "Acme Ltd",
        "Ada Lovelace",
        "Cid Moreau",
        "Dee Okafor",
        "Bob Builder",
    ]


def test_a_large_export_without_javascript_goes_to_the_progress_page(
    client_for: ClientFor, book: Any, settings: Any
) -> None:
    settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS = 3
    client = client_for("sales")
    response = post_export(client, ["code"])
    job = ExportJob.objects.get()
    assert response.status_code == 303 and response["Location"] == reverse("exports:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "<html" in page and "Waiting for the worker" in page and 'role="progressbar"' in page


def test_the_worker_writes_progress_and_the_file(client_for: ClientFor, book: Any, settings: Any) -> None:
    settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS = 1
    post_export(client_for("support"), ["code", "name"], query="sort=code")
    job = ExportJob.objects.get()
    exports.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.finished_at is not None and job.attempts == 1
    with job.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    assert text.splitlines()[0] == "Code,Name"
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == sorted(c.code for c in book.values())
    exports.run_job(job.pk)  # a repeated doorbell does nothing
    job.refresh_from_db()
    assert job.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_progress_is_committed_while_the_export_still_reads(
    users: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process (the polling page) sees the progress while the worker is still reading rows."""
    for number in range(6):
        CustomerFactory(first_name=f"Row{number}")
    settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS = 1
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    monkeypatch.setattr(exports, "PROGRESS_EVERY_SECONDS", 0)
    plan = exports.prepare(CUSTOMER_LIST, users["support"], QueryDict(), ["code"], "csv")
    job = exports.begin(plan).job
    assert job is not None
    seen: list[int] = []
    write_csv = export_formats.write_csv

    def watching(fields: Any, chunks: Any, target: Any) -> None:
        def watched() -> Iterator[Any]:
            for chunk in chunks:
                yield chunk
                other = connections.create_connection(DEFAULT_DB_ALIAS)
                with other.cursor() as cursor:
                    cursor.execute(f"SELECT row_count FROM {ExportJob._meta.db_table} WHERE id = %s", [job.pk])
                    seen.append(cursor.fetchone()[0])
                other.close()

        write_csv(fields, watched(), target)

    monkeypatch.setattr(export_formats, "write_csv", watching)
    exports.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.row_count == 6
    assert seen[:3] == [0, 2, 4]  # each chunk's progress is visible while the next one is read


def test_the_collector_leaves_what_existed_alone_while_the_job_writes_only(
    users: dict[str, Any], book: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS = 1
    job = exports.begin(exports.prepare(CUSTOMER_LIST, users["support"], QueryDict(), ["code"], "csv")).job
    assert job is not None
    frozen_while_writing: list[int] = []
    write_csv = export_formats.write_csv

    def watching(fields: Any, chunks: Any, target: Any) -> None:
        frozen_while_writing.append(gc.get_freeze_count())
        write_csv(fields, chunks, target)

    monkeypatch.setattr(export_formats, "write_csv", watching)
    exports.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert frozen_while_writing and all(frozen_while_writing)
    assert gc.get_freeze_count() == 0


def test_a_job_whose_user_lost_the_right_fails_with_the_reason(
    client_for: ClientFor, users: dict[str, Any], book: Any, settings: Any
) -> None:
    settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS = 1
    post_export(client_for("support"), ["code"])
    job = ExportJob.objects.get()
    users["support"].groups.clear()
    exports.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    assert job.error == "The user may no longer export this list."
    assert not job.file


def test_the_sweeper_requeues_a_job_whose_worker_stopped(
    users: dict[str, Any], book: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    stale = timezone.now() - timezone.timedelta(seconds=settings.CLIENTBOOK_EXPORT_LEASE_SECONDS + 5)
    common = {"user": users["support"], "list_key": "customers", "format": "csv", "fields": ["code"]}
    orphan = ExportJob.objects.create(state=ExportJob.State.RUNNING, heartbeat_at=stale, attempts=1, **common)
    tired = ExportJob.objects.create(state=ExportJob.State.RUNNING, heartbeat_at=stale, attempts=3, **common)
    alive = ExportJob.objects.create(state=ExportJob.State.RUNNING, heartbeat_at=timezone.now(), attempts=1, **common)
    with django_capture_on_commit_callbacks(execute=False):
        assert exports.sweep_jobs() == 1
    states = dict(ExportJob.objects.values_list("pk", "state"))
    assert states == {orphan.pk: "queued", tired.pk: "failed", alive.pk: "running"}


def test_old_files_are_purged(client_for: ClientFor, book: Any, settings: Any) -> None:
    post_export(client_for("support"), ["code"], headers=HTMX_MODAL)
    job = ExportJob.objects.get()
    path = Path(job.file.path)
    assert path.exists()
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timezone.timedelta(days=8))
    assert exports.purge_old_files() == 1
    assert not path.exists()
    job.refresh_from_db()
    assert not job.file
    assert client_for("support").get(reverse("exports:file", args=[job.pk])).status_code == 404


# --- Download permission ---------------------------------------------------------------------


def test_only_the_author_and_administrators_may_download(
    client_for: ClientFor, make_user: Callable[..., Any], book: Any
) -> None:
    post_export(client_for("support"), ["code"], headers=HTMX_MODAL)
    job = ExportJob.objects.get()
    urls = [reverse("exports:job", args=[job.pk]), reverse("exports:file", args=[job.pk])]
    other = Client()
    other.force_login(make_user("support", username="another-support"))
    for url in urls:
        assert client_for("support").get(url).status_code == 200
        assert client_for("admin").get(url).status_code == 200
        assert client_for("sales").get(url).status_code == 403
        assert other.get(url).status_code == 403
        assert client_for(None).get(url).status_code == 302


def test_roles_without_the_view_right_cannot_export(make_user: Callable[..., Any]) -> None:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.create_user(username="nobody", password="x"))
    assert client.get(DIALOG).status_code == 403
    assert client.post(DIALOG, {"selected_fields": ["code"], "format": "csv"}).status_code == 403
