"""The customer page, create/edit (page and htmx modal), status actions, delete and the labels pages."""

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer, Label

pytestmark = pytest.mark.django_db


WRITERS = ("admin", "sales")
READERS = ("support", "accounting")
ROLES = WRITERS + READERS
MODAL = {"HX-Request": "true", "HX-Target": "modal-content"}

ClientFor = Callable[[str | None], Client]


def valid_person(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "person",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "phone": "(202) 555-0143",
        "country": "GB",
        "website": "https://ada.example.com",
        "balance": "12.50",
        "currency": "GBP",
        "status": "active",
    }
    data.update(overrides)
    return data


def form_data(customer: Customer, **overrides: Any) -> dict[str, Any]:
    """What the edit form posts for ``customer`` unchanged (plus ``overrides``)."""
    data = {
        "kind": customer.kind,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "company_name": customer.company_name,
        "email": customer.email,
        "phone": customer.phone.as_e164 if customer.phone else "",
        "country": customer.country.code or "",
        "city": customer.city,
        "balance": str(customer.balance),
        "currency": customer.currency,
        "status": customer.status,
        "block_reason": customer.block_reason,
        "organization": customer.organization.code if customer.organization else "",
        "labels": [label.pk for label in customer.labels.all()],
        "version": customer.version,
    }
    data.update(overrides)
    return data


def field_errors(response: Any, field: str) -> list[str]:
    """The error messages the page shows next to ``field``."""
    html = response.content.decode()
    marker = f'data-field-error="{field}">'
    errors = []
    start = html.find(marker)
    while start != -1:
        end = html.index("</div>", start)
        errors.append(html[start + len(marker) : end])
        start = html.find(marker, end)
    return errors


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path == reverse("accounts:login")


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Any:
    return make_user("sales", username="olivia", first_name="Olivia", last_name="Officer", email="olivia@example.com")


@pytest.fixture
def organization() -> Customer:
    return OrganizationFactory(company_name="Globex Corporation", industry="Energy")


@pytest.fixture
def vip() -> Label:
    return LabelFactory(name="VIP", colour=Label.Colour.RED)


@pytest.fixture
def customer(organization: Customer, vip: Label, officer: Any) -> Customer:
    return CustomerFactory(
        first_name="Binta",
        last_name="Singhateh",
        email="binta@example.com",
        phone="+12025550143",
        alt_phone="+442079460958",
        country="GM",
        city="Banjul",
        street="1 Marina Parade",
        postal_code="GM-1",
        birthday=timezone.localdate() - timedelta(days=365 * 40),
        description="Prefers calls in the morning.",
        balance=Decimal("1234.50"),
        currency="GBP",
        officer=officer,
        organization=organization,
        external_id="EXT-77",
        labels=[vip],
    )


def detail_url(customer: Customer) -> str:
    return reverse("customers:customer_detail", kwargs={"code": customer.code})


def edit_url(customer: Customer) -> str:
    return reverse("customers:customer_edit", kwargs={"code": customer.code})


def status_url(customer: Customer) -> str:
    return reverse("customers:customer_status", kwargs={"code": customer.code})


def delete_url(customer: Customer) -> str:
    return reverse("customers:customer_delete", kwargs={"code": customer.code})


# --- Permissions ------------------------------------------------------------------------------


def all_urls(customer: Customer, label: Label) -> dict[str, str]:
    return {
        "detail": detail_url(customer),
        "create": reverse("customers:customer_create"),
        "edit": edit_url(customer),
        "status": status_url(customer),
        "delete": delete_url(customer),
        "labels": reverse("labels:label_list"),
        "label_create": reverse("labels:label_create"),
        "label_edit": reverse("labels:label_edit", kwargs={"pk": label.pk}),
        "label_delete": reverse("labels:label_delete", kwargs={"pk": label.pk}),
    }


READ_PAGES = ("detail", "labels")
WRITE_PAGES = ("create", "edit", "status", "delete", "label_create", "label_edit", "label_delete")


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_anonymous_visitors_are_sent_to_login(client_for: ClientFor, customer: Customer, vip: Label, page: str) -> None:
    url = all_urls(customer, vip)[page]
    response = client_for(None).get(url)
    assert is_login_redirect(response)
    assert f"next={url}" in response["Location"].replace("%2F", "/")


