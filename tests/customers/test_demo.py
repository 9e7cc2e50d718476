"""Demo data and the first-start set-up that ``make run`` performs."""

import random
from collections import Counter
from io import StringIO

import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from clientbook.accounts.services import role_of
from clientbook.contacts import demo as contacts_demo
from clientbook.contacts.models import Contact
from clientbook.core.listing.search import normalise
from clientbook.core.models import AuditEvent
from clientbook.customers import demo
from clientbook.customers.models import Customer, Label
from clientbook.customers.selectors import search_customers

pytestmark = pytest.mark.django_db


def test_demo_office_has_what_the_issue_lists() -> None:
    summary = demo.load_demo()
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
def test_demo_answers_the_readme_searches(query: str) -> None:
    demo.load_demo()
    assert search_customers(Customer.objects.all(), query).exists()


def test_demo_builders_are_deterministic() -> None:
    def build(seed: int) -> list[dict[str, object]]:
        rng, phones = random.Random(seed), demo.PhoneBook(random.Random(seed + 1))
        return [demo.person_fields(rng, phones) for _ in range(20)] + [demo.organization_fields(rng, phones)]

    assert build(7) == build(7)
    assert build(7) != build(8)

    def contacts(seed: int) -> list[dict[str, object]]:
        rng, phones = random.Random(seed), demo.PhoneBook(random.Random(seed + 1))
        country = demo.country_by_code("DE")
        return contacts_demo.contact_fields(
            rng, phones, country=country, domain="koch-12.example.com", count=4, with_primary=True
        )

    assert contacts(7) == contacts(7)
    assert contacts(7) != contacts(8)
    assert [person["is_primary"] for person in contacts(7)] == [True, False, False, False]


def test_seed_demo_refuses_a_book_that_has_customers() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo data loaded" in out.getvalue()
    assert f", {Contact.objects.count()} contacts," in out.getvalue()
    with pytest.raises(CommandError, match="already has customers"):
        call_command("seed_demo")


def test_first_start_creates_the_admin_and_the_demo_then_keeps_them(
    monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    monkeypatch.setenv("CLIENTBOOK_ADMIN_PASSWORD", "Admin-Pass-for-tests-42")
    first = StringIO()
    call_command("setup_clientbook", stdout=first)
    admin = get_user_model().objects.get(username="admin")
    assert role_of(admin) == "admin" and admin.check_password("Admin-Pass-for-tests-42")
    assert "Log in at http://127.0.0.1:" in first.getvalue() and "as admin" in first.getvalue()
    assert "Admin-Pass-for-tests-42" not in first.getvalue()
    customers = Customer.objects.count()
    assert customers >= 300
    assert f", {Contact.objects.count()} contacts," in first.getvalue()

    monkeypatch.setenv("CLIENTBOOK_ADMIN_PASSWORD", "Another-Pass-for-tests-43")
    second = StringIO()
    call_command("setup_clientbook", stdout=second)
    assert "admin user exists" in second.getvalue()
    admin.refresh_from_db()
    assert admin.check_password("Admin-Pass-for-tests-42")
    assert Customer.objects.count() == customers


def test_first_start_prints_a_generated_password_once(monkeypatch: pytest.MonkeyPatch, settings: object) -> None:
    monkeypatch.delenv("CLIENTBOOK_ADMIN_PASSWORD", raising=False)
    settings.CLIENTBOOK_DEMO = False  # type: ignore[attr-defined]
    out = StringIO()
    call_command("setup_clientbook", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if "as admin / " in line)
    password = line.split("as admin / ")[1].strip(" |")
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert Customer.objects.count() == 0


def test_an_unacceptable_admin_password_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTBOOK_ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError, match="CLIENTBOOK_ADMIN_PASSWORD"):
        call_command("setup_clientbook", stdout=StringIO())
    assert not get_user_model().objects.filter(username="admin").exists()
