"""The generic list page, through the customer list at /customers/ (Django test client)."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientbook.accounts.models import UserPreference
from clientbook.core.listing import statistics
from clientbook.core.web.lists import page_numbers
from clientbook.core.web.operations import SELECT_COLUMN
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer
from clientbook.customers.specs import CUSTOMER_LIST

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results", "HTTP_HX_CURRENT_URL": "http://testserver/customers/"}


@pytest.fixture
def url() -> str:
    return reverse("customers:customer_list")


@pytest.fixture
def sales_user(make_user: Callable[..., Any]) -> Any:
    return make_user("sales")


@pytest.fixture
def sales(sales_user: Any) -> Client:
    client = Client()
    client.force_login(sales_user)
    return client


def codes_in(response: Any) -> list[str]:
    """Customer codes of the table rows, in page order."""
    return re.findall(r'<tr data-href="/customers/(CUST\d{7})/"', response.content.decode())


def headers_in(response: Any) -> list[str]:
    """The data columns shown (the bulk selection's checkboxes and the row actions are not ones)."""
    columns = re.findall(r'<th [^>]*data-column="([a-z_]+)"', response.content.decode())
    return [column for column in columns if column not in (SELECT_COLUMN, "actions")]


def make_people(count: int, **fields: Any) -> list[Customer]:
    return [CustomerFactory(first_name=f"Person{index:03d}", last_name="Test", **fields) for index in range(count)]


class TestPage:
    def test_renders_the_whole_page_with_rows(self, sales: Client, url: str) -> None:
        ada = CustomerFactory(first_name="Ada", last_name="Lovelace", status=Customer.Status.BLOCKED, block_reason="x")
        response = sales.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "<html" in body and 'id="list-form"' in body and 'id="results"' in body
        assert codes_in(response) == [ada.code]
        assert f'<a href="/customers/{ada.code}/">{ada.code}</a>' in body
        assert 'data-status="blocked"' in body and "text-bg-danger" in body
        assert "1 customer" in body

    def test_htmx_request_for_results_gets_only_the_partial(self, sales: Client, url: str) -> None:
        CustomerFactory(first_name="Ada", last_name="Lovelace")
        response = sales.get(url, {"q": "ada", "name": "", "status": ""}, **HTMX)
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body and 'id="list-form"' not in body
        assert body.lstrip().startswith('<div id="results"')
        assert len(codes_in(response)) == 1
        # The address bar gets the clean, bookmarkable URL: blanks left out.
        assert response["HX-Push-Url"] == "/customers/?q=ada"
        assert "HX-Request" in response["Vary"]

    def test_history_restore_gets_the_whole_page(self, sales: Client, url: str) -> None:
        response = sales.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
        assert "<html" in response.content.decode()

    def test_new_button_only_for_roles_that_may_add(self, client_for: Callable[[str | None], Client], url: str) -> None:
        create_url = reverse("customers:customer_create")
        assert f'hx-get="{create_url}"' in client_for("sales").get(url).content.decode()
        assert f'hx-get="{create_url}"' not in client_for("support").get(url).content.decode()

    def test_user_without_role_is_refused(self, url: str) -> None:
        user = get_user_model().objects.create_user("norole", password="x-Correct-Horse-42")
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(url, **HTMX).status_code == 403

    def test_anonymous_is_sent_to_login(self, url: str) -> None:
        response = Client().get(url + "?q=ada")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert "next=/customers/%3Fq%3Dada" in response["Location"]

    def test_anonymous_fragment_request_redirects_the_whole_page(self, url: str) -> None:
        headers = {**HTMX, "HTTP_HX_CURRENT_URL": "http://testserver/customers/?page=2"}
        response = Client().get(url, {"q": "ada"}, **headers)
        assert response.status_code == 204
        assert response["HX-Redirect"] == reverse("accounts:login") + "?next=/customers/%3Fpage%3D2"

    def test_queries_do_not_grow_with_rows(self, sales: Client, url: str) -> None:
        officer = get_user_model().objects.create_user("officer1")
        organization = OrganizationFactory(company_name="Acme")
        label = LabelFactory(name="VIP")
        make_people(3, officer=officer, organization=organization, labels=[label])
        every_column = {"per_page": 50, "columns": ",".join([*CUSTOMER_LIST.sort_fields, "labels", "alt_phone"])}
        sales.get(url, every_column)  # remembers the page size, which writes once
        with CaptureQueriesContext(connection) as few:
            sales.get(url, every_column)
        make_people(30, officer=officer, organization=organization, labels=[label])
        with CaptureQueriesContext(connection) as many:
            response = sales.get(url, every_column)
        assert len(codes_in(response)) == 34
        assert len(many) == len(few)
        # Counted once at most (an unfiltered total may come from a kept counter instead).
        assert sum("COUNT(" in query["sql"].upper() for query in many.captured_queries) <= 1
        # The results fragment does not load the filter panel's choice lists (officers, labels).
        with CaptureQueriesContext(connection) as fragment:
            sales.get(url, every_column, **HTMX)
        assert len(fragment) == len(many) - 2


class TestSortingAndPaging:
    def test_sort_by_a_column_both_ways(self, sales: Client, url: str) -> None:
        small = CustomerFactory(balance=Decimal("5.00"))
        large = CustomerFactory(balance=Decimal("900.00"))
        middle = CustomerFactory(balance=Decimal("50.00"))
        assert codes_in(sales.get(url, {"sort": "balance"})) == [small.code, middle.code, large.code]
        descending = sales.get(url, {"sort": "-balance"})
        assert codes_in(descending) == [large.code, middle.code, small.code]
        body = descending.content.decode()
        # The sorted column's header offers the other direction; the others sort ascending first.
        assert 'aria-sort="descending"' in body
        assert 'href="/customers/?sort=balance"' in body
        assert 'href="/customers/?sort=-name"' not in body
        assert 'href="/customers/?sort=code"' in body

    def test_unknown_sort_falls_back_with_a_message(self, sales: Client, url: str) -> None:
        make_people(2)
        response = sales.get(url, {"sort": "password"})
        assert response.status_code == 200
        assert "Cannot sort by “password”" in response.content.decode()
        assert len(codes_in(response)) == 2

    def test_pages_and_range(self, sales: Client, url: str) -> None:
        people = make_people(45)
        response = sales.get(url, {"page": 2})
        body = response.content.decode()
        assert codes_in(response) == [person.code for person in people[20:40]]
        assert "21–40 of 45" in body
        assert 'href="/customers/?page=3"' in body and 'href="/customers/?page=1"' not in body

    def test_page_past_the_end_shows_the_last_page(self, sales: Client, url: str) -> None:
        make_people(25)
        response = sales.get(url, {"page": 99}, **HTMX)
        assert "21–25 of 25" in response.content.decode()
        assert response["HX-Push-Url"] == "/customers/?page=2"

    @pytest.mark.parametrize("page", ["abc", "0", "-3", "1.5"])
    def test_bad_page_number_shows_the_first_page(self, sales: Client, url: str, page: str) -> None:
        make_people(3)
        response = sales.get(url, {"page": page})
        assert response.status_code == 200
        assert "is not a page number" in response.content.decode()
        assert len(codes_in(response)) == 3

    @pytest.mark.parametrize(("size", "rows"), [("10", 10), ("20", 20), ("50", 25), ("100", 25)])
    def test_page_sizes(self, sales: Client, url: str, size: str, rows: int) -> None:
        make_people(25)
        response = sales.get(url, {"per_page": size})
        assert len(codes_in(response)) == rows
        assert f'<option value="{size}" selected>' in response.content.decode()

    @pytest.mark.parametrize("size", ["7", "abc", "1000", "-20"])
    def test_bad_page_size_gives_a_message_not_an_error(self, sales: Client, url: str, size: str) -> None:
        make_people(25)
        response = sales.get(url, {"per_page": size})
        assert response.status_code == 200
        assert f"“{size}” is not a page size" in response.content.decode()
        assert len(codes_in(response)) == 20

    def test_page_size_is_remembered(self, sales: Client, url: str, sales_user: Any) -> None:
        make_people(15)
        sales.get(url, {"per_page": "10"})
        assert UserPreference.objects.get(user=sales_user, key=CUSTOMER_LIST.preference_key).value["per_page"] == 10
        assert len(codes_in(sales.get(url))) == 10

    def test_page_numbers_leave_gaps(self) -> None:
        assert page_numbers(1, 1) == [1]
        assert page_numbers(1, 5) == [1, 2, 3, 4, 5]
        assert page_numbers(1, 62) == [1, 2, 3, None, 62]
        assert page_numbers(10, 62) == [1, None, 8, 9, 10, 11, 12, None, 62]
        assert page_numbers(4, 62) == [1, 2, 3, 4, 5, 6, None, 62]
        assert page_numbers(62, 62) == [1, None, 60, 61, 62]


class TestSearchAndFilters:
    def test_search_is_accent_and_case_insensitive(self, sales: Client, url: str) -> None:
        jose = CustomerFactory(first_name="José", last_name="Álvarez", email="jose@example.com")
        CustomerFactory(first_name="Maria", last_name="Silva")
        assert codes_in(sales.get(url, {"q": "jose"}, **HTMX)) == [jose.code]
        assert codes_in(sales.get(url, {"q": "ALVAREZ jos"}, **HTMX)) == [jose.code]

    def test_filters_combine_with_the_search(self, sales: Client, url: str) -> None:
        vip = LabelFactory(name="VIP")
        wanted = CustomerFactory(first_name="Ana", last_name="Lima", country="BR", labels=[vip])
        CustomerFactory(first_name="Ana", last_name="Costa", country="BR")
        CustomerFactory(first_name="Ana", last_name="Smith", country="US", labels=[vip])
        CustomerFactory(first_name="Rui", last_name="Lima", country="BR", labels=[vip])
        response = sales.get(url, {"q": "ana", "country": "BR", "label": "VIP"})
        assert codes_in(response) == [wanted.code]
        body = response.content.decode()
        # The panel opens when filters are set, and shows how many.
        assert 'id="advanced-search" class="collapse show"' in body
        assert re.search(r'id="filter-count" class="badge[^"]*">2<', body)

    def test_status_and_balance_range(self, sales: Client, url: str) -> None:
        rich = CustomerFactory(balance=Decimal("5000.00"), status=Customer.Status.INACTIVE)
        CustomerFactory(balance=Decimal("5000.00"), status=Customer.Status.ACTIVE)
        CustomerFactory(balance=Decimal("10.00"), status=Customer.Status.INACTIVE)
        query = "status=inactive&status=churned&balance_min=1000&balance_max=9999"
        assert codes_in(sales.get(f"{url}?{query}")) == [rich.code]

    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({"balance_min": "lots"}, "balance_min", "Enter a number."),
            ({"code_min": "abc"}, "code_min", "“abc” is not a customer code."),
            ({"phone": "---"}, "phone", "A phone number needs digits."),
            ({"created_after": "2024-13-45"}, "created_after", "Enter a valid date."),
            ({"status": "sleeping"}, "status", "Select a valid choice."),
            ({"officer": "nobody"}, "officer", "Select a valid choice."),
            ({"q": "ada\x00"}, "q", "Null characters are not allowed."),
        ],
    )
    def test_invalid_filter_shows_the_error_next_to_the_field(
        self, sales: Client, url: str, params: dict[str, str], field: str, message: str
    ) -> None:
        CustomerFactory()
        full = sales.get(url, params)
        assert full.status_code == 200
        in_panel = rf'<div id="filter-error-{field}" class="filter-error">[^<]*{re.escape(message)}'
        assert re.search(in_panel, full.content.decode())
        assert codes_in(full) == []
        partial = sales.get(url, params, **HTMX)
        assert partial.status_code == 200
        pattern = rf'<div id="filter-error-{field}" hx-swap-oob="true" class="filter-error">[^<]*{re.escape(message)}'
        assert re.search(pattern, partial.content.decode())

    def test_errors_of_several_filters_are_shown_together(self, sales: Client, url: str) -> None:
        body = sales.get(url, {"balance_min": "x", "code_max": "zzz"}).content.decode()
        assert "Enter a number." in body and "“zzz” is not a customer code." in body

    def test_empty_result_offers_to_clear(self, sales: Client, url: str) -> None:
        CustomerFactory(first_name="Ada", last_name="Lovelace")
        body = sales.get(url, {"q": "zebra", "status": "blocked", "sort": "-code"}).content.decode()
        assert "No customers match “zebra” with 1 filter." in body
        assert 'href="/customers/?sort=-code" data-clear-all' in body


