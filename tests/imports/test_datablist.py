"""The datablist sample (a real export from another system) imports into the right fields."""

from collections.abc import Callable
from datetime import date

import pytest

from clientbook.core.models import AuditEvent, ImportJob
from clientbook.customers.models import Customer
from tests.fixtures_loader import DATABLIST_CSV

pytestmark = pytest.mark.django_db(transaction=True)


def test_all_rows_land_in_the_right_fields(import_file: Callable[..., ImportJob]) -> None:
    job = import_file(DATABLIST_CSV.read_bytes(), "datablist-customers-100.csv")
    assert job.state == ImportJob.State.DONE, job.error
    assert (job.created, job.updated, job.skipped, job.rejected) == (100, 0, 0, 0), list(
        job.rejections.values_list("reason", flat=True)
    )[:5]
    sheryl = Customer.objects.get(external_id="DD37Cf93aecA6Dc")
    assert (sheryl.first_name, sheryl.last_name, sheryl.city, sheryl.country.code) == (
        "Sheryl",
        "Baxter",
        "East Leonard",
        "CL",
    )
    assert sheryl.email == "zunigavanessa@smith.info"
    assert sheryl.account_opened_on == date(2020, 8, 24)
    assert sheryl.website == "http://www.stephenson.com/"
    assert sheryl.company_name == "Rasmussen Group"
    assert sheryl.phone and sheryl.alt_phone


def test_the_same_file_again_skips_every_row(import_file: Callable[..., ImportJob]) -> None:
    import_file(DATABLIST_CSV.read_bytes())
    again = import_file(DATABLIST_CSV.read_bytes())
    assert (again.created, again.updated, again.skipped, again.rejected) == (0, 0, 100, 0)


def test_the_same_file_again_with_update_changes_only_what_differs(import_file: Callable[..., ImportJob]) -> None:
    import_file(DATABLIST_CSV.read_bytes())
    sheryl = Customer.objects.get(external_id="DD37Cf93aecA6Dc")
    Customer.objects.filter(pk=sheryl.pk).update(city="Somewhere else")
    again = import_file(DATABLIST_CSV.read_bytes(), strategy="update")
    assert (again.created, again.updated, again.skipped, again.rejected) == (0, 1, 99, 0)
    sheryl.refresh_from_db()
    assert sheryl.city == "East Leonard"
    change = AuditEvent.objects.filter(operation_id=again.operation_id, action=AuditEvent.Action.UPDATE).get()
    assert change.changes == {"city": {"before": "Somewhere else", "after": "East Leonard"}}
