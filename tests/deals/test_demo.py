"""The demo's deals: open ones in each stage, won ones (some converted at a stored rate), lost ones with reasons."""

from typing import Any

import pytest

from clientbook.activities.models import Activity
from clientbook.customers.demo import DemoOffice
from clientbook.customers.factories import OrganizationFactory
from clientbook.deals import demo
from clientbook.deals.models import Deal

pytestmark = pytest.mark.django_db


def test_the_demo_deals_cover_every_stage_and_are_the_same_every_run(users: dict[str, Any]) -> None:
    currencies = ("USD", "EUR", "GBP", "INR", "JPY", "KES")
    organizations = tuple(
        OrganizationFactory(officer=users["sales"], currency=currencies[index % len(currencies)]) for index in range(24)
    )

    written = demo.load_deals(DemoOffice(seed=7, organizations=organizations))
    first = list(Deal.objects.order_by("pk").values_list("customer_id", "title", "stage", "value", "won_value"))
    Activity.all_objects.all().delete()
    Deal.all_objects.all().delete()
    demo.load_deals(DemoOffice(seed=7, organizations=organizations))

    deals = list(Deal.objects.order_by("pk"))
    assert written == len(deals)
    assert list(Deal.objects.order_by("pk").values_list("customer_id", "title", "stage", "value", "won_value")) == first
    assert {deal.stage for deal in deals} == set(Deal.Stage.values)
    assert any(deal.stage == "won" and deal.currency != deal.customer.currency for deal in deals)
    assert all(deal.lost_reason for deal in deals if deal.stage == "lost")
    assert {deal.owner for deal in deals} == {users["sales"]}
