"""Converting a lead: the customer it becomes, duplicates offered and linked instead, both-way links,
the timeline on both, the lead read-only afterwards, and the pages of the dialog."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from clientbook.activities.factories import ActivityFactory
from clientbook.activities.models import Activity
from clientbook.core.kit import writes
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from clientbook.leads import services
from clientbook.leads.factories import LeadFactory
from clientbook.leads.models import Lead

pytestmark = pytest.mark.django_db


def test_a_lead_becomes_a_customer_with_its_data(users: dict[str, Any]) -> None:
    lead = LeadFactory(
        name="Anil Kumar Sharma",
        email="anil@example.com",
        mobile="+91 98123 45678",
        alternative_mobile="+919800000001",
        company="Sharma Traders",
        notes="Wants a demat account.",
        assignee=users["sales"],
    )
    conversion = services.convert(user=users["sales"], lead=lead)
    customer = conversion.customer
    assert conversion.created
    assert (customer.first_name, customer.last_name, customer.kind) == ("Anil Kumar", "Sharma", "person")
    assert (customer.email, customer.phone.as_e164, customer.alt_phone.as_e164) == (
        "anil@example.com",
        "+919812345678",
        "+919800000001",
    )
    assert customer.officer == users["sales"]
    assert customer.description == "Company: Sharma Traders\n\nWants a demat account."
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED and lead.converted_at is not None
    assert lead.customer == customer and customer.lead == lead


def test_likely_duplicates_by_email_in_any_case_and_phone_in_e164(users: dict[str, Any]) -> None:
    by_email = CustomerFactory(email="Priya.Nair@Example.COM")
    by_phone = CustomerFactory(phone="+919876543210")
    by_both = CustomerFactory(email="priya.nair@example.com", alt_phone="+919876543210")
    CustomerFactory(email="someone.else@example.com", phone="+919800000009")
    lead = LeadFactory(email="priya.nair@example.com", mobile="+91 (98765) 43-210")

    found = services.likely_duplicates(lead, user=users["sales"])

    assert [(item.customer, item.reasons) for item in found] == [
        (by_both, ("same e-mail", "same phone")),
        *sorted([(by_email, ("same e-mail",)), (by_phone, ("same phone",))], key=lambda pair: pair[0].code),
    ]
    with pytest.raises(services.DuplicatesFound):
        services.convert(user=users["sales"], lead=lead)
    assert Customer.objects.count() == 4
    assert Lead.objects.get().status == Lead.Status.NEW


def test_link_instead_of_creating(users: dict[str, Any]) -> None:
    existing = CustomerFactory(email="kiran@example.com")
    lead = LeadFactory(email="kiran@example.com")
    conversion = services.convert(user=users["sales"], lead=lead, link_to=existing)
    assert not conversion.created and conversion.customer == existing
    assert Customer.objects.count() == 1
    existing.refresh_from_db()
    lead.refresh_from_db()
    assert existing.lead == lead and lead.customer == existing
    # A second lead linked to the same customer keeps the customer's original lead.
    other = LeadFactory(email="kiran@example.com")
    services.convert(user=users["sales"], lead=other, link_to=existing)
    existing.refresh_from_db()
    assert existing.lead == lead and Lead.objects.filter(customer=existing).count() == 2


def test_the_lead_timeline_joins_the_customer_and_the_conversion_is_on_both(users: dict[str, Any]) -> None:
    lead = LeadFactory()
    call = ActivityFactory(
        customer=None, lead=lead, type="call", direction="out", title="First call", author=users["sales"]
    )
    customer = services.convert(user=users["sales"], lead=lead).customer

    call.refresh_from_db()
    assert call.customer == customer and call.lead == lead
    conversion = Activity.objects.get(type=Activity.Type.SYSTEM, lead=lead)
    assert conversion.customer == customer and conversion.automatic
    assert conversion.title == f"Lead {lead.code} ({lead.name}) converted to new customer {customer.code}"
    on_customer = set(Activity.objects.filter(customer=customer).values_list("title", flat=True))
    on_lead = set(Activity.objects.filter(lead=lead).values_list("title", flat=True))
    assert on_customer == on_lead == {"First call", conversion.title}
    customer.refresh_from_db()
    assert customer.last_activity_at == conversion.occurred_at
    later = ActivityFactory(customer=None, lead=lead, type="email", title="Welcome pack", author=users["sales"])
    assert later.customer == customer


def test_a_converted_lead_is_read_only_and_converts_once(users: dict[str, Any]) -> None:
    lead = LeadFactory()
    customer = services.convert(user=users["sales"], lead=lead).customer
    lead.refresh_from_db()
    with pytest.raises(PermissionDenied):
        writes.update(lead, user=users["admin"], values={"name": "Renamed"})
    with pytest.raises(PermissionDenied):
        writes.delete(lead, user=users["admin"])
    with pytest.raises(services.AlreadyConverted) as again:
        services.convert(user=users["sales"], lead=lead, create_anyway=True)
    assert again.value.customer == customer
    assert Customer.objects.count() == 1


def test_converted_is_not_a_status_anyone_types(users: dict[str, Any]) -> None:
    lead = LeadFactory()
    with pytest.raises(ValidationError) as refused:
        writes.update(lead, user=users["sales"], values={"status": Lead.Status.CONVERTED})
    assert refused.value.message_dict == {"status": [services.CONVERTED_BY_HAND]}


def test_roles_that_may_not_convert(users: dict[str, Any]) -> None:
    lead = LeadFactory()
    for role in ("support", "accounting"):
        with pytest.raises(PermissionDenied):
            services.convert(user=users[role], lead=lead)
    assert Customer.objects.count() == 0


def test_the_dialog_offers_duplicates_and_links(users: dict[str, Any]) -> None:
    existing = CustomerFactory(first_name="Lata", last_name="Desai", email="lata@example.com")
    lead = LeadFactory(name="Lata Desai", email="LATA@example.com")
    client = Client()
    client.force_login(users["sales"])
    url = f"/leads/{lead.code}/convert/"

    dialog = client.get(url, headers={"HX-Request": "true", "HX-Target": "modal-content"})
    assert dialog.status_code == 200
    html = dialog.content.decode()
    assert 'data-testid="duplicates"' in html and existing.code in html and "Create a new customer anyway" in html

    linked = client.post(url, {"link_to": existing.code, "version": lead.version})
    assert linked.status_code == 303 and linked["Location"] == existing.get_absolute_url()
    assert Customer.objects.count() == 1

    # A second submit of the same dialog lands on the same customer and creates nothing.
    again = client.post(url, {"create_anyway": "1", "version": lead.version})
    assert again.status_code == 303 and again["Location"] == existing.get_absolute_url()
    assert Customer.objects.count() == 1


def test_both_pages_link_to_each_other(users: dict[str, Any]) -> None:
    lead = LeadFactory(name="Vikram Rao")
    client = Client()
    client.force_login(users["sales"])
    created = client.post(f"/leads/{lead.code}/convert/", {"version": lead.version})
    customer = Customer.objects.get()
    assert created["Location"] == customer.get_absolute_url()

    customer_page = client.get(customer.get_absolute_url()).content.decode()
    assert 'data-testid="original-lead"' in customer_page and f"View original lead {lead.code}" in customer_page
    lead_page = client.get(lead.get_absolute_url()).content.decode()
    assert f"Converted to {customer.code}" in lead_page
    assert 'data-testid="convert-lead"' not in lead_page and 'data-testid="edit"' not in lead_page

    # Read-only roles view leads, so they follow the link too.
    client.force_login(users["accounting"])
    assert 'data-testid="original-lead"' in client.get(customer.get_absolute_url()).content.decode()


def test_the_lead_page_has_an_activities_tab_with_log_activity(users: dict[str, Any]) -> None:
    lead = LeadFactory()
    ActivityFactory(customer=None, lead=lead, title="Left a voicemail", author=users["sales"])
    client = Client()
    client.force_login(users["sales"])
    page = client.get(f"/leads/{lead.code}/activities/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Left a voicemail" in html and f"/activities/new/?lead={lead.code}" in html
    form = client.get(f"/activities/new/?lead={lead.code}").content.decode()
    assert 'name="lead"' in form and 'name="customer"' not in form
    logged = client.post(
        "/activities/new/",
        {"lead": lead.code, "type": "email", "title": "Sent the price list", "occurred_at": "2026-01-05T10:00:00"},
    )
    assert logged.status_code == 303, logged.content.decode()[:2000]
    assert Activity.objects.filter(lead=lead, customer=None).count() == 2


def test_the_lead_header_offers_log_activity_to_who_may_add_one(users: dict[str, Any]) -> None:
    """A kit record page's header carries its children's quick adds, as a customer's header does."""
    lead = LeadFactory()
    button = f'href="/activities/new/?lead={lead.code}" hx-get="/activities/new/?lead={lead.code}"'
    for role, shown in (("sales", True), ("accounting", False)):
        client = Client()
        client.force_login(users[role])
        html = client.get(f"/leads/{lead.code}/").content.decode()
        assert (button in html and 'data-testid="log-activity"' in html) is shown, role


def test_the_leads_list_offers_no_delete_on_a_converted_lead(users: dict[str, Any], client_for: Any) -> None:
    converted = LeadFactory(name="Conny Converted")
    services.convert(user=users["sales"], lead=converted)
    open_lead = LeadFactory(name="Olga Open")
    page = client_for("sales").get("/leads/").content.decode()
    delete_buttons = [line for line in page.splitlines() if 'data-testid="row-delete"' in line]
    assert len(delete_buttons) == 1 and str(open_lead) in delete_buttons[0]
