"""The error file, corrected and imported again, reads back the values the import was given."""

import csv
import io
from collections.abc import Callable

import pytest

from clientbook.core.imports import engine as imports
from clientbook.core.imports.values import unguarded
from clientbook.core.models import ImportJob
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_corrected_error_file_imports_its_phones_without_the_formula_guard(
    import_file: Callable[..., ImportJob],
) -> None:
    rejected = import_file(b"First Name,Email,Phone,Description\nAda,not-an-email,+33 1 23 45 67 89,-5 degrees\n")
    assert rejected.rejected == 1
    rows = list(csv.reader(io.StringIO("".join(imports.error_file(rejected)))))
    assert rows[1][2:4] == ["'+33 1 23 45 67 89", "'-5 degrees"]
    rows[1][1] = "ada@example.com"
    corrected = io.StringIO()
    csv.writer(corrected).writerows(rows)

    again = import_file(corrected.getvalue().encode(), "customers-rejected-rows.csv")

    assert (again.created, again.rejected) == (1, 0)
    customer = Customer.objects.get()
    assert (customer.phone, customer.description) == ("+33123456789", "-5 degrees")


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("'+33 1 23", "+33 1 23"),
        ("'=SUM(A1)", "=SUM(A1)"),
        ("'-5", "-5"),
        ("'@home", "@home"),
        ("'tis the season", "'tis the season"),
        ("O'Brien", "O'Brien"),
        ("'", "'"),
        ("''+1", "''+1"),
        (42, 42),
    ],
)
def test_only_the_guard_before_a_formula_start_is_removed(cell: object, value: object) -> None:
    assert unguarded(cell) == value
