"""A header naming two columns alike: each column gets a name of its own and is mapped on its own."""

import csv
import io
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clientbook.core.imports import engine as imports
from clientbook.core.models import ImportJob
from clientbook.customers.imports import importer
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["First Name", "Last Name", "Email", "Phone", "Phone"]
ROWS = [
    ["Ada", "Lovelace", "ada@example.com", "+44 20 7946 0958", "+1 202 555 0143"],
    ["Bob", "Bee", "not-an-email", "+44 20 7946 0000", "+1 202 555 0100"],
]
SEEN = ["First Name", "Last Name", "Email", "Phone", "Phone (2)"]
BOTH_PHONES = {"First Name": "first_name", "Last Name": "last_name", "Email": "email"}
BOTH_PHONES |= {"Phone": "phone", "Phone (2)": "alt_phone"}


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def as_xlsx(rows: list[list[str]]) -> bytes:
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()


def upload(users: dict[str, Any], header: list[str]) -> ImportJob:
    content = as_csv([header, ["x"] * len(header)])
    return imports.upload(
        user=users["sales"], importer=importer, uploaded=SimpleUploadedFile("a.csv", content), file_name="a.csv"
    )


@pytest.mark.parametrize(
    "header, names",
    [
        (["Phone", "Phone"], ["Phone", "Phone (2)"]),
        (["Email", "email ", "EMAIL"], ["Email", "email (2)", "EMAIL (3)"]),
        # A name the file holds is never given to another column.
        (["Phone", "Phone", "Phone (2)"], ["Phone", "Phone (3)", "Phone (2)"]),
        # Empty names are named by their position, as the wizard shows them (trailing ones are dropped).
        (["Email", "", "Notes", "", ""], ["Email", "Column 2", "Notes"]),
        (["Email", "", "", "Column 2"], ["Email", "Column 2 (2)", "Column 3", "Column 2"]),
    ],
)
def test_every_column_gets_a_name_of_its_own(users: dict[str, Any], header: list[str], names: list[str]) -> None:
    job = upload(users, header)
    assert job.headers == names
    assert list(job.mapping) == names


def test_the_automatic_mapping_gives_a_field_to_the_first_of_the_columns_only(users: dict[str, Any]) -> None:
    job = upload(users, ["Email", "email", "First Name", "Phone", "Phone", "Phone"])
    assert job.mapping == {
        "Email": "email",
        "email (2)": "",
        "First Name": "first_name",
        "Phone": "phone",
        # Read as "Phone 2", a synonym of the alternative phone; the third is left for the user to map.
        "Phone (2)": "alt_phone",
        "Phone (3)": "",
    }


@pytest.mark.parametrize("write, name", [(as_csv, "people.csv"), (as_xlsx, "people.xlsx")])
def test_two_phone_columns_import_both_numbers(
    import_file: Callable[..., ImportJob], write: Callable[[list[list[str]]], bytes], name: str
) -> None:
    job = import_file(write([HEADER, *ROWS]), name, mapping=BOTH_PHONES)
    assert (job.state, job.created, job.rejected) == (ImportJob.State.DONE, 1, 1)
    ada = Customer.objects.get()
    assert (ada.phone.as_e164, ada.alt_phone.as_e164) == ("+442079460958", "+12025550143")
    rejected = list(csv.reader(io.StringIO("".join(imports.error_file(job)).removeprefix("\ufeff"))))
    assert rejected[0] == [*SEEN, "Row", "Reason"]
    # Each column keeps its own cell (the phones neutralised as formulas, as every error file writes them).
    assert rejected[1][:6] == ["Bob", "Bee", "not-an-email", "'+44 20 7946 0000", "'+1 202 555 0100", "3"]


def test_the_wizard_maps_each_of_the_columns(
    client_for: Callable[[str | None], Client], immediate_worker: None
) -> None:
    sales = client_for("sales")
    job_url = sales.post("/customers/import/", {"file": SimpleUploadedFile("people.csv", as_csv([HEADER, *ROWS]))})[
        "Location"
    ]
    page = sales.get(job_url).content.decode()
    assert ">Phone</label>" in page and ">Phone (2)</label>" in page
    form = {f"column_{index}": BOTH_PHONES[header] for index, header in enumerate(SEEN)}
    form |= {"duplicate_strategy": "skip", "match_on": ["email"], "date_order": "auto", "region": "US"}
    assert sales.post(job_url, form).status_code == 303
    assert sales.post(f"{job_url}run/").status_code == 303
    ada = Customer.objects.get()
    assert (ada.phone.as_e164, ada.alt_phone.as_e164) == ("+442079460958", "+12025550143")
    rejected = b"".join(sales.get(f"{job_url}errors.csv").streaming_content).decode("utf-8-sig")
    assert rejected.splitlines()[0] == ",".join([*SEEN, "Row", "Reason"])
