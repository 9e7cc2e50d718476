"""The ticket's pages for every role (the kit's cases), the customer's Tickets tab and header, the ticket page."""

from clientbook.activities.specs import ACTIVITIES
from clientbook.core.kit.tabs import child_tab_url
from clientbook.core.testing.web import SpecWebTests
from clientbook.customers.factories import CustomerFactory
from clientbook.tickets.factories import TicketFactory
from clientbook.tickets.specs import TICKETS


class TestTicketPages(SpecWebTests):
    spec = TICKETS
    factory = TicketFactory


def test_the_customer_header_counts_open_and_pending_tickets(client_for) -> None:
    customer = CustomerFactory()
    TicketFactory(customer=customer)
    TicketFactory(customer=customer, status="pending")
    TicketFactory(customer=customer, status="resolved")
    TicketFactory(status="open")
    page = client_for("accounting").get(customer.get_absolute_url()).content.decode()
    assert 'data-testid="fact-open-tickets"' in page
    fact = page[page.index('data-testid="fact-open-tickets"') :][:400]
    assert ">2<" in fact.replace(" ", "")


def test_the_tickets_tab_lists_the_customers_tickets_with_their_buttons(client_for) -> None:
    customer = CustomerFactory()
    mine = TicketFactory(customer=customer, subject="Statement missing")
    other = TicketFactory(subject="Card blocked")
    page = client_for("support").get(child_tab_url(TICKETS, customer)).content.decode()
    assert mine.code in page and "Statement missing" in page
    assert other.code not in page
    assert 'data-testid="action-resolve"' in page and 'data-testid="action-close"' in page
    assert f'href="/tickets/new/?customer={customer.code}"' in page


def test_the_ticket_page_renders_the_description_sanitised_and_its_entries(client_for, users) -> None:
    ticket = TicketFactory(description="**Urgent** <script>alert(1)</script> [x](javascript:alert(1))")
    page = client_for("accounting").get(f"/tickets/{ticket.code}/").content.decode()
    assert "<strong>Urgent</strong>" in page
    assert "<script>alert(1)</script>" not in page and 'href="javascript:' not in page
    assert f"Ticket {ticket.code}" in page and "opened" in page
    # Accounting reads tickets: no write buttons.
    assert 'data-testid="action-close"' not in page


def test_the_timeline_links_a_tickets_entries_to_the_ticket_and_keeps_them_under_changes(client_for) -> None:
    ticket = TicketFactory()
    client = client_for("support")
    changes = client.get(child_tab_url(ACTIVITIES, ticket.customer), {"group": "changes"}).content.decode()
    assert f'href="/tickets/{ticket.code}/" data-testid="activity-ticket"' in changes
    notes = client.get(child_tab_url(ACTIVITIES, ticket.customer), {"group": "notes"}).content.decode()
    assert 'data-testid="activity-ticket"' not in notes
