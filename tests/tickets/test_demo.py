"""The demo's tickets: every status, numbered from the sequence, with their timeline entries, the same every run."""

from typing import Any

import pytest

from clientbook.activities.models import Activity
from clientbook.customers.demo import DemoOffice
from clientbook.customers.factories import OrganizationFactory
from clientbook.tickets import demo
from clientbook.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_tickets_cover_every_status_and_are_the_same_every_run(users: dict[str, Any]) -> None:
    organizations = tuple(OrganizationFactory(officer=users["sales"]) for _ in range(30))

    written = demo.load_tickets(DemoOffice(seed=7, organizations=organizations))
    shape = ("customer_id", "subject", "status", "priority", "assignee_id", "due_at")
    first = list(Ticket.objects.order_by("pk").values_list(*shape))
    Activity.all_objects.all().delete()
    Ticket.all_objects.all().delete()
    demo.load_tickets(DemoOffice(seed=7, organizations=organizations))

    tickets = list(Ticket.objects.order_by("pk"))
    assert written == len(tickets) > 0
    assert list(Ticket.objects.order_by("pk").values_list(*shape)) == first
    assert {ticket.status for ticket in tickets} == set(Ticket.Status.values)
    assert all(ticket.code.startswith("TCK") for ticket in tickets)
    closed = next(ticket for ticket in tickets if ticket.status == "closed")
    titles = list(Activity.objects.filter(ticket=closed).order_by("id").values_list("title", flat=True))
    assert titles[0].endswith("priority") and titles[-1].endswith("Resolved → Closed")
