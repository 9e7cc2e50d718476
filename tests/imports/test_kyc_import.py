"""PAN and Aadhaar columns import validated and encrypted; rejected rows keep them masked, in the stored
rejections and in the error file."""

import csv
import io
from collections.abc import Callable

import pytest
from django.db import connection

from clientbook.core.imports import engine as imports
from clientbook.core.models import ImportJob, ImportRejection
from clientbook.customers import kyc
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)

FILE = (
    "First name,Last name,Email,PAN,Aadhaar\n"
    "Meera,Iyer,meera@example.com,abcpe1234f,4918 3759 2012\n"
    "Ravi,Rao,ravi@example.com,ABCXE1234F,\n"
    "Anil,Shah,not-an-email,AAACB5678K,739201845618\n"
)


def test_numbers_import_encrypted_and_rejections_keep_them_masked(import_file: Callable[..., ImportJob]) -> None:
    job = import_file(FILE.encode())

    assert (job.created, job.rejected) == (1, 2)
    meera = Customer.objects.get()
    assert (meera.pan.reveal(), meera.aadhaar.reveal()) == ("ABCPE1234F", "491837592012")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pan, aadhaar FROM customers_customer")
        assert all("ABCPE1234F" not in value and "4918" not in value for value in cursor.fetchone())

    rows = list(csv.reader(io.StringIO("".join(imports.error_file(job)).lstrip("\ufeff"))))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Ravi"][3] == "ABCXEXXXXF"
    assert kyc.PAN_HOLDER in by_name["Ravi"][-1]
    assert by_name["Anil"][3:5] == ["AAACBXXXXK", "XXXX XXXX 5618"]
    stored = str(list(ImportRejection.objects.values_list("cells", "reason")))
    for plain in ("ABCXE1234F", "AAACB5678K", "739201845618"):
        assert plain not in stored and plain not in "".join(map(str, rows))


def test_the_columns_are_mapped_by_their_usual_names(import_file: Callable[..., ImportJob]) -> None:
    job = import_file(b"Last name,PAN Number,Aadhar\nIyer,ABCPE1234F,491837592012\n", dry_run=True)

    assert job.mapping == {"Last name": "last_name", "PAN Number": "pan", "Aadhar": "aadhaar"}
