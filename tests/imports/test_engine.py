"""The import pipeline on files of several shapes: counts add up, bad files create nothing, undo."""

import gc
import random
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from clientbook.core.imports import engine as imports
from clientbook.core.models import AuditEvent, ImportJob
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.imports import importer
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


def counts(job: ImportJob) -> tuple[int, int, int, int]:
    return (job.created, job.updated, job.skipped, job.rejected)


def test_semicolons_latin1_and_a_quoted_newline(import_file: Callable[..., ImportJob]) -> None:
    content = (
        "Nom;Prénom;E-mail;Pays;Solde;Notes\n"
        'Müller;José;jose@example.com;Côte d\'Ivoire;1.234,56;"two\nlines"\n'
        "Dupont;Zoë;zoe@example.com;Korea;12,5;\n"
    ).encode("cp1252")
    job = import_file(
        content,
        mapping={
            "Nom": "last_name",
            "Prénom": "first_name",
            "E-mail": "email",
            "Pays": "country",
            "Solde": "balance",
            "Notes": "description",
        },
    )
    assert counts(job) == (2, 0, 0, 0)
    jose = Customer.objects.get(email="jose@example.com")
    assert (jose.first_name, jose.last_name, jose.country.code, jose.balance) == (
        "José",
        "Müller",
        "CI",
        Decimal("1234.56"),
    )
    assert jose.description == "two\nlines"
    assert Customer.objects.get(email="zoe@example.com").country.code == "KR"


def test_xlsx_with_dates_as_serial_numbers(import_file: Callable[..., ImportJob]) -> None:
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["First Name", "Last Name", "Email", "Subscription Date", "Mobile"])
    sheet.write_row(1, 0, ["Ada", "Lovelace", "ada@example.com", 45000, "+44 20 7946 0958"])
    book.close()
    job = import_file(buffer.getvalue(), "people.xlsx")
    assert counts(job) == (1, 0, 0, 0), list(job.rejections.values_list("reason", flat=True))
    ada = Customer.objects.get(email="ada@example.com")
    assert str(ada.account_opened_on) == "2023-03-15"
    assert ada.phone.as_e164 == "+442079460958"


def test_rejected_rows_are_kept_with_their_reason_and_counts_add_up(import_file: Callable[..., ImportJob]) -> None:
    content = (
        b"First Name,Last Name,Email,Balance\n"
        b"Ada,Lovelace,ada@example.com,10\n,,no-name@example.com,1\nBob,B,not-an-email,x\n"
    )
    job = import_file(content)
    assert counts(job) == (1, 0, 0, 2)
    assert job.created + job.updated + job.skipped + job.rejected == job.total == 3
    reasons = dict(job.rejections.values_list("row_number", "reason"))
    assert "first or a last name" in reasons[3]
    assert "balance" in reasons[4]
    error_file = "".join(imports.error_file(job))
    # The byte-order mark first, so that spreadsheets read the UTF-8 (accents) as UTF-8.
    assert error_file.splitlines()[0] == "\ufeffFirst Name,Last Name,Email,Balance,Row,Reason"
    assert "not-an-email" in error_file


