"""The leads' rules, run as the kit's hooks, and the conversion of a lead into a customer.

A lead is written by the kit's write skeleton like every model; converting it is one transaction
with the lead's row locked (``convert``), so a double submit, two tabs or two API calls at once
give exactly one customer: the second finds the lead converted and is told which customer it became.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clientbook.activities import services as timeline
from clientbook.activities.models import Activity
from clientbook.core.kit import writes
from clientbook.core.kit.spec import spec_for
from clientbook.core.permissions import can, restrict
from clientbook.core.records import trash, versions
from clientbook.core.sequences import next_code
from clientbook.customers import services as customers
from clientbook.customers.models import Customer
from clientbook.leads.models import CODE_PREFIX, Lead

CONVERTED_BY_HAND = "A lead becomes converted only by converting it to a customer (“Convert to customer”)."
READ_ONLY = "A converted lead is kept as it was converted; change the customer instead."


def assign_code(lead: Lead, user: Any) -> None:
    lead.code = next_code(CODE_PREFIX)


def validate(lead: Lead) -> None:
    """ "Converted" is the conversion's to set, with the customer and the moment; a form or the API may not."""
    if lead.status == Lead.Status.CONVERTED and lead.converted_at is None:
        raise ValidationError({"status": CONVERTED_BY_HAND})


def may_write(user: Any, lead: Lead) -> bool:
    """Nobody changes, deletes or restores a converted lead (the system, ``user`` None, is never asked)."""
    return not lead.is_converted


def search_words(lead: Lead) -> list[str | None]:
    """Found by its code with and without the prefix, its name, e-mail and company."""
    number = lead.code[len(CODE_PREFIX) :].lstrip("0") if lead.code else ""
    return [lead.code, number, lead.name, lead.email, lead.company]


# --- Likely duplicates among customers -------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """A customer the lead is probably already, and why (``reasons``: "same e-mail", "same phone")."""

    customer: Customer
    reasons: tuple[str, ...]


def _same_email(lead: Lead) -> Iterable[tuple[Q, str]]:
    if lead.email:
        yield Q(email__iexact=lead.email), "same e-mail"


def _same_phone(lead: Lead) -> Iterable[tuple[Q, str]]:
    """Phone fields hold E.164, so equal numbers are equal however they were typed."""
    numbers = [str(number.as_e164) for number in (lead.mobile, lead.alternative_mobile) if number]
    if numbers:
        yield Q(phone__in=numbers) | Q(alt_phone__in=numbers), "same phone"


# Each rule gives the customers a lead matches and the reason. A rule on a field leads do not carry yet
# (a PAN, once leads have one) joins this list; nothing else changes.
DUPLICATE_RULES: list[Callable[[Lead], Iterable[tuple[Q, str]]]] = [_same_email, _same_phone]
MAX_DUPLICATES = 10


def likely_duplicates(lead: Lead, *, user: Any) -> list[Duplicate]:
    """The live customers ``user`` may view that match ``lead`` by any rule, most reasons first."""
    reasons: dict[int, list[str]] = {}
    found: dict[int, Customer] = {}
    for rule in DUPLICATE_RULES:
        for condition, reason in rule(lead):
            for customer in restrict(user, "view", Customer.objects.filter(condition))[:MAX_DUPLICATES]:
                found.setdefault(customer.pk, customer)
                reasons.setdefault(customer.pk, []).append(reason)
    ranked = sorted(found, key=lambda pk: (-len(reasons[pk]), found[pk].code))
    return [Duplicate(found[pk], tuple(dict.fromkeys(reasons[pk]))) for pk in ranked[:MAX_DUPLICATES]]


# --- Conversion -----------------------------------------------------------------------------------------


class AlreadyConverted(Exception):
    """The lead was converted meanwhile (a double submit, another tab): ``customer`` is what it became."""

    def __init__(self, lead: Lead) -> None:
        self.lead = lead
        self.customer = lead.customer
        became = f" to {lead.customer.code}" if lead.customer is not None else ""
        super().__init__(f"Lead {lead.code} was already converted{became}.")


class DuplicatesFound(Exception):
    """Customers the lead probably is already: the caller links one (``link_to``) or creates anyway."""

    def __init__(self, lead: Lead, duplicates: list[Duplicate]) -> None:
        self.lead = lead
        self.duplicates = duplicates
        codes = ", ".join(duplicate.customer.code for duplicate in duplicates)
        super().__init__(
            f"Lead {lead.code} looks like an existing customer ({codes}): link it to one or create anyway."
        )


