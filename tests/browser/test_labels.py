"""The labels page in a real browser: create, rename, recolour and delete in the modal."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Label

# Live-server tests empty the database after each test; serialized rollback brings back what the
# migrations created (the role groups) for the next one.
pytestmark = pytest.mark.django_db(transaction=True)

MODAL = "#modal"


@pytest.fixture
def labels_page(live_server: Any, page_as: Callable[[str], Page]) -> Callable[[str], Page]:
    def open_page(role: str) -> Page:
        page = page_as(role)
        page.goto(f"{live_server.url}/labels/")
        page.evaluate("document.body.dataset.sameDocument = 'yes'")
        return page

    return open_page


def row(page: Page, name: str) -> Any:
    return page.locator(f'#label-table tr[data-label="{name}"]')


def test_create_with_a_duplicate_name_then_success(labels_page: Callable[[str], Page]) -> None:
    LabelFactory(name="VIP")
    page = labels_page("sales")
    page.get_by_test_id("create-button").click()
    modal = page.locator(MODAL)
    expect(modal).to_be_visible()
    modal.locator("#id_name").fill("vip")
    modal.get_by_test_id("save").click()
    expect(modal.locator('[data-field-error="name"]')).to_have_text("A label with this name already exists.")
    expect(modal.locator("#id_name")).to_have_value("vip")

    modal.locator("#id_name").fill("Key account")
    modal.locator("label[for=id_colour_4]").click()  # Yellow
    modal.get_by_test_id("save").click()

    expect(modal).to_be_hidden()
    expect(page.locator("#toasts")).to_contain_text("Label “Key account” created.")
    expect(row(page, "Key account")).to_contain_text("Yellow")
    assert Label.objects.get(name="Key account").colour == Label.Colour.YELLOW
    assert page.evaluate("document.body.dataset.sameDocument") == "yes"  # only the table was refreshed


def test_rename_and_recolour(labels_page: Callable[[str], Page]) -> None:
    label = LabelFactory(name="Newsleter", colour=Label.Colour.BLUE)
    CustomerFactory(labels=[label])
    page = labels_page("admin")
    row(page, "Newsleter").get_by_test_id("row-edit").click()
    modal = page.locator(MODAL)
    expect(modal.locator("#id_name")).to_have_value("Newsleter")
    modal.locator("#id_name").fill("Newsletter")
    modal.locator("label[for=id_colour_2]").click()  # Green
    modal.get_by_test_id("save").click()

    expect(modal).to_be_hidden()
    expect(row(page, "Newsletter")).to_contain_text("Green")
    expect(row(page, "Newsletter")).to_contain_text("1")
    expect(row(page, "Newsleter")).to_have_count(0)
    label.refresh_from_db()
    assert (label.name, label.colour) == ("Newsletter", Label.Colour.GREEN)


def test_delete_after_confirmation(labels_page: Callable[[str], Page]) -> None:
    LabelFactory(name="Keep")
    LabelFactory(name="Obsolete")
    page = labels_page("sales")
    row(page, "Obsolete").get_by_test_id("row-delete").click()
    modal = page.locator(MODAL)
    expect(modal).to_contain_text("Obsolete")
    modal.get_by_test_id("confirm-delete").click()

    expect(modal).to_be_hidden()
    expect(page.locator("#toasts")).to_contain_text("Label “Obsolete” deleted.")
    expect(row(page, "Obsolete")).to_have_count(0)
    expect(row(page, "Keep")).to_have_count(1)
    assert list(Label.objects.values_list("name", flat=True)) == ["Keep"]


def test_read_only_roles_see_labels_without_buttons(labels_page: Callable[[str], Page]) -> None:
    LabelFactory(name="VIP")
    page = labels_page("support")
    expect(row(page, "VIP")).to_be_visible()
    expect(page.get_by_test_id("create-button")).to_have_count(0)
    expect(page.get_by_test_id("row-edit")).to_have_count(0)
    expect(page.get_by_test_id("row-delete")).to_have_count(0)


def test_many_labels_page_and_search(labels_page: Callable[[str], Page]) -> None:
    for number in range(55):
        LabelFactory(name=f"Tag {number:02d}")
    LabelFactory(name="ＶＩＰ")
    page = labels_page("sales")
    expect(page.locator("#label-table tr[data-label]")).to_have_count(50)
    expect(page.get_by_test_id("results-total")).to_have_text("56 labels")

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="2").click()
    expect(page.locator("#label-table tr[data-label]")).to_have_count(6)
    expect(row(page, "ＶＩＰ")).to_be_visible()

    # A change in the modal reloads the table in place, on the same page.
    row(page, "Tag 54").get_by_test_id("row-edit").click()
    modal = page.locator(MODAL)
    modal.locator("#id_name").fill("Tag 54 renamed")
    modal.get_by_test_id("save").click()
    expect(modal).to_be_hidden()
    expect(row(page, "Tag 54 renamed")).to_be_visible()
    expect(page.locator("#label-table tr[data-label]")).to_have_count(6)

    search = page.locator("#list-search")
    search.fill("vip")
    search.press("Enter")
    expect(page.locator("#label-table tr[data-label]")).to_have_count(1)
    expect(row(page, "ＶＩＰ")).to_be_visible()
    expect(page.get_by_role("navigation", name="Pages")).to_have_count(0)

    search.fill("nothing like it")
    search.press("Enter")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No labels match “nothing like it”.")
