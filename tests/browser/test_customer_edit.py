"""The customer page in a real browser: create and edit in the modal, status actions, delete, no-JS pages."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer, Label

# Live-server tests empty the database after each test; serialized rollback brings back what the
# migrations created (the role groups) for the next one.
pytestmark = pytest.mark.django_db(transaction=True)

MODAL = "#modal"


@pytest.fixture
def customer() -> Customer:
    return CustomerFactory(first_name="Binta", last_name="Singhateh", phone="+12025550143", city="Banjul")


def open_customer(page: Page, live_server: Any, customer: Customer) -> Page:
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    return page


def error_of(page: Page, field: str) -> Any:
    return page.locator(f'{MODAL} [data-field-error="{field}"]')


def test_create_in_the_modal_from_the_list_with_a_field_error_then_success(
    live_server: Any, page_as: Callable[[str], Page]
) -> None:
    LabelFactory(name="VIP", colour=Label.Colour.RED)
    page = page_as("sales")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_test_id("create-button").click()
    modal = page.locator(MODAL)
    expect(modal).to_be_visible()
    expect(modal.locator("#modal-title")).to_have_text("New customer")

    modal.locator("#id_first_name").fill("Grace")
    modal.locator("#id_last_name").fill("Hopper")
    modal.locator("#id_email").fill("grace@")
    modal.locator("#id_phone").fill("202 555 0199")
    modal.get_by_text("VIP").click()
    modal.get_by_test_id("save-customer").click()

    expect(error_of(page, "email")).to_have_text("Enter a valid email address.")
    expect(modal).to_be_visible()
    expect(modal.locator("#id_email")).to_have_value("grace@")  # what the user typed is kept
    expect(modal.locator("#id_first_name")).to_have_value("Grace")
    expect(modal.locator("input[name=labels]")).to_be_checked()
    assert not Customer.objects.exists()

    modal.locator("#id_email").fill("grace@example.com")
    modal.get_by_test_id("save-customer").click()

    expect(page).to_have_url(re.compile(r"/customers/CUST\d{7}/$"))
    customer = Customer.objects.get()
    expect(page.get_by_test_id("customer-name")).to_have_text("Grace Hopper")
    expect(page.get_by_test_id("customer-phone")).to_have_text("+1 202-555-0199")
    expect(page.get_by_test_id("customer-label")).to_have_text("VIP")
    expect(page.locator("#toasts")).to_contain_text(f"Customer {customer.code} ({customer.display_name}) created.")


def test_kind_switch_shows_the_fields_of_the_kind(live_server: Any, page_as: Callable[[str], Page]) -> None:
    page = page_as("admin")
    page.goto(f"{live_server.url}/customers/new/")
    first_name, gender = page.locator("#id_first_name"), page.locator("#id_gender")
    block_reason = page.locator("#id_block_reason")
    expect(first_name).to_be_visible()
    expect(block_reason).to_be_hidden()

    page.locator("label[for=id_kind_1]").click()  # Organization
    expect(first_name).to_be_hidden()
    expect(gender).to_be_hidden()
    expect(page.locator("label[for=id_company_name]")).to_contain_text("Company name")

    page.locator("#id_status").select_option("blocked")
    expect(block_reason).to_be_visible()
    page.locator("#id_company_name").fill("Initech")
    page.get_by_test_id("save-customer").click()

    expect(page.locator('[data-field-error="block_reason"]')).to_contain_text("requires a reason")
    expect(block_reason).to_be_visible()
    expect(first_name).to_be_hidden()  # the re-rendered form keeps the chosen kind
    block_reason.fill("Sanctions list")
    page.get_by_test_id("save-customer").click()

    expect(page.get_by_test_id("block-reason")).to_contain_text("Sanctions list")
    created = Customer.objects.get()
    assert (created.kind, created.company_name, created.status) == ("organization", "Initech", "blocked")


def test_edit_in_the_modal_from_the_customer_page(
    live_server: Any, page_as: Callable[[str], Page], customer: Customer
) -> None:
    organization = OrganizationFactory(company_name="Globex Corporation")
    page = open_customer(page_as("sales"), live_server, customer)
    page.get_by_test_id("edit-customer").click()
    modal = page.locator(MODAL)
    expect(modal).to_be_visible()
    expect(modal.locator("#id_phone")).to_have_value("+1 202-555-0143")

    modal.locator("#id_city").fill("Serekunda")
    modal.locator("#id_website").fill("not a website")
    modal.locator("#id_organization").select_option(organization.code)
    modal.get_by_test_id("save-customer").click()
    expect(error_of(page, "website")).to_be_visible()
    expect(modal.locator("#id_city")).to_have_value("Serekunda")

    modal.locator("#id_website").fill("https://binta.example.com")
    modal.get_by_test_id("save-customer").click()

    expect(modal).to_be_hidden()
    expect(page.locator("#toasts")).to_contain_text(f"Customer {customer.code} ({customer.display_name}) saved.")
    expect(page.get_by_test_id("customer-organization")).to_contain_text("Globex Corporation")
    expect(page.locator("main")).to_contain_text("Serekunda")
    customer.refresh_from_db()
    assert (customer.city, customer.website, customer.organization) == (
        "Serekunda",
        "https://binta.example.com",
        organization,
    )


def test_edit_in_the_modal_from_the_list_refreshes_the_row(
    live_server: Any, page_as: Callable[[str], Page], customer: Customer
) -> None:
    page = page_as("admin")
    page.goto(f"{live_server.url}/customers/")
    page.evaluate("document.body.dataset.sameDocument = 'yes'")
    edit_url = f"/customers/{customer.code}/edit/"
    # The list itself offers no edit button yet; open the form the way a row action would.
    page.evaluate(
        "url => htmx.ajax('GET', url, {target: '#modal-content', swap: 'innerHTML'})",
        edit_url,
    )
    modal = page.locator(MODAL)
    expect(modal).to_be_visible()
    modal.locator("#id_last_name").fill("Singhateh-Jallow")
    modal.get_by_test_id("save-customer").click()

    expect(modal).to_be_hidden()
    expect(page.locator("#toasts")).to_contain_text(f"Customer {customer.code} (Binta Singhateh-Jallow) saved.")
    expect(page.locator("#results")).to_contain_text("Binta Singhateh-Jallow")
    assert page.evaluate("document.body.dataset.sameDocument") == "yes"


def test_deactivate_and_activate(live_server: Any, page_as: Callable[[str], Page], customer: Customer) -> None:
    page = open_customer(page_as("sales"), live_server, customer)
    status = page.get_by_test_id("customer-status")
    expect(status).to_have_text("Active")
    page.get_by_test_id("status-menu").click()
    page.get_by_test_id("deactivate-customer").click()

    expect(status).to_have_text("Inactive")
    expect(status.locator(".badge")).to_have_class(re.compile(r"text-bg-warning"))
    expect(page.locator("#toasts")).to_contain_text("is now inactive")
    expect(page.get_by_test_id("deactivate-customer")).to_have_count(0)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.INACTIVE

    page.get_by_test_id("status-menu").click()

    page.get_by_test_id("activate-customer").click()
    expect(status).to_have_text("Active")
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


def test_block_needs_a_reason_and_unblock_returns_to_the_previous_status(
    live_server: Any, page_as: Callable[[str], Page]
) -> None:
    customer = CustomerFactory(status=Customer.Status.PROSPECT)
    page = open_customer(page_as("sales"), live_server, customer)
    page.get_by_test_id("status-menu").click()
    page.get_by_test_id("block-customer").click()
    modal = page.locator(MODAL)
    modal.get_by_test_id("confirm-block").click()
    expect(error_of(page, "reason")).to_have_text("Blocking a customer requires a reason.")

    modal.locator("textarea[name=reason]").fill("Disputed invoices")
    modal.get_by_test_id("confirm-block").click()
    expect(page.get_by_test_id("block-reason")).to_contain_text("Disputed invoices")
    expect(page.get_by_test_id("customer-status")).to_have_text("Blocked")

    page.get_by_test_id("status-menu").click()

    page.get_by_test_id("unblock-customer").click()
    expect(page.get_by_test_id("customer-status")).to_have_text("Prospect")
    expect(page.get_by_test_id("block-reason")).to_have_count(0)


def test_delete_after_confirmation(live_server: Any, page_as: Callable[[str], Page], customer: Customer) -> None:
    page = open_customer(page_as("admin"), live_server, customer)
    page.get_by_test_id("delete-customer").click()
    modal = page.locator(MODAL)
    expect(modal).to_contain_text("Binta Singhateh")
    modal.get_by_test_id("confirm-delete").click()

    expect(page).to_have_url(f"{live_server.url}/customers/")
    expect(page.locator("#toasts")).to_contain_text(f"Customer {customer.code} (Binta Singhateh) deleted.")
    expect(page.locator("#results")).not_to_contain_text("Binta")
    assert Customer.all_objects.get(pk=customer.pk).is_deleted


@pytest.mark.parametrize("role", ["support", "accounting"])
def test_read_only_roles_see_the_page_without_actions(
    live_server: Any, page_as: Callable[[str], Page], customer: Customer, role: str
) -> None:
    page = open_customer(page_as(role), live_server, customer)
    expect(page.get_by_test_id("customer-name")).to_have_text("Binta Singhateh")
    expect(page.get_by_test_id("customer-actions")).to_have_count(0)


def test_create_edit_and_delete_work_without_javascript(live_server: Any, page_without_javascript: Page) -> None:
    page = page_without_javascript
    page.goto(f"{live_server.url}/customers/new/")
    page.locator("#id_last_name").fill("Lamarr")
    page.locator("#id_balance").fill("10.555")
    page.get_by_test_id("save-customer").click()
    expect(page.locator('[data-field-error="balance"]')).to_have_text(
        "Ensure that there are no more than 2 decimal places."
    )
    expect(page.locator("#id_last_name")).to_have_value("Lamarr")

    page.locator("#id_balance").fill("10.55")
    page.get_by_test_id("save-customer").click()
    expect(page).to_have_url(re.compile(r"/customers/CUST\d{7}/$"))
    customer = Customer.objects.get()

    page.get_by_test_id("edit-customer").click()  # a plain link to the edit page
    expect(page).to_have_url(f"{live_server.url}/customers/{customer.code}/edit/")
    page.locator("#id_first_name").fill("Hedy")
    page.get_by_test_id("save-customer").click()
    expect(page.get_by_test_id("customer-name")).to_have_text("Hedy Lamarr")

    page.get_by_test_id("status-menu").click()

    page.get_by_test_id("deactivate-customer").click()
    expect(page.get_by_test_id("customer-status")).to_have_text("Inactive")

    page.get_by_test_id("delete-customer").click()
    page.get_by_test_id("confirm-delete").click()
    expect(page).to_have_url(f"{live_server.url}/customers/")
    assert Customer.all_objects.get().is_deleted
