"""The demo office ``seed_demo`` and the first start load: what it holds and what it answers.

Loading it costs seconds, so it is loaded once for this module (whose tests only read it) and
rolled back at the end; each test still runs in its own transaction inside that one.
"""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import phonenumbers
import pytest
from django.db import transaction
from django.test import override_settings

from clientbook.accounts.services import role_of
from clientbook.contacts.models import Contact
from clientbook.core.listing.search import normalise
from clientbook.core.models import AuditEvent
from clientbook.customers import demo
from clientbook.customers.models import Customer, Label
from clientbook.customers.selectors import search_customers

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_office(django_db_setup: None, django_db_blocker: Any) -> Iterator[demo.DemoSummary]:
    """The demo office in an open transaction, rolled back once the module's tests have read it."""
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        yield demo.load_demo()
        transaction.set_rollback(True)


def test_demo_office_has_what_the_issue_lists(demo_office: demo.DemoSummary) -> None:
    summary = demo_office
    customers = list(Customer.objects.select_related("organization", "officer").prefetch_related("labels"))
    assert summary.customers == len(customers) >= 300
    people = [customer for customer in customers if customer.kind == Customer.Kind.PERSON]
    organizations = [customer for customer in customers if customer.kind == Customer.Kind.ORGANIZATION]
    assert len(organizations) >= 30 and len(people) >= 200
    assert sum(1 for person in people if person.organization is not None) >= 50
    assert {label.name for label in Label.objects.all()} >= {"VIP", "Key account", "Late payer", "Newsletter"}
    assert sum(1 for customer in customers if customer.labels.all()) >= 50
    assert len({customer.country.code for customer in customers}) >= 8
    assert len({customer.balance for customer in customers}) >= 200
    statuses = {customer.status for customer in customers}
    assert statuses == set(Customer.Status.values)
    assert all(customer.block_reason for customer in customers if customer.status == Customer.Status.BLOCKED)
    for customer in customers:
        for number in (customer.phone, customer.alt_phone):
            if number:
                assert phonenumbers.is_valid_number(number), (customer.code, number)
    officers = {customer.officer for customer in customers if customer.officer}
    assert len(officers) == len(demo.OFFICERS)
    assert all(role_of(officer) == "sales" and officer.has_usable_password() for officer in officers)

    contacts = list(Contact.objects.select_related("organization"))
    assert summary.parts["contacts"] == len(contacts)
    per_organization = Counter(contact.organization_id for contact in contacts)
    assert set(per_organization) == {organization.pk for organization in organizations}
    assert set(per_organization.values()) == {1, 2, 3, 4}
    primaries = Counter(contact.organization_id for contact in contacts if contact.is_primary)
    assert set(primaries.values()) == {1}
    assert len(organizations) * 0.8 <= len(primaries) < len(organizations)
    for contact in contacts:
        organization = contact.organization
        assert contact.last_name and contact.job_title, contact.pk
        assert contact.email.endswith("@" + organization.email.rpartition("@")[2]), contact.email
        if contact.phone:
            assert phonenumbers.is_valid_number_for_region(contact.phone, organization.country.code), contact.phone
        assert normalise(contact.last_name) in contact.search_document, contact.pk
        assert normalise(contact.name) in organization.search_document, (organization.code, contact.name)
    # One create event each and nothing else: a second primary asked for would move the flag with an update.
    events = AuditEvent.objects.filter(object_type="contacts.contact").values_list("action", "object_id")
    assert sorted(events) == sorted((AuditEvent.Action.CREATE, str(contact.pk)) for contact in contacts)
    contact = contacts[0]
    assert contact.organization in search_customers(Customer.objects.all(), f"{contact.first_name} {contact.last_name}")


@pytest.mark.parametrize("query", ["jose", "zoe", "muller", "otsuka", "adebayo", "940-986-3836", "vip"])
def test_demo_answers_the_readme_searches(demo_office: demo.DemoSummary, query: str) -> None:
    assert search_customers(Customer.objects.all(), query).exists()
