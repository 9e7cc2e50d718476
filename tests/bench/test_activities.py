"""The timeline benchmark's bulk rows: the search fields the kit's writes compute, the busy customers."""

from collections import Counter

from bench.activities import BUSY_MINIMUM, COLUMNS, ActivityRows, busy_customer_ids
from clientbook.activities.models import Activity
from clientbook.activities.specs import ACTIVITIES
from clientbook.core.listing.search import build_document, normalise


def test_bulk_rows_carry_the_search_fields_the_kit_computes() -> None:
    for values in ActivityRows(seed=1, customers=50, author_ids=[1]).rows(300):
        fields = dict(zip(COLUMNS, values, strict=True))
        activity = Activity(**fields)
        expected = build_document(ACTIVITIES.search_words(activity), ACTIVITIES.search_phones(activity))
        assert (fields["search_document"], fields["sort_name"]) == (expected, normalise(activity.title))


def test_a_few_customers_hold_ten_thousand_entries_each() -> None:
    rows = ActivityRows(seed=2, customers=1_000, author_ids=[1]).rows(100_000)
    per_customer = Counter(values[COLUMNS.index("customer_id")] for values in rows)

    busiest = [customer for customer, _ in per_customer.most_common(3)]
    assert sorted(busiest) == sorted(busy_customer_ids(1_000))
    assert min(per_customer[customer] for customer in busiest) >= BUSY_MINIMUM
