"""The search backend against the database: what is found, what is counted, and by which plan."""

from collections.abc import Mapping
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from clientbook.core.listing import paging, statistics
from clientbook.core.listing import search as search_module
from clientbook.core.listing.paging import IndexedPaginator
from clientbook.core.listing.pipeline import get_spec, run_list
from clientbook.core.listing.search import count_rows, normalise, search_terms
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer
from clientbook.customers.selectors import customer_queryset, search_customers

pytestmark = pytest.mark.django_db


def found(query: str) -> set[str]:
    """Last names (or company names) of the live customers a search finds."""
    return {customer.last_name or customer.company_name for customer in search_customers(Customer.objects.all(), query)}


def expected(query: str, customers: list[Customer]) -> set[str]:
    """What a search must find, computed the slow way from each customer."""
    terms = search_terms(query)
    long_terms = [term for term in terms if len(term) >= 3]
    short_terms = [term for term in terms if len(term) < 3]
    result = set()
    for customer in customers:
        customer.refresh_from_db()
        words = customer.search_document.split(" ")
        matches = all(term in customer.search_document for term in long_terms)
        if short_terms and not long_terms:
            first = short_terms.pop(0) if short_terms else ""
            short_terms = [first, *short_terms]
            number = customer.code.removeprefix("CUST")
            matches = customer.sort_name.startswith(first) or (first.isdigit() and int(number) == int(first))
            rest = short_terms[1:]
        else:
            rest = short_terms
        if matches and all(any(word.startswith(term) for word in words) for term in rest):
            result.add(customer.last_name or customer.company_name)
    return result


@pytest.fixture
def people() -> list[Customer]:
    return [
        CustomerFactory(
            first_name="José", last_name="Álvarez", city="Sevilla", country="ES", email="person1@example.com"
        ),
        CustomerFactory(
            first_name="Jose", last_name="Ortega", city="Madrid", country="ES", email="person2@example.com"
        ),
        CustomerFactory(first_name="Zoë", last_name="Hart", city="London", country="GB", email="person3@example.com"),
        CustomerFactory(
            first_name="Jürgen", last_name="Müller", city="München", country="DE", email="person4@example.com"
        ),
        CustomerFactory(
            first_name="Haruki", last_name="Ōtsuka", city="Ōsaka", country="JP", email="person5@example.com"
        ),
        CustomerFactory(
            first_name="Adébáyọ̀", last_name="Okonkwo", city="Lagos", country="NG", email="person6@example.com"
        ),
        CustomerFactory(
            first_name="BINTA", last_name="SINGHATEN", phone="+19409863836", city="Denton", email="person7@example.com"
        ),
        CustomerFactory(
            first_name="John",
            last_name="Smith",
            phone="+442079460958",
            city="Leeds",
            country="GB",
            email="person8@example.com",
        ),
    ]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("jose", {"Álvarez", "Ortega"}),
        ("JOSÉ", {"Álvarez", "Ortega"}),
        ("muller", {"Müller"}),
        ("MÜLLER", {"Müller"}),
        ("otsuka", {"Ōtsuka"}),
        ("osaka", {"Ōtsuka"}),
        ("adebayo", {"Okonkwo"}),
        ("zoe", {"Hart"}),
        ("bin", {"SINGHATEN"}),
        ("Singhat", {"SINGHATEN"}),
        ("ortega", {"Ortega"}),
    ],
)
def test_accents_case_and_partial_words_do_not_matter(people: list[Customer], query: str, names: set[str]) -> None:
    assert found(query) == names


def test_every_word_must_match(people: list[Customer]) -> None:
    assert found("jose sevilla") == {"Álvarez"}
    assert found("sevilla jose") == {"Álvarez"}
    assert found("jose london") == set()


@pytest.mark.parametrize("typed", ["+1 940 986 3836", "940-986-3836", "9409863836", "(940) 986.3836", "+19409863836"])
def test_phones_are_found_however_they_are_typed(people: list[Customer], typed: str) -> None:
    assert found(typed) == {"SINGHATEN"}


def test_international_phone_with_trunk_prefix(people: list[Customer]) -> None:
    assert found("0044 20 7946 0958") == {"Smith"}
    assert found("020 7946 0958") == set()  # a national trunk zero is not part of the number
    assert found("20 7946 0958") == {"Smith"}


def test_codes_match_with_and_without_prefix(people: list[Customer]) -> None:
    customer = people[3]
    number = customer.code.removeprefix("CUST").lstrip("0")
    assert found(customer.code.lower()) == {"Müller"}
    assert "Müller" in found(number)


