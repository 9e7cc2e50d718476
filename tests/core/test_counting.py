"""List counts: exact up to CLIENTBOOK_EXACT_COUNT_LIMIT, a labelled estimate above it.

The sample is shrunk to two windows of five ids, so a few dozen customers show every case: the
estimate counts only the rows in those windows (scaled up), so the tests place matching rows in and
out of them to tell an estimate from the exact count.
"""

from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientbook.api.pagination import query_dict
from clientbook.core.listing import counting
from clientbook.core.listing.counting import round_significant, sample_windows
from clientbook.core.listing.pipeline import ListResult, filtered_queryset, get_spec, run_list
from clientbook.core.listing.search import count_rows
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db

LIMIT = 5
BOOK_SIZE = 60
NIGERIA = {"country": "NG"}


@pytest.fixture(autouse=True)
def small_sample(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CLIENTBOOK_EXACT_COUNT_LIMIT = LIMIT
    monkeypatch.setattr(counting, "SAMPLE_ROWS", 10)
    monkeypatch.setattr(counting, "SAMPLE_WINDOWS", 2)


def make_book(*, in_window: int, outside: int) -> list[Customer]:
    """``BOOK_SIZE`` British customers, of whom ``in_window`` in the first sample window and
    ``outside`` outside both windows are Nigerian (the rows the ``NIGERIA`` filter finds)."""
    customers = [CustomerFactory(last_name="Okafor", country="GB") for _ in range(BOOK_SIZE)]
    ids = [customer.pk for customer in customers]
    windows = sample_windows(min(ids), max(ids))
    assert len(windows) == 2 and all(last - first + 1 == 5 for first, last in windows)
    sampled = {pk for first, last in windows for pk in range(first, last + 1)}
    first_window = [pk for pk in ids if windows[0][0] <= pk <= windows[0][1]]
    unsampled = [pk for pk in ids if pk not in sampled]
    Customer.objects.filter(pk__in=first_window[:in_window] + unsampled[:outside]).update(country="NG")
    return customers


def listing(user: Any, params: dict[str, str], *, page: int = 1, page_size: int = 10) -> ListResult:
    return run_list(get_spec("customers"), user, query_dict(params), page_size=page_size, page_number=page)


@pytest.fixture
def sales_user(make_user: Any) -> Any:
    return make_user("sales")


class TestListCounts:
    def test_a_count_up_to_the_limit_is_exact(self, sales_user: Any) -> None:
        make_book(in_window=0, outside=4)

        result = listing(sales_user, NIGERIA, page_size=2)

        assert (result.count, result.count_is_estimate) == (4, False)

    def test_a_sample_at_or_under_the_limit_gives_way_to_the_exact_count(self, settings: Any, sales_user: Any) -> None:
        make_book(in_window=5, outside=10)  # the sample says 5 × 60/10 = 30
        settings.CLIENTBOOK_EXACT_COUNT_LIMIT = 30

        result = listing(sales_user, NIGERIA, page_size=2)

        assert (result.count, result.count_is_estimate) == (15, False)

    def test_above_the_limit_the_count_is_the_samples_estimate_and_says_so(self, sales_user: Any) -> None:
        make_book(in_window=5, outside=10)

        result = listing(sales_user, NIGERIA)

        assert (result.count, result.count_is_estimate) == (30, True)
        assert (result.first_index, result.last_index, len(result.page.object_list)) == (1, 10, 10)
        assert result.page.paginator.num_pages == 3
        assert result.page.has_next() and not result.past_end

    def test_the_same_query_gets_the_same_estimate(self, sales_user: Any) -> None:
        make_book(in_window=5, outside=10)

        assert {listing(sales_user, NIGERIA).count for _ in range(3)} == {30}

    def test_a_search_with_filters_is_estimated_too(self, sales_user: Any) -> None:
        make_book(in_window=3, outside=10)

        result = listing(sales_user, {"q": "okafor", **NIGERIA})

        assert (result.count, result.count_is_estimate) == (18, True)

    def test_counts_the_database_keeps_stay_exact(self, sales_user: Any) -> None:
        make_book(in_window=5, outside=10)

        result = listing(sales_user, {})

        assert (result.count, result.count_is_estimate) == (BOOK_SIZE, False)

    def test_the_page_that_reaches_the_end_makes_the_count_exact(self, sales_user: Any) -> None:
        make_book(in_window=5, outside=10)

        result = listing(sales_user, NIGERIA, page=2)

        assert (result.count, result.count_is_estimate) == (15, False)
        assert (result.first_index, result.last_index) == (11, 15)
        assert not result.page.has_next()

    def test_a_page_past_the_real_end_is_empty_not_an_error(self, sales_user: Any) -> None:
        make_book(in_window=5, outside=10)

        for page in (3, 7):  # the estimate's last page, and beyond it
            result = listing(sales_user, NIGERIA, page=page)

            assert result.page.number == page
            assert list(result.page.object_list) == []
            assert result.past_end and result.count_is_estimate
            assert (result.first_index, result.last_index) == (0, 0)
            assert result.page.has_previous() and not result.page.has_next()

    def test_rows_past_an_estimate_that_was_too_low_stay_reachable(self, sales_user: Any) -> None:
        make_book(in_window=5, outside=35)  # 40 rows, estimated 30

        third = listing(sales_user, NIGERIA, page=3)
        fourth = listing(sales_user, NIGERIA, page=4)

        assert len(third.page.object_list) == 10 and third.page.has_next() and third.count_is_estimate
        assert (len(fourth.page.object_list), fourth.count, fourth.count_is_estimate) == (10, 40, False)

    def test_the_filtered_queryset_and_exact_counts_are_untouched(self, sales_user: Any) -> None:
        """Exports and bulk "all matching" use these: never an estimate."""
        make_book(in_window=5, outside=10)
        queryset, _ = filtered_queryset(get_spec("customers"), sales_user, query_dict(NIGERIA))

        assert queryset.count() == count_rows(queryset) == 15
        assert len(list(queryset)) == 15

    def test_the_sample_checks_documents_row_by_row_instead_of_the_search_index(self, sales_user: Any) -> None:
        make_book(in_window=3, outside=10)

        with CaptureQueriesContext(connection) as queries:
            listing(sales_user, {"q": "okafor", **NIGERIA})

        sample = [query["sql"] for query in queries if " BETWEEN " in query["sql"]]
        assert len(sample) == 1
        index_lookup = " MATCH " if connection.vendor == "sqlite" else " LIKE "
        assert index_lookup not in sample[0]
        assert "okafor" in sample[0]


class TestListPage:
    @pytest.fixture
    def sales(self, sales_user: Any) -> Client:
        client = Client()
        client.force_login(sales_user)
        return client

    def get(self, client: Client, **params: str) -> str:
        query = QueryDict(mutable=True)
        query.update({"country": "NG", "per_page": "10", **params})
        return client.get(f"{reverse('customers:customer_list')}?{query.urlencode()}").content.decode()

    def test_an_estimate_reads_of_about(self, sales: Client) -> None:
        make_book(in_window=5, outside=10)

        html = self.get(sales)

        assert "1–10 of about 30" in html
        assert "about 30 customers" in html
        assert 'data-testid="past-end"' not in html

    def test_an_exact_count_does_not(self, sales: Client) -> None:
        make_book(in_window=5, outside=10)

        html = self.get(sales, page="2")

        assert "11–15 of 15" in html and "15 customers" in html
        assert "of about" not in html and "Estimated from a sample" not in html

    def test_a_page_past_the_end_says_the_total_was_an_estimate(self, sales: Client) -> None:
        make_book(in_window=5, outside=0)  # estimated 30 (three pages), 5 in fact

        html = self.get(sales, page="2")

        assert "No more results — the total was an estimate." in html
        assert 'data-testid="past-end"' in html
        assert 'rel="prev"' in html and 'rel="next"' not in html
        assert "Back to the first page" in html


class TestApi:
    URL = "/api/v1/customers"

    def test_the_response_flags_an_estimate(self, token_for: Any) -> None:
        make_book(in_window=5, outside=10)
        client = Client(headers={"Authorization": f"Bearer {token_for('support')}"})

        first = client.get(self.URL, {"country": "NG", "page_size": 10}).json()
        last = client.get(self.URL, {"country": "NG", "page_size": 10, "page": 2}).json()
        past = client.get(self.URL, {"country": "NG", "page_size": 10, "page": 3}).json()

        assert (first["count"], first["count_is_estimate"], len(first["items"])) == (30, True, 10)
        assert (last["count"], last["count_is_estimate"], len(last["items"])) == (15, False, 5)
        assert (past["items"], past["count_is_estimate"]) == ([], True)

    def test_the_schema_documents_the_flag(self, client: Client) -> None:
        schema = client.get("/api/v1/openapi.json").json()
        page = schema["components"]["schemas"]["CustomerPage"]

        assert "count_is_estimate" in page["required"]
        assert page["properties"]["count_is_estimate"]["type"] == "boolean"
        assert "estimate" in page["properties"]["count_is_estimate"]["description"]


class TestRounding:
    @pytest.mark.parametrize(
        ("number", "shown"), [(87_240, 87_000), (16_342, 16_000), (235_800, 240_000), (999, 1_000), (42, 42), (0, 0)]
    )
    def test_estimates_keep_two_significant_figures(self, number: int, shown: int) -> None:
        assert round_significant(number) == shown


class TestSampleWindows:
    def test_windows_spread_over_the_ids_without_overlap(self) -> None:
        windows = sample_windows(101, 1_100)

        assert len(windows) == 2 and sum(last - first + 1 for first, last in windows) == 10
        assert 101 <= windows[0][0] <= windows[0][1] < windows[1][0] <= windows[1][1] <= 1_100
        assert windows[0][0] < 600 < windows[1][0]

    def test_a_range_no_larger_than_the_sample_is_read_whole(self) -> None:
        assert sample_windows(5, 14) == [(5, 14)]
