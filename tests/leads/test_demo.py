"""The demo's leads: the same every run, in several statuses, a few converted with their timelines."""

from typing import Any

import pytest

from clientbook.activities.models import Activity
from clientbook.customers.demo import DemoOffice
from clientbook.customers.factories import OrganizationFactory
from clientbook.customers.models import Customer
from clientbook.leads import demo
from clientbook.leads.models import Lead

pytestmark = pytest.mark.django_db


def test_the_demo_leads_are_the_same_every_run_and_some_are_converted(users: dict[str, Any]) -> None:
    office = DemoOffice(seed=7, organizations=(OrganizationFactory(officer=users["sales"]),))

    written = demo.load_leads(office)

    leads = list(Lead.objects.order_by("pk").values_list("name", "status", "source"))
    assert written == len(leads) == demo.DEMO_LEADS
    assert {status for _, status, _ in leads} >= {"new", "contacted", "converted"}
    converted = Lead.objects.filter(status=Lead.Status.CONVERTED)
    assert converted.count() == demo.DEMO_LEADS // demo.CONVERT_EVERY
    for lead in converted:
        assert lead.customer is not None and lead.customer.lead == lead
        assert Activity.objects.filter(customer=lead.customer, lead=lead, type="system").exists()
    names = [name for name, _, _ in leads]
    Activity.all_objects.all().delete()
    Customer.all_objects.exclude(pk=office.organizations[0].pk).delete()
    Lead.all_objects.all().delete()
    demo.load_leads(office)
    assert list(Lead.objects.order_by("pk").values_list("name", flat=True)) == names