def test_short_terms_alone_match_the_start_of_the_name(people: list[Customer]) -> None:
    assert found("jo") == {"Álvarez", "Ortega", "Smith"}
    assert found("J") == {"Álvarez", "Ortega", "Smith", "Müller"}


def test_short_terms_beside_a_long_one_match_the_start_of_any_word(people: list[Customer]) -> None:
    assert found("sevilla al") == {"Álvarez"}
    assert found("madrid al") == set()


def test_search_results_agree_with_the_documents(people: list[Customer]) -> None:
    for query in ["jose", "a", "ar", "lon", "9409", "es", "o sm", "ha ri", "xyz"]:
        assert found(query) == expected(query, people), query


def test_deleted_customers_are_neither_found_nor_counted(people: list[Customer]) -> None:
    services.delete_customer(user=None, customer=people[0])
    queryset = search_customers(Customer.objects.all(), "jose")
    assert {customer.last_name for customer in queryset} == {"Ortega"}
    assert count_rows(queryset) == 1
    assert count_rows(Customer.objects.all()) == len(people) - 1


def test_document_follows_updates(people: list[Customer]) -> None:
    services.update_customer(user=None, customer=people[2], city="Brighton")
    assert found("brighton") == {"Hart"}
    assert "Hart" not in found("london")


def test_document_follows_label_rename_and_delete(people: list[Customer]) -> None:
    label = LabelFactory(name="Gold client")
    services.update_customer(user=None, customer=people[1], labels=[label])
    assert found("gold") == {"Ortega"}
    services.update_label(user=None, label=label, name="Platinum")
    assert found("platinum") == {"Ortega"}
    assert found("gold") == set()
    services.delete_label(user=None, label=label)
    assert found("platinum") == set()


def test_organization_name_is_searchable_on_its_people() -> None:
    organization = OrganizationFactory(company_name="Northwind Trading Ltd")
    CustomerFactory(first_name="Ada", last_name="Lovelace", organization=organization)
    assert found("northwind") == {"Northwind Trading Ltd", "Lovelace"}


# --- Plans: the same answers whichever plan the backend chooses ---------------------------------


def _list(users: dict[str, Any], params: Mapping[str, str], page: int = 1, size: int = 20) -> tuple[list[str], int]:
    result = run_list(get_spec("customers"), users["admin"], params, page_size=size, page_number=page)
    return [customer.code for customer in result.page.object_list], result.count


def _brute_force(query: str, sort: str = "sort_name") -> list[str]:
    terms = search_terms(query)
    rows = sorted(Customer.objects.all(), key=lambda customer: (getattr(customer, sort), customer.pk))
    return [customer.code for customer in rows if all(term in customer.search_document for term in terms)]


@pytest.fixture
def crowd() -> list[Customer]:
    """Sixty customers: a common first name (John, two in three), a rare one and a unique city."""
    customers = []
    for index in range(60):
        first = "John" if index % 3 else "Mary"
        city = "Timbuktu" if index == 41 else "Leeds"
        customers.append(CustomerFactory(first_name=first, last_name=f"Surname{index:02d}", city=city))
    # The plan follows the table's size as the planner estimates it; PostgreSQL keeps an estimate
    # from an earlier test's rows after their rollback, so measure this crowd.
    statistics.refresh(Customer)
    return customers