@pytest.mark.parametrize("page", WRITE_PAGES)
def test_anonymous_posts_write_nothing(client_for: ClientFor, customer: Customer, vip: Label, page: str) -> None:
    response = client_for(None).post(all_urls(customer, vip)[page], {"status": "inactive", "name": "x"})
    assert is_login_redirect(response)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE and not customer.is_deleted
    assert Label.objects.count() == 1


def test_anonymous_htmx_request_is_redirected_by_header(client_for: ClientFor, customer: Customer) -> None:
    response = client_for(None).get(
        edit_url(customer), headers={**MODAL, "HX-Current-URL": "http://testserver/customers/"}
    )
    assert response.status_code == 204
    assert urlsplit(response["HX-Redirect"]).path == reverse("accounts:login")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", READ_PAGES)
def test_every_role_may_view(client_for: ClientFor, customer: Customer, vip: Label, role: str, page: str) -> None:
    assert client_for(role).get(all_urls(customer, vip)[page]).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", WRITE_PAGES)
def test_write_pages_are_for_sales_and_admin(
    client_for: ClientFor, customer: Customer, vip: Label, role: str, page: str
) -> None:
    response = client_for(role).get(all_urls(customer, vip)[page])
    assert response.status_code == (200 if role in WRITERS else 403)


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("create", valid_person()),
        ("status", {"status": "inactive"}),
        ("delete", {}),
        ("label_create", {"name": "Sneaky", "colour": "primary"}),
        ("label_edit", {"name": "Renamed", "colour": "primary"}),
        ("label_delete", {}),
    ],
)
def test_read_only_roles_cannot_write(
    client_for: ClientFor, customer: Customer, vip: Label, role: str, page: str, data: dict[str, Any]
) -> None:
    response = client_for(role).post(all_urls(customer, vip)[page], data)
    assert response.status_code == 403
    customer.refresh_from_db()
    vip.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE and not customer.is_deleted
    assert Customer.objects.count() == 2
    assert list(Label.objects.values_list("name", flat=True)) == ["VIP"]


@pytest.mark.parametrize("role", READERS)
def test_read_only_roles_cannot_edit(client_for: ClientFor, customer: Customer, role: str) -> None:
    response = client_for(role).post(edit_url(customer), form_data(customer, city="Elsewhere"))
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.city == "Banjul"


# --- The customer page ------------------------------------------------------------------------


def test_customer_page_shows_every_field(client_for: ClientFor, customer: Customer) -> None:
    response = client_for("support").get(detail_url(customer))
    html = response.content.decode()
    for text in (
        "Binta Singhateh",
        customer.code,
        "binta@example.com",
        "+1 202-555-0143",  # international format
        "+44 20 7946 0958",
        "Gambia",
        "Banjul",
        "1 Marina Parade",
        "1,234.50",
        "GBP",
        "EXT-77",
        "Olivia Officer",
        "Globex Corporation",
        "Prefers calls in the morning.",
        "(age 40)" if "(age 40)" in html else "(age 39)",
    ):
        assert text in html, text
    assert 'class="badge status-badge text-bg-success" data-status="active"' in html
    assert 'text-bg-danger" data-testid="customer-label">VIP' in html
    assert customer.organization is not None
    assert detail_url(customer.organization) in html


def test_organization_page_lists_its_people(client_for: ClientFor, customer: Customer, organization: Customer) -> None:
    response = client_for("accounting").get(detail_url(organization))
    html = response.content.decode()
    assert 'data-testid="members"' in html
    assert "Binta Singhateh" in html and detail_url(customer) in html
    assert "Energy" in html


@pytest.mark.parametrize(
    ("status", "colour"),
    [("active", "success"), ("inactive", "warning"), ("prospect", "primary"), ("churned", "secondary")],
)
def test_status_is_colour_coded(client_for: ClientFor, status: str, colour: str) -> None:
    customer = CustomerFactory(status=status)
    html = client_for("support").get(detail_url(customer)).content.decode()
    assert f'text-bg-{colour}" data-status="{status}"' in html


