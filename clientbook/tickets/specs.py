from ninja import Field

from clientbook.api.fields import IsoDateTime
from clientbook.core.kit.api_options import ApiOptions
from clientbook.core.kit.spec import Hooks, ModelSpec, NavEntry, Parent, RecordAction, register
from clientbook.tickets import selectors, services
from clientbook.tickets.api import ticket_values
from clientbook.tickets.forms import TicketForm
from clientbook.tickets.lists import TicketFilterSet, TicketTable
from clientbook.tickets.models import CODE_PREFIX, DONE_STATUSES, OPEN_STATUSES, Status, Ticket

FIELDS = ("customer", "subject", "description", "status", "priority", "assignee", "contact", "due_at")


def search_words(ticket: Ticket) -> list[str]:
    """The number whole and as its digits alone (``TCK0000042``, ``42``), the subject and the description."""
    number = ticket.code[len(CODE_PREFIX) :] if ticket.code else ""
    return [ticket.code, number.lstrip("0"), number, ticket.subject, ticket.description]


def _moment(description: str) -> tuple[object, object]:
    return (IsoDateTime | None, Field(None, description=description))


TICKETS = register(
    ModelSpec(
        model=Ticket,
        fields=FIELDS,
        audit_fields=("code", *FIELDS),
        form=TicketForm,
        select_related=("customer", "assignee", "contact"),
        filterset=TicketFilterSet,
        table=TicketTable,
        default_sort="-code",
        default_columns=("code", "subject", "status", "priority", "customer", "assignee", "due_at"),
        chip_filter="show",
        search_fields=("subject", "description"),
        natural_keys={"customer": "code", "assignee": "username"},
        import_lookups={"customer": ("code",), "assignee": ("username",), "contact": ("email",)},
        nav=NavEntry(label="Tickets", icon="bi-life-preserver", order=23),
        parent=Parent(field="customer", tab="Tickets", order=45, facts=selectors.header_facts),
        # Support works in tickets; accounting reads them.
        write_roles=("admin", "sales", "support"),
        hooks=Hooks(
            tidy=services.tidy,
            derive=services.derive,
            validate=services.validate,
            before_insert=services.assign_number,
            after_change=services.after_change,
            search_words=search_words,
        ),
        record_actions=(
            RecordAction(
                "resolve", "Resolve", services.resolve, "bi-check2-circle", shown=lambda t: t.status in OPEN_STATUSES
            ),
            RecordAction("close", "Close", services.close, "bi-x-circle", shown=lambda t: t.status != Status.CLOSED),
            RecordAction(
                "reopen",
                "Reopen",
                services.reopen,
                "bi-arrow-counterclockwise",
                shown=lambda t: t.status in DONE_STATUSES,
            ),
        ),
        describe=lambda ticket: ticket.subject,
        short_name=lambda ticket: ticket.code,
        subtitle=lambda ticket: f"{ticket.get_status_display()} · {ticket.customer.display_name}",
        summary_fields=("customer",),
        search_hint="number, subject, description",
        details_tab="Ticket",
        page_context=selectors.page_context,
        api=ApiOptions(
            input_values=ticket_values,
            parameters={
                "due_after": _moment("Tickets due at or after this moment (ISO 8601)."),
                "due_before": _moment("Tickets due at or before this moment (ISO 8601)."),
            },
            descriptions={
                "code": "The ticket's number (TCK0000001), given when it is created and never reused.",
                "description": "Markdown, as typed; pages show it rendered and sanitised.",
                "assignee": "The user name of who works on the ticket; null: nobody yet.",
            },
        ),
    )
)
