"""The import pipeline on files of several shapes: counts add up, bad files create nothing, undo."""

from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clientbook.core import imports
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
    assert error_file.splitlines()[0] == "First Name,Last Name,Email,Balance,Row,Reason"
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
        (b"First Name,Last Name,Email\n", "no data rows"),
        (("A," * 500 + "\n" + "x," * 500 + "\n").encode(), "columns"),
        (b"First Name,Notes\nAda," + b"x" * 5_000_000 + b"\n", "characters"),
    ],
    ids=["empty", "pdf-renamed", "binary", "header-only", "500-columns", "5mb-cell"],
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