def test_blocked_customer_shows_reason_and_unblock(client_for: ClientFor) -> None:
    customer = CustomerFactory(status="blocked", block_reason="Chargeback fraud")
    html = client_for("sales").get(detail_url(customer)).content.decode()
    assert 'text-bg-danger" data-status="blocked"' in html
    assert "Chargeback fraud" in html
    assert 'data-testid="unblock-customer"' in html
    assert 'data-testid="deactivate-customer"' not in html


@pytest.mark.parametrize("role", WRITERS)
def test_writers_see_the_actions(client_for: ClientFor, customer: Customer, role: str) -> None:
    html = client_for(role).get(detail_url(customer)).content.decode()
    for action in ("edit-customer", "deactivate-customer", "block-customer", "delete-customer"):
        assert f'data-testid="{action}"' in html
    assert 'data-testid="activate-customer"' not in html  # already active


@pytest.mark.parametrize("role", READERS)
def test_readers_see_no_actions(client_for: ClientFor, customer: Customer, role: str) -> None:
    html = client_for(role).get(detail_url(customer)).content.decode()
    assert 'data-testid="customer-actions"' not in html
    assert edit_url(customer) not in html and delete_url(customer) not in html


def test_unknown_code_is_404(client_for: ClientFor) -> None:
    client = client_for("admin")
    for url in ("/customers/CUST9999999/", "/customers/CUST9999999/edit/", "/customers/nope/delete/"):
        assert client.get(url).status_code == 404
    assert client.post("/customers/CUST9999999/status/", {"status": "inactive"}).status_code == 404


def test_deleted_customer_is_404(client_for: ClientFor, customer: Customer) -> None:
    services.delete_customer(user=None, customer=customer)
    client = client_for("admin")
    for url in (detail_url(customer), edit_url(customer), delete_url(customer), status_url(customer)):
        assert client.get(url).status_code == 404
    assert client.post(status_url(customer), {"status": "inactive"}).status_code == 404


def test_code_is_found_in_lower_case(client_for: ClientFor, customer: Customer) -> None:
    assert client_for("support").get(f"/customers/{customer.code.lower()}/").status_code == 200


def test_deleted_organization_is_not_shown_but_stays_linked(
    client_for: ClientFor, customer: Customer, organization: Customer
) -> None:
    services.delete_customer(user=None, customer=organization)
    html = client_for("sales").get(detail_url(customer)).content.decode()
    assert "Globex Corporation" not in html
    customer.refresh_from_db()
    assert customer.organization_id == organization.pk


# --- Create -----------------------------------------------------------------------------------


def test_create_page_renders_the_form(client_for: ClientFor, vip: Label, organization: Customer, officer: Any) -> None:
    html = client_for("sales").get(reverse("customers:customer_create")).content.decode()
    assert "<html" in html and 'id="customer-form"' in html
    assert 'name="kind" value="person"' in html and "checked" in html
    assert "VIP" in html and "Globex Corporation" in html and "Olivia Officer (olivia)" in html
    assert 'name="version"' not in html


def test_create_full_page_redirects_to_the_new_customer(
    client_for: ClientFor, vip: Label, officer: Any, organization: Customer
) -> None:
    data = valid_person(labels=[vip.pk], officer=officer.pk, organization=organization.code.lower())
    response = client_for("sales").post(reverse("customers:customer_create"), data, follow=True)
    customer = Customer.objects.get(last_name="Lovelace")
    assert response.redirect_chain == [(detail_url(customer), 303)]
    assert f"Customer {customer.code} ({customer.display_name}) created." in response.content.decode()
    assert customer.phone.as_e164 == "+12025550143"
    assert customer.country.code == "GB"
    assert customer.balance == Decimal("12.50")
    assert list(customer.labels.all()) == [vip]
    assert customer.officer == officer
    assert customer.organization == organization
    assert customer.code.startswith("CUST")