class TestColumns:
    def test_default_columns(self, sales: Client, url: str) -> None:
        CustomerFactory()
        assert headers_in(sales.get(url)) == list(CUSTOMER_LIST.default_columns)

    def test_choice_is_applied_remembered_and_kept_in_the_url(self, sales: Client, url: str, sales_user: Any) -> None:
        CustomerFactory()
        response = sales.get(url, {"columns": "status,code,name,bogus", "save_columns": "1"}, **HTMX)
        assert headers_in(response) == ["code", "name", "status"]
        assert response["HX-Push-Url"] == "/customers/?columns=code%2Cname%2Cstatus"
        stored = UserPreference.objects.get(user=sales_user, key=CUSTOMER_LIST.preference_key)
        assert stored.value["columns"] == ["code", "name", "status"]
        # A later visit without the parameter shows the remembered columns, and links keep them.
        later = sales.get(url)
        assert headers_in(later) == ["code", "name", "status"]
        assert "columns=code%2Cname%2Cstatus" in later.content.decode()
        assert 'value="email" data-default' in later.content.decode()

    def test_a_links_columns_show_a_view_without_replacing_the_saved_choice(self, sales: Client, url: str) -> None:
        CustomerFactory()
        sales.get(url, {"columns": "code,name,city", "save_columns": "1"})
        linked = sales.get(url, {"columns": "bogus,,code"})
        assert headers_in(linked) == ["code"]
        assert headers_in(sales.get(url)) == ["code", "name", "city"]

    def test_the_column_menu_is_what_saves(self, sales: Client, url: str) -> None:
        body = sales.get(url).content.decode()
        assert """hx-vals='{"save_columns": "1"}'""" in body
        assert 'name="save_columns" value="1">Apply' in body
        defaults = "%2C".join(CUSTOMER_LIST.default_columns)
        assert f"columns={defaults}&amp;save_columns=1" in body

    def test_checkbox_form_values_are_accepted(self, sales: Client, url: str) -> None:
        CustomerFactory()
        response = sales.get(f"{url}?columns=code&columns=balance", **HTMX)
        assert headers_in(response) == ["code", "balance"]

    def test_preference_is_per_user(self, client_for: Callable[[str | None], Client], url: str) -> None:
        CustomerFactory()
        client_for("sales").get(url, {"columns": "code", "save_columns": "1"})
        assert headers_in(client_for("support").get(url)) == list(CUSTOMER_LIST.default_columns)

    def test_only_unknown_columns_keep_the_current_choice(self, sales: Client, url: str) -> None:
        CustomerFactory()
        sales.get(url, {"columns": "code,name", "save_columns": "1"})
        assert headers_in(sales.get(url, {"columns": "password,,", "save_columns": "1"})) == ["code", "name"]


