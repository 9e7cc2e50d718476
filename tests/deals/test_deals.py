"""A deal's rules: closed date, lost reason, rate and won value, contacts, timeline entries, totals, import."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from clientbook.activities.models import Activity
from clientbook.contacts.factories import ContactFactory
from clientbook.core.imports import engine as imports
from clientbook.core.kit import writes
from clientbook.customers.factories import CustomerFactory, OrganizationFactory
from clientbook.deals import selectors, services
from clientbook.deals.factories import DealFactory
from clientbook.deals.models import Deal

pytestmark = pytest.mark.django_db


def entries(deal: Deal) -> list[str]:
    return list(Activity.objects.filter(deal=deal, type="deal_update").order_by("id").values_list("title", flat=True))


def test_the_closed_date_follows_the_stage_and_no_one_writes_it(users):
    deal = DealFactory()
    assert deal.closed_on is None
    won = writes.update(deal, user=users["sales"], values={"stage": "won"})
    assert won.closed_on is not None and won.won_value == Decimal("1000.00")
    reopened = writes.update(won, user=users["sales"], values={"stage": "qualified"})
    assert (reopened.closed_on, reopened.won_value) == (None, None)
    # What a script sends for them is replaced by what the stage makes them.
    forced = writes.update(reopened, user=None, values={"closed_on": date(2000, 1, 1), "won_value": Decimal(5)})
    assert (forced.closed_on, forced.won_value) == (None, None)


def test_the_api_answers_the_closed_date_and_won_value_but_refuses_them(client_for):
    deal = DealFactory(stage="won")
    client = client_for("sales")

    answered = client.get(f"/api/v1/deals/{deal.pk}").json()
    refused = client.patch(f"/api/v1/deals/{deal.pk}", {"won_value": "1.00"}, content_type="application/json")

    assert (answered["won_value"], answered["closed_on"]) == ("1000.00", deal.closed_on.isoformat())
    assert refused.status_code == 422


def test_a_lost_deal_needs_its_reason_which_goes_when_reopened(users):
    deal = DealFactory()
    with pytest.raises(ValidationError) as refused:
        writes.update(deal, user=users["sales"], values={"stage": "lost"})
    assert refused.value.message_dict == {"lost_reason": ["Say why the deal was lost."]}
    lost = writes.update(deal, user=users["sales"], values={"stage": "lost", "lost_reason": "Budget cut."})
    assert lost.closed_on is not None
    services.reopen(users["sales"], lost, lost.version)
    lost.refresh_from_db()
    assert (lost.stage, lost.lost_reason, lost.closed_on) == ("negotiation", "", None)


def test_a_deal_won_in_another_currency_needs_its_rate_and_rounds_half_up():
    customer = OrganizationFactory(currency="USD")
    deal = DealFactory(customer=customer, value=Decimal("12.10"), currency="EUR")
    assert deal.exchange_rate is None
    with pytest.raises(ValidationError) as refused:
        writes.update(deal, user=None, values={"stage": "won"})
    assert refused.value.message_dict["exchange_rate"] == [
        "A deal won in EUR needs the rate to the customer's USD: 1 EUR = ? USD."
    ]
    with pytest.raises(ValidationError) as negative:
        writes.update(deal, user=None, values={"stage": "won", "exchange_rate": Decimal("-1")})
    assert negative.value.message_dict == {"exchange_rate": ["The rate must be positive."]}
    won = writes.update(deal, user=None, values={"stage": "won", "exchange_rate": Decimal("1.25")})
    # 12.10 × 1.25 = 15.125: half-up gives 15.13 where rounding to even would give 15.12.
    assert won.won_value == Decimal("15.13")


def test_the_currency_is_iso_4217_and_defaults_to_the_customers_with_rate_one():
    customer = OrganizationFactory(currency="INR")
    deal = DealFactory(customer=customer, currency="", value=Decimal("50000"))
    assert (deal.currency, deal.exchange_rate) == ("INR", Decimal("1.000000"))
    with pytest.raises(ValidationError) as refused:
        DealFactory(customer=customer, currency="ABC")
    assert "ISO 4217" in refused.value.message_dict["currency"][0]
    # A currency the customers' list does not offer is still a real one.
    assert DealFactory(customer=customer, currency="thb").currency == "THB"
    moved = writes.update(deal, user=None, values={"currency": "EUR"})
    assert moved.exchange_rate is None


def test_the_contact_must_work_at_the_customer():
    mine = ContactFactory()
    elsewhere = ContactFactory()
    assert DealFactory(customer=mine.organization, contact=mine).contact == mine
    with pytest.raises(ValidationError) as refused:
        DealFactory(customer=mine.organization, contact=elsewhere)
    assert "not of" in refused.value.message_dict["contact"][0]
    with pytest.raises(ValidationError):
        DealFactory(customer=CustomerFactory(), contact=mine)


def test_the_owner_is_the_acting_user_unless_named(users):
    assert DealFactory(author=users["sales"]).owner == users["sales"]
    assert DealFactory(author=users["sales"], owner=users["admin"]).owner == users["admin"]


def test_each_stage_change_writes_its_entry_in_the_same_transaction(users):
    customer = OrganizationFactory(currency="USD")
    deal = DealFactory(customer=customer, title="Fleet", stage="proposal", currency="EUR", value=Decimal("2000"))
    writes.update(deal, user=users["sales"], values={"stage": "negotiation"})
    writes.update(deal, user=users["sales"], values={"title": "Fleet lease"})
    with pytest.raises(ValidationError):
        writes.update(deal, user=users["sales"], values={"stage": "won"})
    with pytest.raises(RuntimeError), transaction.atomic():
        writes.update(deal, user=users["sales"], values={"stage": "lost", "lost_reason": "Price"})
        raise RuntimeError("the caller's transaction fails after the change")
    writes.update(deal, user=users["sales"], values={"stage": "won", "exchange_rate": Decimal("1.087654")})

    assert entries(deal) == [
        "New deal “Fleet”: Proposal, 2,000.00 EUR",
        "Deal “Fleet”: Proposal → Negotiation",
        "Deal “Fleet lease” won: 2,000.00 EUR = 2,175.31 USD at 1.087654",
    ]
    win = Activity.objects.filter(deal=deal).latest("id")
    assert (win.customer, win.author, win.automatic) == (customer, users["sales"], True)


def test_next_stage_moves_through_the_open_stages_then_asks_for_the_form(users):
    deal = DealFactory(stage="proposal")
    assert services.advance(users["sales"], deal, deal.version) == f"Deal “{deal.title}” moved to Negotiation."
    deal.refresh_from_db()
    assert services.next_stage(deal) is None
    with pytest.raises(ValidationError):
        services.advance(users["sales"], deal, deal.version)


def won_values_of_export(client, customer) -> tuple[Decimal, list[dict[str, str]]]:
    response = client.post(
        "/exports/deals/", {"select_all": "on", "format": "csv", "query": f"customer={customer.code}"}
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    return sum((Decimal(row["Won value"]) for row in rows if row["Stage"] == "Won"), Decimal(0)), rows


def test_the_header_total_equals_the_won_values_of_the_export_across_three_currencies(client_for, users):
    customer = OrganizationFactory(currency="USD")
    won = [
        ("USD", Decimal("1000.10"), None),
        ("EUR", Decimal("2000.00"), Decimal("1.087654")),
        ("GBP", Decimal("333.33"), Decimal("1.271111")),
        ("EUR", Decimal("0.01"), Decimal("1.5")),
    ]
    for currency, value, rate in won:
        values = {"stage": "won", "currency": currency, "value": value}
        DealFactory(customer=customer, **values, **({"exchange_rate": rate} if rate else {}))
    DealFactory(customer=customer, value=Decimal("999"), stage="proposal")
    DealFactory(customer=customer, value=Decimal("5"), stage="lost", lost_reason="No budget.")
    writes.delete(DealFactory(customer=customer, stage="won", value=Decimal("7")), user=None)
    DealFactory(stage="won", value=Decimal("11"))

    totals = selectors.deal_totals(customer)
    export_sum, rows = won_values_of_export(client_for("sales"), customer)

    assert (
        totals.won_total == export_sum == Decimal("1000.10") + Decimal("2175.31") + Decimal("423.70") + Decimal("0.02")
    )
    assert (totals.open_count, totals.won_count, totals.lost_count, totals.converted) == (1, 4, 1, True)
    assert {row["Exchange rate"] for row in rows} >= {"1.087654", "1.271111"}
    facts = {fact.key: fact for fact in selectors.header_facts(users["support"], customer)}
    assert (facts["won-value"].value, facts["won-value"].hint) == ("3,599.13 USD", selectors.CONVERTED_HINT)
    assert facts["deals"].value == "1 open · 4 won"


def test_the_header_says_nothing_of_conversion_when_every_win_was_in_the_customers_currency(users):
    person = CustomerFactory(currency="EUR")
    assert selectors.header_facts(users["sales"], person) == []
    DealFactory(customer=person, stage="won", value=Decimal("10"))
    facts = selectors.header_facts(users["sales"], person)
    assert [(fact.value, fact.hint) for fact in facts] == [("10.00 EUR", ""), ("0 open · 1 won", "")]
    assert [fact.value for fact in selectors.header_facts(users["sales"], OrganizationFactory(currency="INR"))] == [
        "0.00 INR",
        "0 open · 0 won",
    ]


def test_the_overview_lists_up_to_five_open_deals_closing_soonest(users):
    customer = OrganizationFactory()
    assert selectors.overview(users["sales"], customer) is None
    for day in (9, 3, 5, 1, 7, 2):
        DealFactory(customer=customer, title=f"day {day}", expected_close_on=date(2030, 1, day))
    DealFactory(customer=customer, title="won", stage="won")
    overview = selectors.overview(users["sales"], customer)
    assert overview is not None
    assert [deal.title for deal in overview["deals"]] == ["day 1", "day 2", "day 3", "day 5", "day 7"]


def test_import_finds_the_customer_by_code_and_refuses_a_won_deal_without_its_rate(
    users, immediate_worker, django_capture_on_commit_callbacks
):
    customer = OrganizationFactory(currency="USD")
    rows = (
        "Customer,Title,Value,Currency,Stage,Exchange rate\n"
        f"{customer.code},Audit,1200.50,USD,Won,\n"
        f"{customer.code.lower()},Licences,300,EUR,won,1.1\n"
        f"{customer.code},Training,300,EUR,Won,\n"
        f"{customer.code},Support,300,EUX,New,\n"
        f"{customer.code},Hosting,300,USD,Sold,\n"
        "CUST9999999,Nothing,1,USD,New,\n"
    )
    job = imports.upload(
        user=users["sales"],
        importer=imports.get_importer("deals"),
        uploaded=SimpleUploadedFile("d.csv", rows.encode()),
        file_name="d.csv",
    )
    imports.configure(user=users["sales"], job=job, mapping=job.mapping, strategy="create", match_on=[])
    with django_capture_on_commit_callbacks(execute=True):
        imports.start(user=users["sales"], job=job, dry_run=False)
    job.refresh_from_db()

    assert (job.created, job.rejected) == (2, 4)
    assert dict(customer.deals.values_list("title", "won_value")) == {
        "Audit": Decimal("1200.50"),
        "Licences": Decimal("330.00"),
    }
    assert entries(customer.deals.get(title="Licences")) == ["Deal “Licences” won: 300.00 EUR = 330.00 USD at 1.1"]
