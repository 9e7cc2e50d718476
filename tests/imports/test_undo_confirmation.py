"""“Undo import” asks first, saying how many records the undo deletes and how many it puts back."""

from collections.abc import Callable

import pytest
from django.test import Client

from clientbook.core.models import ImportJob
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)

TWO_NEW_ONE_CHANGED = (
    b"First Name,Email,City\nAda,ada@example.com,London\nBob,bob@example.com,Paris\nOld,old@example.com,Rome\n"
)


@pytest.fixture
def finished(import_file: Callable[..., ImportJob]) -> ImportJob:
    CustomerFactory(first_name="Old", email="old@example.com", city="Oslo")
    job = import_file(TWO_NEW_ONE_CHANGED, strategy="update")
    assert (job.created, job.updated) == (2, 1)
    return job


def test_the_undo_asks_first_with_the_counts(finished: ImportJob, client_for: Callable[[str | None], Client]) -> None:
    sales = client_for("sales")
    page = sales.get(f"/imports/{finished.pk}/undo/")
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert 'deletes the <strong data-testid="undo-deleted">2</strong> customers it created' in text
    assert 'puts the <strong data-testid="undo-restored">1</strong> customer it updated back' in text
    assert Customer.objects.count() == 3  # asking undid nothing

    modal = sales.get(f"/imports/{finished.pk}/undo/", headers={"HX-Request": "true"}).content.decode()
    assert 'class="modal-header"' in modal and "<html" not in modal

    assert sales.post(f"/imports/{finished.pk}/undo/").status_code == 303
    assert list(Customer.objects.values_list("email", "city")) == [("old@example.com", "Oslo")]


def test_the_result_page_links_to_the_confirmation(
    finished: ImportJob, client_for: Callable[[str | None], Client]
) -> None:
    page = client_for("sales").get(f"/imports/{finished.pk}/").content.decode()
    assert f'href="/imports/{finished.pk}/undo/" hx-get="/imports/{finished.pk}/undo/"' in page


def test_an_undone_import_says_it_cannot_be_undone_again(
    finished: ImportJob, client_for: Callable[[str | None], Client]
) -> None:
    sales = client_for("sales")
    sales.post(f"/imports/{finished.pk}/undo/")
    page = sales.get(f"/imports/{finished.pk}/undo/").content.decode()
    assert 'data-testid="undo-refused"' in page and "already undone" in page
    assert 'data-testid="confirm-undo-import"' not in page