class TestPersonColumns:
    """First name, Last name and Birthday, as the ERP's list shows them."""

    def test_are_offered_in_the_columns_menu(self, sales: Client, url: str) -> None:
        body = sales.get(url).content.decode()
        for name, label in (("first_name", "First name"), ("last_name", "Last name"), ("birthday", "Birthday")):
            assert re.search(rf'value="{name}"[^>]*>\s*<span class="form-check-label">{label}</span>', body), name

    def test_show_their_values_and_sort_by_last_name_and_birthday(self, sales: Client, url: str) -> None:
        young = CustomerFactory(first_name="Zoe", last_name="Adams", birthday="1999-03-04")
        old = CustomerFactory(first_name="Abe", last_name="Young", birthday="1950-01-02")
        columns = {"columns": "code,first_name,last_name,birthday"}
        response = sales.get(url, {**columns, "sort": "last_name"})
        assert headers_in(response) == ["code", "first_name", "last_name", "birthday"]
        assert codes_in(response) == [young.code, old.code]
        body = response.content.decode()
        assert "1999-03-04" in body and "Zoe" in body
        assert 'href="/customers/?sort=birthday&amp;columns=' in body
        assert not re.search(r'data-column="first_name"[^>]*>\s*<a', body)  # the Name column sorts by first name
        assert codes_in(sales.get(url, {**columns, "sort": "birthday"})) == [old.code, young.code]
        assert codes_in(sales.get(url, {**columns, "sort": "-last_name"})) == [old.code, young.code]

    @pytest.mark.parametrize("column", ["last_name", "birthday"])
    def test_a_sorted_page_walks_an_index(self, column: str, users: dict[str, Any]) -> None:
        """Sorting a million live rows by an unindexed column would read and sort them all for each page."""
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, "customers_customer")
        assert indexes[f"customer_live_{column}"]["columns"] == [column, "id"]
        if connection.vendor == "sqlite":
            # As after an import or the first setup (``core.statistics``): without statistics SQLite
            # walks the live-rows index and sorts, whatever the column.
            make_people(30, birthday="1980-05-06")
            statistics.refresh(Customer)
            page = Customer.objects.order_by(column, "id")[:20]
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {page.query}")
                plan = " ".join(str(step[-1]) for step in cursor.fetchall())
            assert f"customer_live_{column}" in plan and "TEMP B-TREE" not in plan, plan