def test_update_changes_only_what_differs_and_undo_puts_it_back(
    import_file: Callable[..., ImportJob], users: dict[str, Any]
) -> None:
    existing = CustomerFactory(first_name="Ada", last_name="Lovelace", email="ADA@example.com", city="London")
    content = b"Email,City,First Name\nada@example.com,Paris,Ada\nnew@example.com,Rome,Nia\n"
    preview = import_file(content, strategy="update", dry_run=True)
    assert preview.state == ImportJob.State.PREVIEWED
    assert counts(preview) == (1, 1, 0, 0)
    assert preview.preview["updates"][0]["changes"] == {"city": {"before": "London", "after": "Paris"}}
    assert Customer.objects.count() == 1  # a preview writes nothing

    job = import_file(content, strategy="update")
    assert counts(job) == (1, 1, 0, 0)
    existing.refresh_from_db()
    assert existing.city == "Paris"
    events = AuditEvent.objects.filter(operation_id=job.operation_id)
    assert sorted(events.values_list("action", flat=True)) == ["create", "import", "update"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, extra__job=job.pk).exists()

    imports.undo(user=users["sales"], job=job)
    existing.refresh_from_db()
    assert existing.city == "London"
    assert not Customer.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (bytes(range(256)) * 4000, "not text"),
        (random.Random(5).randbytes(10 * 1024 * 1024), "not text"),
        (b"First Name,Last Name,Email\n", "no data rows"),
        (("A," * 500 + "\n" + "x," * 500 + "\n").encode(), "columns"),
        (b"First Name,Notes\nAda," + b"x" * 5_000_000 + b"\n", "characters"),
    ],
    ids=["empty", "pdf-renamed", "binary", "10mb-random", "header-only", "500-columns", "5mb-cell"],
)
def test_bad_files_are_refused_with_a_clear_message(users: dict[str, Any], content: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        imports.upload(
            user=users["sales"], importer=importer, uploaded=SimpleUploadedFile("x.csv", content), file_name="x.csv"
        )
    assert message in refused.value.message_dict["file"][0]
    assert not ImportJob.objects.exists() and not Customer.objects.exists()


def test_wrong_columns_are_refused_at_the_mapping(users: dict[str, Any]) -> None:
    job = imports.upload(
        user=users["sales"],
        importer=importer,
        uploaded=SimpleUploadedFile("x.csv", b"Foo,Bar\n1,2\n"),
        file_name="x.csv",
    )
    assert job.mapping == {"Foo": "", "Bar": ""}
    with pytest.raises(ValidationError) as refused:
        imports.configure(user=users["sales"], job=job, mapping=job.mapping, strategy="skip", match_on=["email"])
    assert "No column is mapped" in refused.value.message_dict["mapping"][0]


def test_support_may_not_import(users: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.upload(
            user=users["support"],
            importer=importer,
            uploaded=SimpleUploadedFile("x.csv", b"Email\na@b.co\n"),
            file_name="x.csv",
        )


def test_utf16_and_bom_files_read_the_same(import_file: Callable[..., ImportJob]) -> None:
    text = "First Name\tLast Name\tEmail\nZoë\tÅberg\tzoe@example.com\n"
    assert counts(import_file(text.encode("utf-16"), "tabs.txt")) == (1, 0, 0, 0)
    again = import_file(("\ufeff" + text.replace("zoe@", "zoe2@")).encode("utf-8"), "bom.csv")
    assert counts(again) == (1, 0, 0, 0)
    assert Customer.objects.get(email="zoe2@example.com").last_name == "Åberg"


def test_the_error_file_neutralises_formulas(import_file: Callable[..., ImportJob]) -> None:
    job = import_file(b'Email,Balance\n=HYPERLINK("http://x"),abc\n')
    assert job.rejected == 1
    line = "".join(imports.error_file(job)).splitlines()[1]
    assert line.startswith("\"'=HYPERLINK")


def test_a_run_stops_after_the_batch_it_is_writing_when_cancelled(
    import_file: Callable[..., ImportJob], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BATCH_ROWS", 1)
    original = imports._Run._batch

    def batch_then_cancel(self: Any, chunk: Any) -> None:
        original(self, chunk)
        ImportJob.objects.filter(pk=self.job.pk).update(cancel_requested=True)

    monkeypatch.setattr(imports._Run, "_batch", batch_then_cancel)
    job = import_file(b"Email,Last Name\na@example.com,A\nb@example.com,B\nc@example.com,C\n")
    assert job.state == ImportJob.State.CANCELLED
    assert (job.checkpoint, job.created) == (1, 1)
    assert Customer.objects.count() == 1


def test_a_batch_that_fails_writes_nothing_and_leaves_no_event(
    import_file: Callable[..., ImportJob], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's writes and their audit events commit together, or not at all (issue #4)."""
    from clientbook.customers import services

    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    original = services.create_customers_batch
    calls = {"n": 0}

    def fail_second_batch(*, user: Any, prepared: Any) -> None:
        calls["n"] += 1
        original(user=user, prepared=prepared)  # rows and events written, then the batch fails
        if calls["n"] == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(services, "create_customers_batch", fail_second_batch)
    job = import_file(b"Email,Last Name\na@example.com,A\nb@example.com,B\nc@example.com,C\nd@example.com,D\n")
    assert job.state == ImportJob.State.FAILED
    assert "unexpected error" in job.error
    assert (job.checkpoint, job.created) == (2, 2)
    assert sorted(Customer.objects.values_list("email", flat=True)) == ["a@example.com", "b@example.com"]
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="customers.customer")
    assert sorted(created.values_list("object_code", flat=True)) == sorted(
        Customer.objects.values_list("code", flat=True)
    )
    assert set(created.values_list("operation_id", flat=True)) == {job.operation_id}
    assert set(created.values_list("actor_display", flat=True)) == {"sales-user"}


def test_an_import_refreshes_the_planner_statistics(import_file: Callable[..., ImportJob]) -> None:
    """Without them SQLite sorts every live row for a page of the list (``core.statistics``)."""
    rows = "".join(f"p{number}@example.com,Person {number}\n" for number in range(30))
    job = import_file(f"Email,Last Name\n{rows}".encode())
    assert job.created == 30
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            page = Customer.objects.order_by("sort_name", "id")[:20]
            cursor.execute(f"EXPLAIN QUERY PLAN {page.query}")
            plan = " ".join(str(step[-1]) for step in cursor.fetchall())
            assert "customer_live_sort_name" in plan and "TEMP B-TREE" not in plan, plan
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'customers_customer'")
            assert cursor.fetchone()[0] == Customer.objects.count()


def test_the_collector_leaves_what_existed_alone_during_the_import_only(
    import_file: Callable[..., ImportJob], monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen_during_batches: list[int] = []
    write_batch = imports._Run._batch

    def counting_batch(self: Any, chunk: Any) -> None:
        frozen_during_batches.append(gc.get_freeze_count())
        write_batch(self, chunk)

    monkeypatch.setattr(imports._Run, "_batch", counting_batch)
    job = import_file(b"First name,Email\nAda,ada@example.com\n")
    assert counts(job) == (1, 0, 0, 0)
    assert frozen_during_batches and all(frozen for frozen in frozen_during_batches)
    assert gc.get_freeze_count() == 0
