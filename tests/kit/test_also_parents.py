"""A spec with more than one parent (``ModelSpec.also_parents``): an activity is a customer's or a lead's.

Each parent's page has the child's tab with only its rows; a deleted parent hides its rows but not
those of rows without it; purging a parent purges the rows that name it, each audited.
"""

from typing import Any

import pytest

from clientbook.activities.factories import ActivityFactory
from clientbook.activities.models import Activity
from clientbook.activities.specs import ACTIVITIES
from clientbook.core.kit import writes
from clientbook.core.kit.spec import children_of, link_to
from clientbook.core.kit.tabs import record_tabs
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from clientbook.leads.factories import LeadFactory
from clientbook.leads.models import Lead
from clientbook.leads.specs import LEADS

pytestmark = pytest.mark.django_db


def test_each_parent_model_finds_its_link() -> None:
    assert ACTIVITIES in children_of(Lead) and ACTIVITIES in children_of(Customer)
    assert link_to(ACTIVITIES, Lead).field == "lead" and link_to(ACTIVITIES, Customer).field == "customer"
    assert [link.field for link in ACTIVITIES.parents] == ["customer", "lead"]
    assert ACTIVITIES.parent_toward(ACTIVITIES.model) is None
    with pytest.raises(LookupError):
        link_to(LEADS, Customer)


def test_the_lead_page_has_the_tab_with_its_own_rows(users: dict[str, Any]) -> None:
    lead = LeadFactory()
    ActivityFactory(customer=None, lead=lead, title="Lead call", author=users["sales"])
    ActivityFactory(title="Customer call", author=users["sales"])
    tabs = record_tabs(LEADS, users["support"], lead)
    assert [tab.label for tab in tabs] == ["Details", "Activities", "History"]
    assert tabs[1].url == f"/leads/{lead.code}/activities/"


def test_a_deleted_parent_hides_only_the_rows_that_name_it(users: dict[str, Any]) -> None:
    lead = LeadFactory()
    ActivityFactory(customer=None, lead=lead, title="Of the lead", author=users["sales"])
    ActivityFactory(customer=CustomerFactory(), title="Of a customer", author=users["sales"])
    writes.delete(lead, user=users["sales"])
    visible = set(ACTIVITIES.get_queryset(users["support"]).values_list("title", flat=True))
    assert visible == {"Of a customer"}


def test_purging_a_parent_purges_its_rows_audited(users: dict[str, Any]) -> None:
    lead = LeadFactory()
    entry = ActivityFactory(customer=None, lead=lead, title="Of the lead", author=users["sales"])
    writes.purge(lead, user=users["admin"])
    assert not Activity.all_objects.filter(pk=entry.pk).exists()
    assert audit.events_for(entry).first().action == AuditEvent.Action.PURGE
