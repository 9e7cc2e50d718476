"""Universal search (clientbook.core.kit.universal): groups per spec, their limit, permissions, exact identifiers."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientbook.contacts.factories import ContactFactory
from clientbook.core.kit import writes
from clientbook.core.kit.universal import MAX_QUERY_LENGTH, universal_search
from clientbook.core.listing.search import PLAN_PROBE_LIMIT
from clientbook.customers import services as customer_services
from clientbook.customers.factories import CustomerFactory, OrganizationFactory
from clientbook.notes.factories import NoteFactory

pytestmark = pytest.mark.django_db

SEARCHING = (" MATCH ", " LIKE ", "strpos(")


def kinds(results: Any) -> list[str]:
    return [group.kind for group in results.groups]


def group(results: Any, kind: str) -> Any:
    return next(found for found in results.groups if found.kind == kind)


def titles(results: Any, kind: str) -> list[str]:
    return [result.title for result in group(results, kind).results]


def test_each_kind_is_a_group_in_sidebar_order(users: dict[str, Any]) -> None:
    organization = OrganizationFactory(company_name="Quillon Holdings")
    ContactFactory(organization=organization, first_name="Ada", last_name="Quillon")
    NoteFactory(customer=CustomerFactory(first_name="Zed", last_name="Other"), body="Call **Quillon** back")
    CustomerFactory(first_name="Nobody", last_name="Else")

    results = universal_search(users["sales"], "quillon")

    # The note's timeline entry (Activities, registered by their app) is found too, in its sidebar place.
    assert kinds(results) == ["customers", "contacts", "activities", "notes"]
    customers = group(results, "customers")
    assert customers.title == "Customers"
    assert [result.title for result in customers.results] == ["Quillon Holdings"]
    assert customers.results[0].short_name == organization.code
    assert customers.results[0].url == f"/customers/{organization.code}/"
    assert customers.see_all_url == "/customers/?q=quillon"
    assert not customers.more
    contact = group(results, "contacts").results[0]
    assert (contact.title, contact.subtitle) == ("Ada Quillon", "Quillon Holdings · Buyer")
    note = group(results, "notes").results[0]
    assert (note.title, note.subtitle) == ("Call Quillon back", "Zed Other")
    assert results.exact is None


def test_a_group_shows_five_and_says_there_are_more(users: dict[str, Any]) -> None:
    for number in range(7):
        CustomerFactory(first_name=f"Person{number}", last_name="Marwick")

    results = universal_search(users["support"], "marwick")

    customers = group(results, "customers")
    assert len(customers.results) == 5
    assert customers.more
    assert titles(results, "customers") == [f"Person{number} Marwick" for number in range(5)]
    assert not universal_search(users["support"], "marwick", per_group=7).groups[0].more


def test_a_common_term_is_not_counted(users: dict[str, Any]) -> None:
    for number in range(8):
        CustomerFactory(first_name="Ravel", last_name=f"Surname{number}")

    with CaptureQueriesContext(connection) as queries:
        universal_search(users["admin"], "ravel")

    # The index's statements: FTS5's MATCH on SQLite, the trigram index's LIKE (or strpos) on PostgreSQL.
    searches = [sql for query in queries.captured_queries if any(mark in (sql := query["sql"]) for mark in SEARCHING)]
    assert searches
    # Each statement reading the index stops early: a page of six, or the planner's probe, which
    # stops where the count decides the plan (sqrt(6 × rows / 4) with the rows the database
    # estimates: a few dozen here), far below the probe's cap.
    limits = [int(limit) for sql in searches for limit in re.findall(r" LIMIT (\d+)", sql)]
    assert len(limits) == len(searches) and all(limit < PLAN_PROBE_LIMIT // 10 for limit in limits), searches


def test_a_role_without_view_permission_gets_no_such_group(make_user: Any) -> None:
    CustomerFactory(first_name="Hester", last_name="Quayle")
    NoteFactory(body="Hester Quayle asked about renewal")
    reader = make_user("support", username="limited-reader")
    limited = Group.objects.create(name="customers only")
    limited.permissions.set([Permission.objects.get(codename="view_customer")])
    reader.groups.set([limited])

    assert kinds(universal_search(reader, "quayle")) == ["customers"]
    assert kinds(universal_search(make_user("support"), "quayle")) == ["customers", "activities", "notes"]


def test_a_user_without_a_role_finds_nothing(django_user_model: Any) -> None:
    CustomerFactory(first_name="Hester", last_name="Quayle")
    nobody = django_user_model.objects.create_user(username="nobody", password="x")

    assert universal_search(nobody, "quayle").groups == ()


def test_deleted_rows_never_appear(users: dict[str, Any]) -> None:
    gone = CustomerFactory(first_name="Orla", last_name="Vantongeren", email="orla@example.com", phone="+19409863836")
    organization = OrganizationFactory(company_name="Vantongeren Ltd")
    ContactFactory(organization=organization, last_name="Vantongeren")
    NoteFactory(customer=CustomerFactory(), body="Vantongeren called")
    writes.delete(NoteFactory(body="Vantongeren deleted note"), user=None)
    customer_services.delete_customer(user=None, customer=gone)

    results = universal_search(users["admin"], "vantongeren")
    assert titles(results, "customers") == ["Vantongeren Ltd"]
    assert titles(results, "notes") == ["Vantongeren called"]
    # An exact identifier of a deleted customer finds nothing either.
    for identifier in (gone.code, "orla@example.com", "(940) 986-3836"):
        assert universal_search(users["admin"], identifier).exact is None

    customer_services.delete_customer(user=None, customer=organization)
    # The organization's contacts go out of sight with it; the other customer's note and its timeline entry stay.
    assert kinds(universal_search(users["admin"], "vantongeren")) == ["activities", "notes"]


@pytest.mark.parametrize(
    "typed",
    ["(940) 986-3836", "+1 940 986 3836", "9409863836", "+19409863836", "940.986.3836"],
)
def test_a_phone_in_any_format_is_an_exact_hit(users: dict[str, Any], typed: str) -> None:
    CustomerFactory(first_name="Ann", last_name="Early")  # sorts first by name
    wanted = CustomerFactory(first_name="Zoe", last_name="Zimmer", phone="+1 940 986 3836")

    results = universal_search(users["sales"], typed)

    assert results.exact is not None
    assert results.exact.short_name == wanted.code
    first = group(results, "customers").results[0]
    assert first.exact and first.title == "Zoe Zimmer"


def test_identifiers_rank_first_and_are_exact(users: dict[str, Any]) -> None:
    # Names sorting before the customer wanted, each matching the searched text somewhere.
    wanted = CustomerFactory(first_name="Zara", last_name="Zed", email="Zara.Zed@Example.com", external_id="CLX-9")
    CustomerFactory(first_name="Aaron", last_name="Able", email="zara.zed@example.community")
    CustomerFactory(first_name="Abel", last_name="Arno", external_id="CLX-90")

    for typed in (wanted.code.lower(), "zara.zed@example.com", "ZARA.ZED@EXAMPLE.COM", "CLX-9"):
        results = universal_search(users["accounting"], typed)
        assert results.exact is not None, typed
        assert results.exact.short_name == wanted.code, typed
        customers = group(results, "customers").results
        assert customers[0].exact and customers[0].short_name == wanted.code, typed
        assert not any(result.exact for result in customers[1:]), typed


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_an_identifier_is_read_through_its_indexes_not_a_table_scan(users: dict[str, Any]) -> None:
    """Unless each branch of the identifiers' OR states its partial index's condition ("live", a client ID
    that is not empty), SQLite cannot use that index and scans every customer (45 ms a search at 1,000,000)."""
    CustomerFactory(phone="+1 940 986 3836")
    with connection.cursor() as cursor:
        # The planner's view of a million customers, as ANALYZE wrote it on the benchmark's database.
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'customers_customer'")
        cursor.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('customers_customer', %s, %s)",
            [
                ("customer_live_deleted_at", "996968 996968"),
                ("customer_live_phone", "996968 20 1"),
                ("customer_live_code", "996968 1 1"),
                ("customers_customer_external_id_b1779fc4", "1000000 4"),
                ("customer_client_id_unique", "1000 1"),
                ("sqlite_autoindex_customers_customer_1", "1000000 1"),
            ],
        )
        cursor.execute("ANALYZE sqlite_schema")
    with CaptureQueriesContext(connection) as queries:
        universal_search(users["sales"], "(940) 986-3836")
    exact = next(query["sql"] for query in queries.captured_queries if "+19409863836" in query["sql"])

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {exact}")
        plan = [str(step[-1]) for step in cursor.fetchall()]
        # The rollback restores the table, not the statistics this connection loaded: forget them.
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'customers_customer'")
        cursor.execute("ANALYZE sqlite_schema")
    assert "SCAN customers_customer" not in plan, plan
    assert any("customer_live_phone" in step for step in plan), plan


def test_a_contacts_email_and_phone_are_exact(users: dict[str, Any]) -> None:
    contact = ContactFactory(first_name="Ines", last_name="Ortega", email="ines@ortega.example", phone="+442079460958")

    for typed in ("INES@ortega.example", "+44 20 7946 0958"):
        results = universal_search(users["sales"], typed)
        assert results.exact is not None, typed
        assert results.exact.kind == "contacts"
        assert results.exact.url == f"/contacts/{contact.pk}/"


def test_a_word_is_not_an_identifier(users: dict[str, Any]) -> None:
    CustomerFactory(first_name="Carmen", last_name="Code")

    results = universal_search(users["sales"], "carmen")

    assert titles(results, "customers") == ["Carmen Code"]
    assert results.exact is None


@pytest.mark.parametrize("query", ["", "   ", "x" * (MAX_QUERY_LENGTH + 1)])
def test_an_empty_or_too_long_query_is_refused_on_q(users: dict[str, Any], query: str) -> None:
    with pytest.raises(ValidationError) as refused:
        universal_search(users["sales"], query)
    assert list(refused.value.message_dict) == ["q"]


def test_a_query_of_marks_only_finds_nothing(users: dict[str, Any]) -> None:
    CustomerFactory()
    assert universal_search(users["sales"], "\u0301").groups == ()
