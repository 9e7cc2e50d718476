"""The demo's timeline: a few entries per customer by its officer, the same every run."""

from typing import Any

import pytest

from clientbook.activities import demo
from clientbook.activities.models import Activity
from clientbook.customers.demo import DemoOffice
from clientbook.customers.factories import CustomerFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_demo_timeline_is_the_officers_and_the_same_every_run(users: dict[str, Any]) -> None:
    organizations = tuple(OrganizationFactory(officer=users["sales"], phone="+2348031234567") for _ in range(4))
    CustomerFactory(organization=organizations[0], officer=users["sales"])
    office = DemoOffice(seed=7, organizations=organizations)

    written = demo.load_activities(office)
    first = list(Activity.objects.order_by("pk").values_list("customer_id", "type", "title", "direction"))
    Activity.all_objects.all().delete()
    demo.load_activities(office)

    entries = list(Activity.objects.order_by("pk"))
    assert written == len(entries) >= 12
    assert [(a.customer_id, a.type, a.title, a.direction) for a in entries] == first
    assert {entry.author for entry in entries} == {users["sales"]}
    calls = [entry for entry in entries if entry.type == "call"]
    assert calls and all(call.direction and call.duration_minutes for call in calls)
    # A call is to the customer's number.
    assert all(call.phone == call.customer.phone for call in calls)
    for organization in organizations:
        organization.refresh_from_db()
        assert organization.last_activity_at is not None
