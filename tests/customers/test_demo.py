"""Demo data and the first-start set-up that ``make run`` performs (the full office: test_demo_office.py)."""

import random
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from clientbook.accounts.services import role_of
from clientbook.contacts import demo as contacts_demo
from clientbook.contacts.models import Contact
from clientbook.customers import demo
from clientbook.customers.models import Customer
from clientbook.leads import demo as leads_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def static_root_of_its_own(settings: Any, tmp_path: Any) -> None:
    """``setup_clientbook`` collects the static files: into a folder of the test's, not the ``var/``
    folder the browser tests' server reads, where a copy would outlive later edits of ``static/``."""
    settings.STATIC_ROOT = tmp_path / "staticfiles"


@pytest.fixture
def small_demo(monkeypatch: pytest.MonkeyPatch) -> int:
    """A demo office of a few customers: these tests are about the commands, not the office's contents.

    Returns how many customers it holds (its organizations, people, the README's showcase people and
    the customers the demo's converted leads became).
    """
    monkeypatch.setattr(demo, "DEMO_ORGANIZATIONS", 4)
    monkeypatch.setattr(demo, "DEMO_PEOPLE", 12)
    converted = leads_demo.DEMO_LEADS // leads_demo.CONVERT_EVERY
    return demo.DEMO_ORGANIZATIONS + demo.DEMO_PEOPLE + len(demo.SHOWCASE_PEOPLE) + converted


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


def test_seed_demo_refuses_a_book_that_has_customers(small_demo: int) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert f"Demo data loaded: {small_demo} customers (4 organizations)" in out.getvalue()
    assert f", {Contact.objects.count()} contacts," in out.getvalue()
    with pytest.raises(CommandError, match="already has customers"):
        call_command("seed_demo")


def test_first_start_creates_the_admin_and_the_demo_then_keeps_them(
    monkeypatch: pytest.MonkeyPatch, settings: object, small_demo: int
) -> None:
    monkeypatch.setenv("CLIENTBOOK_ADMIN_PASSWORD", "Admin-Pass-for-tests-42")
    first = StringIO()
    call_command("setup_clientbook", stdout=first)
    admin = get_user_model().objects.get(username="admin")
    assert role_of(admin) == "admin" and admin.check_password("Admin-Pass-for-tests-42")
    assert "Log in at http://127.0.0.1:" in first.getvalue() and "as admin" in first.getvalue()
    assert "Admin-Pass-for-tests-42" not in first.getvalue()
    customers = Customer.objects.count()
    assert customers == small_demo
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
