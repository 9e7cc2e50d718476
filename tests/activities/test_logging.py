"""Logging an activity: the types people may log, the fields each type has, who may change an entry."""

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from clientbook.activities.factories import ActivityFactory
from clientbook.activities.forms import ActivityForm
from clientbook.activities.models import Activity
from clientbook.activities.services import record
from clientbook.activities.specs import ACTIVITIES
from clientbook.contacts.factories import ContactFactory
from clientbook.core.kit import writes
from clientbook.customers.factories import CustomerFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

AUTOMATIC_REFUSAL = (
    "Status change entries are written by Clientbook when the change happens; "
    "log a call, email, meeting, note, task or WhatsApp message."
)


def log(user: Any, **values: Any) -> Activity:
    return writes.create(ACTIVITIES, user=user, values={"title": "Entry", **values})  # type: ignore[no-any-return]


def refusal(user: Any, **values: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        log(user, **values)
    return refused.value.message_dict


def form_post(client: Any, **data: Any) -> Any:
    return client.post(reverse("activities:activity_create"), {"title": "Entry", **data})


# --- The rules (services.validate): every writer, the API included, meets them ------------------------


def test_people_cannot_write_the_services_entries(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    for kind in ("status_change", "deal_update", "system"):
        assert list(refusal(users["sales"], customer=customer, type=kind)) == ["type"]
    assert refusal(users["sales"], customer=customer, type="status_change")["type"] == [AUTOMATIC_REFUSAL]


def test_a_call_needs_a_direction_and_keeps_its_number_duration_and_outcome(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    assert refusal(users["sales"], customer=customer, type="call") == {
        "direction": ["A call needs a direction: inbound or outbound."]
    }

    call = log(
        users["sales"],
        customer=customer,
        type="call",
        direction="in",
        phone="+234 803 123 4567",
        duration_minutes=12,
        outcome="positive",
    )

    call.refresh_from_db()
    assert (call.direction, call.phone.as_e164, call.duration_minutes, call.outcome) == (
        "in",
        "+2348031234567",
        12,
        "positive",
    )


def test_fields_a_type_does_not_use_are_refused_naming_them(users: dict[str, Any]) -> None:
    customer = CustomerFactory()

    errors = refusal(
        users["sales"], customer=customer, type="email", duration_minutes=5, direction="out", phone="+2348031234567"
    )

    assert errors == {
        "duration_minutes": ["Only calls and meetings have a duration."],
        "direction": ["Only calls and WhatsApp messages have a direction."],
        "phone": ["Only calls have a phone number."],
    }
    # A meeting has a duration, a message a direction.
    assert log(users["sales"], customer=customer, type="meeting", duration_minutes=45).duration_minutes == 45
    assert log(users["sales"], customer=customer, type="whatsapp", direction="in").direction == "in"


def test_the_contact_is_one_of_the_customers_people(users: dict[str, Any]) -> None:
    organization, other = OrganizationFactory(), OrganizationFactory()
    stranger = ContactFactory(organization=other)

    assert refusal(users["sales"], customer=organization, type="email", contact=stranger) == {
        "contact": ["The contact is not one of this customer's people."]
    }
    assert log(users["sales"], customer=other, type="email", contact=stranger).contact == stranger


def test_an_entry_is_changed_by_its_author_or_an_administrator(users: dict[str, Any], make_user: Any) -> None:
    entry = log(users["sales"], customer=CustomerFactory(), type="email")
    colleague = make_user("sales", username="other-sales")

    with pytest.raises(PermissionDenied):
        writes.update(entry, user=colleague, values={"title": "Mine now"})
    with pytest.raises(PermissionDenied):
        writes.delete(entry, user=colleague)
    writes.update(entry, user=users["sales"], values={"title": "Corrected"})
    writes.update(entry, user=users["admin"], values={"title": "Checked"})

    entry.refresh_from_db()
    assert (entry.title, entry.author) == ("Checked", users["sales"])


# --- The form --------------------------------------------------------------------------------


def test_the_form_offers_only_the_types_people_log() -> None:
    offered = [value for value, _ in ActivityForm().fields["type"].choices]  # type: ignore[attr-defined]

    assert offered == ["call", "email", "meeting", "note", "task", "whatsapp"]


def test_the_form_refuses_an_automatic_type_next_to_the_field(client_for: Any) -> None:
    customer = CustomerFactory()

    response = form_post(client_for("sales"), customer=customer.code, type="system", occurred_at="2025-03-01T10:00")

    assert response.status_code == 422
    assert response.context["form"].errors["type"] == [
        "System entries are written by Clientbook when the change happens; "
        "log a call, email, meeting, note, task or WhatsApp message."
    ]
    assert 'data-field-error="type"' in response.content.decode()
    assert not Activity.objects.filter(customer=customer).exists()


def test_the_form_ignores_the_fields_the_type_hides(client_for: Any) -> None:
    customer = CustomerFactory()

    response = form_post(
        client_for("sales"),
        customer=customer.code.lower(),
        type="email",
        occurred_at="2025-03-01T10:00",
        duration_minutes="30",
        direction="out",
        phone="+2348031234567",
        outcome="neutral",
    )

    assert response.status_code == 303, response.content[:500]
    entry = Activity.objects.get(customer=customer)
    assert (entry.type, entry.duration_minutes, entry.direction, entry.phone, entry.outcome) == (
        "email",
        None,
        "",
        "",
        "neutral",
    )


def test_a_call_without_direction_is_refused_next_to_the_field(client_for: Any) -> None:
    response = form_post(
        client_for("sales"), customer=CustomerFactory().code, type="call", occurred_at="2025-03-01T10:00"
    )

    assert response.status_code == 422
    assert response.context["form"].errors["direction"] == ["A call needs a direction: inbound or outbound."]


def test_opened_from_a_customer_a_call_starts_with_its_number_and_now(client_for: Any, settings: Any) -> None:
    settings.TIME_ZONE = "Africa/Lagos"  # UTC+1: the input shows the site's time, not UTC
    customer = CustomerFactory(phone="+2348031234567")

    response = client_for("sales").get(reverse("activities:activity_create"), {"customer": customer.code})

    page = response.content.decode()
    assert response.context["form"]["phone"].value().as_e164 == "+2348031234567"
    shown = re.search(r'<input type="datetime-local" name="occurred_at" value="([^"]+)"', page)
    assert shown is not None, page
    moment = datetime.fromisoformat(shown.group(1)).replace(tzinfo=ZoneInfo("Africa/Lagos"))
    assert abs(moment - timezone.now()) < timedelta(minutes=2)
    # The fields a type uses carry what static/js/shown-when.js reads.
    assert 'data-shown-when="type" data-shown-values="call"' in page
    assert "data-markdown-toolbar" in page


def test_the_form_offers_the_organizations_people_only(client_for: Any) -> None:
    organization = OrganizationFactory()
    mine, theirs = ContactFactory(organization=organization), ContactFactory()

    form = (
        client_for("sales").get(reverse("activities:activity_create"), {"customer": organization.code}).context["form"]
    )
    person_form = client_for("sales").get(reverse("activities:activity_create"), {"customer": CustomerFactory().code})

    assert list(form.fields["contact"].queryset) == [mine]
    assert theirs not in form.fields["contact"].queryset
    assert "contact" not in person_form.context["form"].fields


def test_editing_shows_the_customer_by_code(client_for: Any, users: dict[str, Any]) -> None:
    entry = ActivityFactory(author=users["sales"], type="note")

    page = client_for("sales").get(reverse("activities:activity_edit", kwargs={"pk": entry.pk})).content.decode()

    assert f'value="{entry.customer.code}"' in page


def test_nobody_gets_the_edit_form_of_an_automatic_entry(client_for: Any, users: dict[str, Any]) -> None:
    entry = record(customer=CustomerFactory(), type="system", title="Synced", user=users["admin"])

    response = client_for("admin").get(reverse("activities:activity_edit", kwargs={"pk": entry.pk}))

    assert response.status_code == 403