def test_create_in_modal_redirects_by_header(client_for: ClientFor) -> None:
    client = client_for("admin")
    response = client.get(reverse("customers:customer_create"), headers=MODAL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert (
        'class="modal-header"' in html and 'hx-post="/customers/new/"' in html and 'hx-target="#modal-content"' in html
    )

    response = client.post(reverse("customers:customer_create"), valid_person(), headers=MODAL)
    customer = Customer.objects.get()
    assert response.status_code == 204
    assert response["HX-Redirect"] == detail_url(customer)


INVALID_FIELDS = [
    ("email", {"email": "ada@"}, "ada@"),
    ("phone", {"phone": "12"}, 'value="12"'),
    ("alt_phone", {"alt_phone": "not a phone"}, 'value="not a phone"'),
    ("country", {"country": "XX"}, None),
    ("website", {"website": "htp:/nowhere"}, 'value="htp:/nowhere"'),
    ("birthday", {"birthday": (timezone.localdate() + timedelta(days=1)).isoformat()}, "birthday_value"),
    ("balance", {"balance": "10.123"}, 'value="10.123"'),
    ("balance", {"balance": "ten"}, 'value="ten"'),
    ("last_name", {"first_name": "", "last_name": ""}, None),
    ("company_name", {"kind": "organization", "company_name": ""}, None),
    ("block_reason", {"status": "blocked", "block_reason": "  "}, None),
    ("currency", {"currency": "XYZ"}, None),
    ("account_opened_on", {"account_opened_on": "2020-13-45"}, 'value="2020-13-45"'),
]


@pytest.mark.parametrize(("field", "changes", "kept"), INVALID_FIELDS, ids=[case[0] for case in INVALID_FIELDS])
@pytest.mark.parametrize("headers", [{}, MODAL], ids=["page", "modal"])
def test_create_refuses_bad_input_and_keeps_it(
    client_for: ClientFor, field: str, changes: dict[str, Any], kept: str | None, headers: dict[str, str]
) -> None:
    data = valid_person(city="Sevilla", street="Calle Feria 12", **changes)
    response = client_for("sales").post(reverse("customers:customer_create"), data, headers=headers)
    html = response.content.decode()
    assert response.status_code == 422
    assert field_errors(response, field), f"no error shown next to {field}"
    assert 'value="Sevilla"' in html and 'value="Calle Feria 12"' in html  # the rest of the input is kept
    if kept == "birthday_value":
        kept = f'value="{changes["birthday"]}"'
    if kept:
        assert kept in html
    assert ("<html" in html) is (not headers)
    assert not Customer.all_objects.exists()


def test_create_error_marks_the_field_invalid(client_for: ClientFor) -> None:
    response = client_for("sales").post(reverse("customers:customer_create"), valid_person(email="nope"))
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and "is-invalid" in html
    assert "Enter a valid email address." in field_errors(response, "email")


def test_create_organization_drops_person_fields(client_for: ClientFor, organization: Customer) -> None:
    data = valid_person(
        kind="organization",
        company_name="Initech",
        gender="female",
        birthday="1990-01-01",
        organization=organization.code,
    )
    response = client_for("sales").post(reverse("customers:customer_create"), data)
    assert response.status_code == 303
    created = Customer.objects.get(company_name="Initech")
    assert created.kind == Customer.Kind.ORGANIZATION
    assert (created.first_name, created.last_name, created.gender, created.birthday) == ("", "", "", None)
    assert created.organization is None
    assert created.display_name == "Initech"


def test_create_with_status_blocked_and_reason(client_for: ClientFor) -> None:
    data = valid_person(status="blocked", block_reason="Identity not verified")
    assert client_for("sales").post(reverse("customers:customer_create"), data).status_code == 303
    customer = Customer.objects.get()
    assert customer.status == Customer.Status.BLOCKED
    assert customer.block_reason == "Identity not verified"


def test_unknown_organization_code_is_a_field_error(client_for: ClientFor) -> None:
    response = client_for("sales").post(reverse("customers:customer_create"), valid_person(organization="CUST0099999"))
    assert response.status_code == 422
    assert field_errors(response, "organization")


def test_a_person_cannot_be_the_organization(client_for: ClientFor, customer: Customer) -> None:
    response = client_for("sales").post(reverse("customers:customer_create"), valid_person(organization=customer.code))
    assert response.status_code == 422
    assert field_errors(response, "organization")


# --- Edit -------------------------------------------------------------------------------------


def test_edit_form_shows_current_values(client_for: ClientFor, customer: Customer, vip: Label) -> None:
    html = client_for("sales").get(edit_url(customer)).content.decode()
    assert 'value="Binta"' in html
    assert 'value="+1 202-555-0143"' in html  # international format in the form, too
    assert f'name="version" value="{customer.version}"' in html
    assert f'value="{vip.pk}" id="id_labels_0" checked' in html
    assert customer.organization is not None
    assert f'<option value="{customer.organization.code}" selected>' in html


def test_edit_full_page_saves_and_redirects(client_for: ClientFor, customer: Customer, vip: Label) -> None:
    other = LabelFactory(name="Newsletter")
    data = form_data(customer, city="Serekunda", phone="+220 422 1234", labels=[other.pk])
    response = client_for("sales").post(edit_url(customer), data, follow=True)
    assert response.redirect_chain == [(detail_url(customer), 303)]
    assert f"Customer {customer.code} ({customer.display_name}) saved." in response.content.decode()
    customer.refresh_from_db()
    assert customer.city == "Serekunda"
    assert customer.phone.as_e164 == "+2204221234"
    assert list(customer.labels.all()) == [other]
    assert customer.version == 2


def test_edit_in_modal_from_the_list_stays_on_the_list(client_for: ClientFor, customer: Customer) -> None:
    headers = {**MODAL, "HX-Current-URL": "http://testserver/customers/?q=binta"}
    response = client_for("sales").post(edit_url(customer), form_data(customer, city="Brikama"), headers=headers)
    assert response.status_code == 204
    triggers = json.loads(response["HX-Trigger"])
    assert triggers == {
        "closeModal": True,
        "showToast": {"message": f"Customer {customer.code} ({customer.display_name}) saved.", "level": "success"},
        "refreshList": True,
    }
    customer.refresh_from_db()
    assert customer.city == "Brikama"


def test_edit_in_modal_from_the_customer_page_reloads_it(client_for: ClientFor, customer: Customer) -> None:
    headers = {**MODAL, "HX-Current-URL": f"http://testserver{detail_url(customer)}"}
    response = client_for("sales").post(edit_url(customer), form_data(customer, city="Brikama"), headers=headers)
    assert response.status_code == 204
    assert response["HX-Redirect"] == detail_url(customer)


def test_edit_error_in_modal_rerenders_the_fragment(client_for: ClientFor, customer: Customer) -> None:
    data = form_data(customer, email="binta@", city="Typed city")
    response = client_for("sales").post(edit_url(customer), data, headers=MODAL)
    html = response.content.decode()
    assert response.status_code == 422
    assert "<html" not in html and 'class="modal-header"' in html
    assert field_errors(response, "email") and 'value="binta@"' in html and 'value="Typed city"' in html
    customer.refresh_from_db()
    assert customer.email == "binta@example.com"


def test_edit_refuses_a_stale_version(client_for: ClientFor, customer: Customer) -> None:
    data = form_data(customer, city="Mine")
    services.update_customer(user=None, customer=customer, city="Theirs")
    response = client_for("sales").post(edit_url(customer), data)
    assert response.status_code == 409
    assert "changed this record while you were editing it. Nothing was saved." in response.content.decode()
    customer.refresh_from_db()
    assert customer.city == "Theirs"


def test_edit_can_unlink_the_organization(client_for: ClientFor, customer: Customer) -> None:
    client_for("sales").post(edit_url(customer), form_data(customer, organization=""))
    customer.refresh_from_db()
    assert customer.organization is None


def test_edit_of_a_person_whose_organization_was_deleted(
    client_for: ClientFor, customer: Customer, organization: Customer
) -> None:
    services.delete_customer(user=None, customer=organization)
    customer.refresh_from_db()
    client = client_for("sales")
    assert "was deleted; saving removes the link" in client.get(edit_url(customer)).content.decode()
    response = client.post(edit_url(customer), form_data(customer, organization="", city="Kololi"))
    assert response.status_code == 303
    customer.refresh_from_db()
    assert customer.city == "Kololi"
    assert customer.organization_id is None


def test_edit_blocking_without_reason_is_refused(client_for: ClientFor, customer: Customer) -> None:
    response = client_for("sales").post(edit_url(customer), form_data(customer, status="blocked", block_reason=""))
    assert response.status_code == 422
    assert field_errors(response, "block_reason")
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


# --- Status actions ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", WRITERS)
def test_deactivate_and_activate_are_one_click(client_for: ClientFor, customer: Customer, role: str) -> None:
    client = client_for(role)
    response = client.post(status_url(customer), {"status": "inactive"}, follow=True)
    assert response.redirect_chain == [(detail_url(customer), 303)]
    assert f"Customer {customer.code} is now inactive." in response.content.decode()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.INACTIVE
    assert 'data-testid="activate-customer"' in response.content.decode()

    client.post(status_url(customer), {"status": "active"})
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


def test_block_form_is_a_page_and_a_modal(client_for: ClientFor, customer: Customer) -> None:
    client = client_for("sales")
    page = client.get(status_url(customer)).content.decode()
    modal = client.get(status_url(customer), headers=MODAL).content.decode()
    assert "<html" in page and 'name="reason"' in page
    assert "<html" not in modal and 'name="reason"' in modal and 'hx-post="' in modal


@pytest.mark.parametrize("headers", [{}, MODAL], ids=["page", "modal"])
def test_block_without_reason_shows_an_error(
    client_for: ClientFor, customer: Customer, headers: dict[str, str]
) -> None:
    response = client_for("sales").post(status_url(customer), {"status": "blocked", "reason": "   "}, headers=headers)
    assert response.status_code == 422
    assert field_errors(response, "reason") == ["Blocking a customer requires a reason."]
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


def test_block_with_reason_then_unblock_returns_to_previous_status(client_for: ClientFor) -> None:
    customer = CustomerFactory(status="prospect")
    client = client_for("sales")
    response = client.post(status_url(customer), {"status": "blocked", "reason": "Disputed invoice"}, headers=MODAL)
    assert response.status_code == 204 and response["HX-Redirect"] == detail_url(customer)
    customer.refresh_from_db()
    assert (customer.status, customer.block_reason) == ("blocked", "Disputed invoice")

    client.post(status_url(customer), {"status": "unblock"})
    customer.refresh_from_db()
    assert (customer.status, customer.block_reason) == ("prospect", "")


def test_unblock_of_a_customer_not_blocked_is_an_error(client_for: ClientFor, customer: Customer) -> None:
    response = client_for("sales").post(status_url(customer), {"status": "unblock"})
    assert response.status_code == 422
    assert "not blocked" in response.content.decode()


def test_unknown_status_is_an_error(client_for: ClientFor, customer: Customer) -> None:
    response = client_for("sales").post(status_url(customer), {"status": "asleep"})
    assert response.status_code == 422
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


@pytest.mark.parametrize("status", ["prospect", "churned"])
def test_other_statuses_from_the_menu(client_for: ClientFor, customer: Customer, status: str) -> None:
    client_for("admin").post(status_url(customer), {"status": status})
    customer.refresh_from_db()
    assert customer.status == status


# --- Delete -----------------------------------------------------------------------------------


def test_delete_asks_for_confirmation(client_for: ClientFor, customer: Customer) -> None:
    client = client_for("sales")
    page = client.get(delete_url(customer)).content.decode()
    modal = client.get(delete_url(customer), headers=MODAL).content.decode()
    assert "<html" in page and "Binta Singhateh" in page and 'data-testid="confirm-delete"' in page
    assert "<html" not in modal and f'hx-post="{delete_url(customer)}"' in modal
    customer.refresh_from_db()
    assert not customer.is_deleted


def test_delete_is_soft_and_returns_to_the_list(client_for: ClientFor, customer: Customer) -> None:
    client = client_for("sales")
    response = client.post(delete_url(customer))
    assert response.status_code == 303 and response["Location"] == reverse("customers:customer_list")
    stored = Customer.all_objects.get(pk=customer.pk)
    assert stored.deleted_at is not None and stored.code == customer.code
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert client.get(detail_url(customer)).status_code == 404


def test_delete_in_modal_redirects_by_header(client_for: ClientFor, customer: Customer) -> None:
    on_its_page = {**MODAL, "HX-Current-URL": f"http://testserver{customer.get_absolute_url()}"}
    response = client_for("admin").post(delete_url(customer), headers=on_its_page)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("customers:customer_list")
    assert Customer.all_objects.get(pk=customer.pk).is_deleted


# --- Labels -----------------------------------------------------------------------------------


def label_edit_url(label: Label) -> str:
    return reverse("labels:label_edit", kwargs={"pk": label.pk})


def label_delete_url(label: Label) -> str:
    return reverse("labels:label_delete", kwargs={"pk": label.pk})


def test_label_list_shows_name_colour_and_live_customer_count(client_for: ClientFor, vip: Label) -> None:
    CustomerFactory(labels=[vip])
    gone = CustomerFactory(labels=[vip])
    services.delete_customer(user=None, customer=gone)
    LabelFactory(name="Newsletter", colour=Label.Colour.GREEN)
    html = client_for("support").get(reverse("labels:label_list")).content.decode()
    assert 'text-bg-danger fs-6 fw-medium px-3">VIP' in html and "Red" in html
    assert 'text-bg-success fs-6 fw-medium px-3">Newsletter' in html
    assert '?label=VIP" title="Show these customers">1</a>' in html


def test_label_list_hides_write_buttons_from_readers(client_for: ClientFor, vip: Label) -> None:
    html = client_for("accounting").get(reverse("labels:label_list")).content.decode()
    assert 'data-testid="create-button"' not in html and label_edit_url(vip) not in html
    html = client_for("sales").get(reverse("labels:label_list")).content.decode()
    assert 'data-testid="create-button"' in html and label_edit_url(vip) in html and label_delete_url(vip) in html


def test_label_create_page_and_modal(client_for: ClientFor) -> None:
    client = client_for("sales")
    response = client.post(reverse("labels:label_create"), {"name": " Key account ", "colour": "warning"})
    created = Label.objects.get(name="Key account")
    # A label has a page of its own now (the kit's detail): the full-page form opens it.
    assert response.status_code == 303 and response["Location"] == created.get_absolute_url()
    assert created.colour == "warning"

    response = client.post(reverse("labels:label_create"), {"name": "Gold", "colour": "dark"}, headers=MODAL)
    assert response.status_code == 204
    assert json.loads(response["HX-Trigger"])["showToast"]["message"] == "Label “Gold” created."
    assert json.loads(response["HX-Trigger"])["refreshList"] is True


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "vip", "colour": "primary"}, "name"),
        ({"name": "", "colour": "primary"}, "name"),
        ({"name": "Fine", "colour": "pink"}, "colour"),
    ],
)
@pytest.mark.parametrize("headers", [{}, MODAL], ids=["page", "modal"])
def test_label_create_refuses_bad_input(
    client_for: ClientFor, vip: Label, data: dict[str, str], field: str, headers: dict[str, str]
) -> None:
    response = client_for("sales").post(reverse("labels:label_create"), data, headers=headers)
    assert response.status_code == 422
    assert field_errors(response, field)
    if data["name"]:
        assert f'value="{data["name"]}"' in response.content.decode()
    assert Label.objects.count() == 1


