"""``date_order=auto``: the whole file decides whether its dates are day or month first, the same for
the wizard and the API; only a file where no date tells, and some date reads two ways, asks."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from clientbook.core.imports import engine as imports
from clientbook.core.imports.dates import date_order_of
from clientbook.core.models import ImportJob
from clientbook.customers.imports import importer
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)

# Two-way dates first, far past the upload's sample of rows; one day above 12 at the end tells.
TWO_WAY_ROWS = 500


def birthdays_file(last_birthday: str) -> bytes:
    rows = [f"p{number}@example.com,Ada,03/04/1990" for number in range(TWO_WAY_ROWS)]
    return "\n".join(["Email,First Name,Birthday", *rows, f"last@example.com,Ada,{last_birthday}", ""]).encode()


@pytest.mark.parametrize(
    ("dates", "order"),
    [
        (["03/04/1990", "25/12/1990"], "dmy"),
        (["03/04/1990", "12/25/1990"], "mdy"),
        (["05/05/1913", "1990-04-03", "11/11/2011"], "auto"),
        (["05/05/1913", "03/04/1990"], None),
        (["", "not a date", "1990-04-03"], "auto"),
    ],
)
def test_the_first_date_that_tells_decides_and_dates_reading_one_way_ask_nothing(
    dates: list[str], order: str | None
) -> None:
    assert date_order_of([[date] for date in dates], [0]) == order


def test_a_day_above_12_anywhere_in_the_file_decides(import_file: Callable[..., ImportJob]) -> None:
    job = import_file(birthdays_file("25/12/1990"))
    assert (job.options["date_order"], job.created, job.rejected) == ("dmy", TWO_WAY_ROWS + 1, 0)
    assert str(Customer.objects.get(email="p0@example.com").birthday) == "1990-04-03"


def test_a_date_that_reads_the_same_both_ways_is_not_ambiguous(import_file: Callable[..., ImportJob]) -> None:
    job = import_file(b"Email,First Name,Birthday\nada@example.com,Ada,05/05/1913\n")
    assert (job.created, job.rejected) == (1, 0)
    assert str(Customer.objects.get().birthday) == "1913-05-05"


def test_a_file_where_no_date_tells_asks_for_the_order(users: dict[str, object]) -> None:
    user = users["sales"]
    content = birthdays_file("05/05/1913")
    job = imports.upload(user=user, importer=importer, uploaded=SimpleUploadedFile("b.csv", content), file_name="b.csv")
    with pytest.raises(ValidationError) as refused:
        imports.configure(user=user, job=job, mapping=job.mapping, strategy="skip", match_on=["email"])
    assert "date_order" in refused.value.message_dict


def test_the_wizard_decides_on_the_whole_file(
    client_for: Callable[[str | None], Client], immediate_worker: None
) -> None:
    sales = client_for("sales")
    job_url = sales.post("/customers/import/", {"file": SimpleUploadedFile("b.csv", birthdays_file("12/25/1990"))})[
        "Location"
    ]
    form = {
        "column_0": "email",
        "column_1": "first_name",
        "column_2": "birthday",
        "duplicate_strategy": "skip",
        "match_on": ["email"],
    }
    assert sales.post(job_url, {**form, "date_order": "auto", "region": "US"}).status_code == 303
    job = ImportJob.objects.get()
    assert (job.state, job.options["date_order"], job.created, job.rejected) == ("previewed", "mdy", 501, 0)


def test_the_api_reads_the_whole_file_outside_any_transaction(
    token_for: Callable[[str], str], immediate_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite a transaction holds the database's one write lock; reading a million rows inside
    one would stop every other writer meanwhile."""
    in_transaction: list[bool] = []
    read_the_file = imports.file_date_order

    def watched(*args: object) -> str | None:
        in_transaction.append(connection.in_atomic_block)
        return read_the_file(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "file_date_order", watched)
    response = Client().post(
        "/api/v1/imports",
        {"model": "customers", "file": SimpleUploadedFile("b.csv", birthdays_file("25/12/1990"))},
        headers={"Authorization": f"Bearer {token_for('sales')}"},
    )
    assert response.status_code == 202, response.content
    assert in_transaction == [False]
    assert response.json()["date_order"] == "dmy"
