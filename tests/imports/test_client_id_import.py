"""The broker's Client ID imports from a column of its usual names, is a match key, and is refused as the
model refuses it: too long, held by another customer (in the Trash too), or repeated in the file."""

from collections.abc import Callable

import pytest

from clientbook.core.models import ImportJob, ImportRejection
from clientbook.customers import imports as customer_imports
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


def reasons(job: ImportJob) -> dict[int, str]:
    return dict(ImportRejection.objects.filter(job=job).values_list("row_number", "reason"))


@pytest.mark.parametrize("header", ["Client ID", "client code", "client_id", "CLIENT-ID", "UCC"])
def test_a_client_id_column_is_mapped_by_its_usual_names(import_file: Callable[..., ImportJob], header: str) -> None:
    job = import_file(f"Last name,{header},External ID\nIyer,AB1234,C-77\n".encode(), dry_run=True)

    assert job.mapping == {"Last name": "last_name", header: "client_id", "External ID": "external_id"}


def test_customers_import_with_their_client_ids(import_file: Callable[..., ImportJob]) -> None:
    job = import_file(
        b"First name,Last name,Email,Client ID\nMeera,Iyer,meera@example.com, AB1234 \nRavi,Rao,ravi@example.com,\n"
    )

    assert (job.created, job.rejected) == (2, 0)
    assert dict(Customer.objects.values_list("email", "client_id")) == {
        "meera@example.com": "AB1234",
        "ravi@example.com": "",
    }


def test_a_client_id_finds_the_customer_to_update(import_file: Callable[..., ImportJob]) -> None:
    existing = CustomerFactory(first_name="Meera", last_name="Iyer", email="old@example.com", client_id="AB1234")

    job = import_file(
        b"Client ID,Email,City\nAB1234,meera@example.com,Pune\n", strategy="update", match_on=("client_id",)
    )

    assert (job.created, job.updated, job.rejected) == (0, 1, 0)
    existing.refresh_from_db()
    assert (existing.email, existing.city, existing.client_id) == ("meera@example.com", "Pune", "AB1234")


def test_refused_client_ids_reject_their_rows_only(import_file: Callable[..., ImportJob]) -> None:
    taken = CustomerFactory(client_id="TAKEN1")
    binned = CustomerFactory(client_id="BINNED1")
    Customer.all_objects.filter(pk=binned.pk).update(deleted_at=binned.created_at)
    too_long = "X" * 41

    job = import_file(
        "Last name,Email,Client ID\n"
        "Iyer,iyer@example.com,TAKEN1\n"
        "Rao,rao@example.com,BINNED1\n"
        f"Shah,shah@example.com,{too_long}\n"
        "Nair,nair@example.com,NEW1\n"
        "Menon,menon@example.com,NEW1\n"
        "Das,das@example.com,NEW2\n".encode()
    )

    assert (job.created, job.rejected) == (2, 4)
    # Rows are numbered as a spreadsheet shows them: the header is row 1.
    assert reasons(job) == {
        2: f"client id: {customer_imports.CLIENT_ID_TAKEN.format(code=taken.code)}",
        3: f"client id: {customer_imports.CLIENT_ID_IN_TRASH.format(code=binned.code)}",
        4: "client id: Ensure this value has at most 40 characters (it has 41).",
        6: f"client id: {customer_imports.CLIENT_ID_REPEATED}",
    }
    assert set(Customer.objects.exclude(pk=taken.pk).values_list("client_id", flat=True)) == {"NEW1", "NEW2"}


def test_an_update_may_not_take_another_customers_client_id(import_file: Callable[..., ImportJob]) -> None:
    holder = CustomerFactory(client_id="AB1234")
    other = CustomerFactory(email="other@example.com", client_id="ZZ9")

    job = import_file(b"Email,Client ID\nother@example.com,AB1234\n", strategy="update")

    assert (job.updated, job.rejected) == (0, 1)
    assert reasons(job) == {2: f"client id: {customer_imports.CLIENT_ID_TAKEN.format(code=holder.code)}"}
    other.refresh_from_db()
    assert other.client_id == "ZZ9"