@dataclass(frozen=True)
class Conversion:
    lead: Lead
    customer: Customer
    created: bool

    @property
    def message(self) -> str:
        done = "converted to new customer" if self.created else "linked to customer"
        return f"Lead {self.lead.code} {done} {self.customer.code} ({self.customer.display_name})."


def customer_values(lead: Lead) -> dict[str, Any]:
    """The new customer's fields from the lead's: a person named as the lead, its numbers, its assignee."""
    first, _, last = lead.name.strip().rpartition(" ")
    description = "\n\n".join(part for part in (f"Company: {lead.company}" if lead.company else "", lead.notes) if part)
    return {
        "kind": Customer.Kind.PERSON,
        "first_name": first,
        "last_name": last,
        "email": lead.email,
        "phone": lead.mobile,
        "alt_phone": lead.alternative_mobile,
        "officer": lead.assignee,
        "description": description,
    }


def convert(
    *,
    user: Any,
    lead: Lead,
    link_to: Customer | None = None,
    create_anyway: bool = False,
    expected_version: int | None = None,
) -> Conversion:
    """Make ``lead`` a customer, or link it to ``link_to``, in one transaction with the lead's row locked.

    Without ``link_to`` or ``create_anyway``, likely duplicates among customers refuse the conversion
    (``DuplicatesFound``), so nobody creates a second customer by mistake. The lead becomes converted
    and read-only and names the customer; a new customer names the lead (``Customer.lead``), as does a
    linked one that came from no lead yet. The lead's activities join the customer's timeline, and the
    conversion is an entry on both. ``AlreadyConverted`` when another request converted it first.
    """
    _require(user, "change", Lead)
    with transaction.atomic():
        row = trash.lock(Lead, lead.pk)
        if row.deleted_at is not None:
            raise ValidationError(f"Lead {row.code} is deleted; restore it first.")
        if row.is_converted:
            raise AlreadyConverted(row)
        versions.check(row, expected_version)
        if link_to is not None:
            _require(user, "change", Customer)
            customer = _linkable(user, link_to)
            if customer.lead_id is None:
                customer = writes.update(customer, user=user, values={"lead": row})
            created = False
        else:
            _require(user, "add", Customer)
            duplicates = [] if create_anyway else likely_duplicates(row, user=user)
            if duplicates:
                raise DuplicatesFound(row, duplicates)
            customer = customers.create_customer(user=user, **customer_values(row), lead=row)
            created = True
        moment = timezone.now()
        row = writes.update(
            row,
            user=user,
            values={"status": Lead.Status.CONVERTED, "customer": customer, "converted_at": moment},
        )
        _move_timeline(row, customer)
        # One entry naming both, so it is on the lead's timeline and the customer's.
        done = "converted to new customer" if created else "linked to customer"
        timeline.record(
            customer=customer,
            lead=row,
            type=Activity.Type.SYSTEM,
            title=f"Lead {row.code} ({row.name}) {done} {customer.code}",
            user=user,
            occurred_at=moment,
        )
    return Conversion(lead=row, customer=customer, created=created)


def _linkable(user: Any, customer: Customer) -> Customer:
    """The live customer the caller may view, locked (a customer deleted meanwhile is refused)."""
    visible = Customer.objects.filter(pk=customer.pk)
    if user is not None:
        visible = restrict(user, "view", visible)
    row = trash.lock(Customer, customer.pk) if visible.exists() else None
    if row is None or row.deleted_at is not None:
        raise ValidationError({"link_to": "That customer does not exist or was deleted."})
    return row


def _move_timeline(lead: Lead, customer: Customer) -> None:
    """The lead's entries join the customer's timeline and stay on the lead's (each change audited).

    Entries in the trash follow without an edit of their own, so a restore brings them back to both.
    """
    for activity in Activity.objects.filter(lead=lead, customer__isnull=True):
        writes.update(activity, user=None, values={"customer": customer})
    Activity.all_objects.filter(lead=lead, customer__isnull=True).update(customer=customer)


def _require(user: Any, action: str, model: type[Any]) -> None:
    if user is not None and not can(user, action, model):
        raise PermissionDenied(f"Your role may not {action} {spec_for(model).plural}.")