def _search_sql(captured: CaptureQueriesContext) -> list[str]:
    """The statements that search customers (not the id bounds a count estimate reads)."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if "customers_customer" in query["sql"] and "WHERE" in query["sql"]
    ]


def test_a_common_term_walks_the_name_index_for_its_page(users: dict[str, Any], crowd: list[Customer]) -> None:
    with CaptureQueriesContext(connection) as captured:
        codes, count = _list(users, {"q": "john"})
    assert codes == _brute_force("john")[:20]
    assert count == 40
    page_sql = next(sql for sql in _search_sql(captured) if "LIMIT" in sql and "ORDER BY" in sql)
    if connection.vendor == "sqlite":
        assert "MATCH" not in page_sql and "LIKE" in page_sql
    else:
        assert "strpos" in page_sql


def test_a_rare_term_is_read_from_the_search_index(users: dict[str, Any], crowd: list[Customer]) -> None:
    with CaptureQueriesContext(connection) as captured:
        codes, count = _list(users, {"q": "timbuktu"})
    assert codes == _brute_force("timbuktu") and count == 1
    page_sql = next(sql for sql in _search_sql(captured) if "LIMIT" in sql and "ORDER BY" in sql)
    if connection.vendor == "sqlite":
        assert "MATCH" in page_sql
    else:
        assert "LIKE" in page_sql and "strpos" not in page_sql


@pytest.mark.parametrize("sort", ["name", "-name", "city", "-balance", "organization"])
def test_every_page_is_the_same_whatever_the_plan(users: dict[str, Any], crowd: list[Customer], sort: str) -> None:
    pages = []
    for page in (1, 2, 3, 4):
        codes, count = _list(users, {"q": "john", "sort": sort}, page=page, size=10)
        assert count == 40
        pages.extend(codes)
    assert len(pages) == len(set(pages)) == 40
    queryset = customer_queryset(users["admin"])
    ordering = run_list(get_spec("customers"), users["admin"], {"q": "john", "sort": sort}, page_size=10).queryset
    assert pages == [customer.code for customer in ordering]
    assert set(pages) == set(_brute_force("john")) <= {customer.code for customer in queryset}


def test_search_with_filters_counts_and_pages_alike(users: dict[str, Any], crowd: list[Customer]) -> None:
    services.change_status(user=None, customer=crowd[1], status="inactive")
    codes, count = _list(users, QueryDict("q=john&status=active"))
    assert count == 39
    assert crowd[1].code not in codes


def test_deep_pages_are_fetched_by_id_with_the_same_rows(
    users: dict[str, Any], crowd: list[Customer], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected_pages = [_list(users, {"sort": "-name"}, page=page, size=7)[0] for page in range(1, 10)]
    monkeypatch.setattr(paging, "LATE_LOOKUP_OFFSET", 0)
    with CaptureQueriesContext(connection) as captured:
        late_pages = [_list(users, {"sort": "-name"}, page=page, size=7)[0] for page in range(1, 10)]
    assert late_pages == expected_pages
    assert any('"customers_customer"."id" AS "pk" FROM' in query["sql"] for query in captured.captured_queries)


def test_paginator_counts_like_the_queryset(crowd: list[Customer]) -> None:
    services.delete_customer(user=None, customer=crowd[2])
    for queryset in [
        Customer.objects.all(),
        search_customers(Customer.objects.all(), "john"),
        search_customers(Customer.objects.all(), "john leeds"),
        search_customers(Customer.objects.filter(status="active"), "john"),
        search_customers(Customer.objects.all(), "j"),
        Customer.objects.none(),
    ]:
        assert IndexedPaginator(queryset.order_by("sort_name", "pk"), 10).count == queryset.count()


def test_live_total_follows_creation_deletion_restore_and_purge(crowd: list[Customer]) -> None:
    def total() -> int:
        return IndexedPaginator(Customer.objects.order_by("pk"), 10).count

    assert total() == 60
    services.delete_customer(user=None, customer=crowd[0])
    services.update_customer(user=None, customer=crowd[1], city="York")
    assert total() == 59
    Customer.all_objects.filter(pk=crowd[0].pk).update(deleted_at=None)
    assert total() == 60
    Customer.all_objects.filter(pk__in=[crowd[2].pk, crowd[3].pk]).delete()
    CustomerFactory(first_name="Late", last_name="Arrival")
    assert total() == 59 == Customer.objects.count()


def test_queries_normalise_like_documents() -> None:
    assert search_terms("  JOSÉ   Müller ") == [normalise("José"), normalise("Müller")]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_search_index_holds_live_rows_only(people: list[Customer]) -> None:
    def indexed() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM customers_customer_fts WHERE customers_customer_fts MATCH '\"jose\"'")
            return int(cursor.fetchone()[0])

    assert indexed() == 2
    services.delete_customer(user=None, customer=people[0])
    assert indexed() == 1
    Customer.all_objects.filter(pk=people[0].pk).update(deleted_at=None)
    assert indexed() == 2
    Customer.all_objects.filter(pk=people[0].pk).delete()
    assert indexed() == 1


@pytest.mark.parametrize(
    ("term", "anchor"),
    [
        ("john", "john"),
        ("ab12345", "ab12345"),  # five digits: the whole short term
        ("cust0501527", "0501527"),  # a code: its number, without the "ust" every code has
        ("olivia.khan.501527@example.com", "501527"),
        ("4915112345678901234", "4915112345"),  # a long number: its first ten digits
        ("jonathan-alexander", "jonathan-a"),  # no number: the earliest window
    ],
)
def test_the_trigram_index_is_handed_the_rarest_part_of_a_term(term: str, anchor: str) -> None:
    assert search_module._anchor(term) == anchor