def test_label_rename_updates_the_customers_search(client_for: ClientFor, vip: Label) -> None:
    customer = CustomerFactory(labels=[vip])
    response = client_for("sales").post(label_edit_url(vip), {"name": "Platinum", "colour": "info"})
    assert response.status_code == 303
    vip.refresh_from_db()
    assert (vip.name, vip.colour) == ("Platinum", "info")
    customer.refresh_from_db()
    assert "platinum" in customer.search_document


def test_label_rename_to_an_existing_name_is_refused(client_for: ClientFor, vip: Label) -> None:
    other = LabelFactory(name="Newsletter")
    response = client_for("sales").post(label_edit_url(other), {"name": "VIP ", "colour": "primary"}, headers=MODAL)
    assert response.status_code == 422
    assert field_errors(response, "name")
    other.refresh_from_db()
    assert other.name == "Newsletter"


def test_label_delete_confirms_then_removes_it(client_for: ClientFor, vip: Label) -> None:
    customer = CustomerFactory(labels=[vip])
    client = client_for("admin")
    page = client.get(label_delete_url(vip)).content.decode()
    assert "1 customer" in page and 'data-testid="confirm-delete"' in page
    response = client.post(label_delete_url(vip), headers=MODAL)
    assert response.status_code == 204 and json.loads(response["HX-Trigger"])["closeModal"] is True
    assert not Label.objects.exists()
    assert list(customer.labels.all()) == []
    assert client.get(label_edit_url(vip)).status_code == 404


def test_unknown_label_is_404(client_for: ClientFor) -> None:
    client = client_for("sales")
    assert client.get("/labels/999/edit/").status_code == 404
    assert client.post("/labels/999/delete/").status_code == 404
