"""A ticket's rules: its number, the timeline entries of status and assignee changes, its moves, contacts, import."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from clientbook.activities.lists import GROUPS
from clientbook.activities.models import Activity
from clientbook.contacts.factories import ContactFactory
from clientbook.core.imports import engine as imports
from clientbook.core.kit import writes
from clientbook.core.records.versions import StaleVersion
from clientbook.customers.factories import CustomerFactory, OrganizationFactory
from clientbook.tickets import selectors, services
from clientbook.tickets.factories import TicketFactory
from clientbook.tickets.models import Ticket
from clientbook.tickets.specs import TICKETS

pytestmark = pytest.mark.django_db


def entries(ticket: Ticket) -> list[str]:
    rows = Activity.objects.filter(ticket=ticket, type=Activity.Type.TICKET_UPDATE).order_by("id")
    return list(rows.values_list("title", flat=True))


def test_numbers_go_up_in_sequence_and_are_never_reused(users):
    customer = CustomerFactory()
    first = TicketFactory(customer=customer)
    second = TicketFactory(customer=customer)
    assert (first.code[:3], int(second.code[3:])) == ("TCK", int(first.code[3:]) + 1)
    assert len(first.code) == len("TCK0000001")

    writes.delete(second, user=users["admin"])
    writes.purge(second, user=users["admin"])
    with pytest.raises(ValidationError):
        writes.create(TICKETS, user=users["support"], values={"customer": customer, "subject": ""})
    with pytest.raises(RuntimeError), transaction.atomic():
        writes.create(TICKETS, user=users["support"], values={"customer": customer, "subject": "Rolled back"})
        raise RuntimeError("the caller's transaction fails after the create")
    third = TicketFactory(customer=customer)

    # The purged ticket's number stays taken; the refused and the rolled-back creates took none.
    assert int(third.code[3:]) == int(second.code[3:]) + 1
    assert not Ticket.all_objects.filter(subject="Rolled back").exists()


def test_nobody_writes_the_number(users):
    ticket = TicketFactory()
    with pytest.raises(ValidationError) as refused:
        writes.update(ticket, user=users["support"], values={"code": "TCK0000042"})
    assert refused.value.message_dict == {"code": ["This field cannot be written."]}


def test_status_and_assignee_changes_are_timeline_entries_of_the_same_transaction(users, make_user):
    customer = CustomerFactory()
    agent = make_user("support", username="awa", first_name="Awa", last_name="Bojang")
    ticket = TicketFactory(customer=customer, subject="Card blocked", author=users["support"])
    writes.update(ticket, user=users["support"], values={"assignee": agent})
    writes.update(ticket, user=users["support"], values={"subject": "Card blocked abroad", "priority": "high"})
    writes.update(ticket, user=agent, values={"status": "pending", "assignee": None})
    with pytest.raises(RuntimeError), transaction.atomic():
        writes.update(ticket, user=agent, values={"status": "resolved"})
        raise RuntimeError("the caller's transaction fails after the change")
    services.close(agent, Ticket.objects.get(pk=ticket.pk))

    code = ticket.code
    assert entries(ticket) == [
        f"Ticket {code} “Card blocked” opened: Normal priority",
        f"Ticket {code} “Card blocked”: assigned to Awa Bojang",
        f"Ticket {code} “Card blocked abroad”: Open → Pending",
        f"Ticket {code} “Card blocked abroad”: unassigned from Awa Bojang",
        f"Ticket {code} “Card blocked abroad”: Pending → Closed",
    ]
    closing = Activity.objects.filter(ticket=ticket).latest("id")
    assert (closing.customer, closing.author, closing.automatic) == (customer, agent, True)


def test_a_refused_change_writes_no_entry(users):
    ticket = TicketFactory()
    before = entries(ticket)
    with pytest.raises(ValidationError):
        writes.update(ticket, user=users["support"], values={"status": "done"})
    with pytest.raises(PermissionDenied):
        writes.update(ticket, user=users["accounting"], values={"status": "closed"})
    with pytest.raises(StaleVersion):
        writes.update(ticket, user=users["support"], values={"status": "closed"}, expected_version=ticket.version + 5)
    with pytest.raises(ValidationError):
        services.reopen(users["support"], ticket)
    assert entries(ticket) == before
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_ticket_entries_count_under_the_timelines_changes_chip():
    assert Activity.Type.TICKET_UPDATE in GROUPS["changes"][1]


def test_resolve_close_and_reopen_move_the_status(users):
    ticket = TicketFactory()
    assert services.resolve(users["support"], ticket) == f"Ticket {ticket.code} resolved."
    ticket.refresh_from_db()
    with pytest.raises(ValidationError):
        services.resolve(users["support"], ticket)
    services.reopen(users["support"], ticket, ticket.version)
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_the_contact_must_be_one_of_the_customers_people():
    organization = OrganizationFactory()
    stranger = ContactFactory()
    with pytest.raises(ValidationError) as refused:
        TicketFactory(customer=organization, contact=stranger)
    assert list(refused.value.message_dict) == ["contact"]
    own = ContactFactory(organization=organization)
    assert TicketFactory(customer=organization, contact=own).contact == own


def test_the_priority_rank_follows_the_priority():
    ticket = TicketFactory(priority="urgent")
    assert ticket.priority_rank == 4
    assert writes.update(ticket, user=None, values={"priority": "low"}).priority_rank == 1


def test_the_open_count_leaves_out_resolved_closed_and_deleted_tickets(users):
    customer = CustomerFactory()
    TicketFactory(customer=customer)
    TicketFactory(customer=customer, status="pending")
    TicketFactory(customer=customer, status="resolved")
    TicketFactory(customer=customer, status="closed")
    writes.delete(TicketFactory(customer=customer), user=users["admin"])
    assert selectors.open_ticket_count(customer) == 2
    assert [fact.value for fact in selectors.header_facts(users["accounting"], customer)] == ["2"]


def test_import_numbers_each_ticket_and_finds_the_customer_by_code(
    users, immediate_worker, django_capture_on_commit_callbacks
):
    customer = CustomerFactory()
    rows = (
        "Customer,Subject,Priority,Status\n"
        f"{customer.code},Statement missing,High,Open\n"
        f"{customer.code.lower()},Address change,low,pending\n"
        f"{customer.code},Nothing,Sometimes,Open\n"
        "CUST9999999,Nobody,Low,Open\n"
    )
    job = imports.upload(
        user=users["support"],
        importer=imports.get_importer("tickets"),
        uploaded=SimpleUploadedFile("t.csv", rows.encode()),
        file_name="t.csv",
    )
    imports.configure(user=users["support"], job=job, mapping=job.mapping, strategy="create", match_on=[])
    with django_capture_on_commit_callbacks(execute=True):
        imports.start(user=users["support"], job=job, dry_run=False)
    job.refresh_from_db()

    assert (job.created, job.rejected) == (2, 2)
    imported = list(Ticket.objects.filter(customer=customer).order_by("code"))
    assert [(ticket.subject, ticket.priority, ticket.status) for ticket in imported] == [
        ("Statement missing", "high", "open"),
        ("Address change", "low", "pending"),
    ]
    assert all(ticket.code.startswith("TCK") for ticket in imported)
    assert len(entries(imported[0])) == 1
