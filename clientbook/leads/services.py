"""The leads' rules, run as the kit's hooks, and the conversion of a lead into a customer.

A lead is written by the kit's write skeleton like every model; converting it is one transaction
with the lead's row locked (``convert``), so a double submit, two tabs or two API calls at once
give exactly one customer: the second finds the lead converted and is told which customer it became.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, cast

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
from clientbook.core.sensitive import EncryptedField, exact_condition
from clientbook.core.sequences import next_code
from clientbook.customers import kyc
from clientbook.customers import services as customers
from clientbook.customers.models import Customer
from clientbook.leads.models import CODE_PREFIX, Lead

CONVERTED_BY_HAND = "A lead becomes converted only by converting it to a customer (“Convert to customer”)."
READ_ONLY = "A converted lead is kept as it was converted; change the customer instead."
# Giving a PAN runs the duplicate check by it, which would tell whether some customer has that PAN:
# only who may see customers' PANs may give one (refused whatever the value, so the answer is no oracle).
PAN_NOT_ALLOWED = (
    "Only users who may view customers' sensitive data can give a PAN when converting; "
    "add it on the customer afterwards."
)
PAN_NOT_WHEN_LINKING = "A linked customer keeps its own PAN: give a PAN only to create a new customer."


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
    """A customer the lead is probably already, and why (``reasons``: "same e-mail", "same phone", "same PAN")."""

    customer: Customer
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """The customer a conversion would create: the lead, and what the converter adds to it (a PAN, compact)."""

    lead: Lead
    pan: str = ""


def _same_email(candidate: Candidate) -> Iterable[tuple[Q, str]]:
    if candidate.lead.email:
        yield Q(email__iexact=candidate.lead.email), "same e-mail"


def _same_phone(candidate: Candidate) -> Iterable[tuple[Q, str]]:
    """Phone fields hold E.164, so equal numbers are equal however they were typed."""
    lead = candidate.lead
    numbers = [str(number.as_e164) for number in (lead.mobile, lead.alternative_mobile) if number]
    if numbers:
        yield Q(phone__in=numbers) | Q(alt_phone__in=numbers), "same phone"


def _same_pan(candidate: Candidate) -> Iterable[tuple[Q, str]]:
    """By the keyed digest: no PAN is decrypted, and the reason never names the value."""
    condition = exact_condition(_pan_field(), candidate.pan) if candidate.pan else None
    if condition is not None:
        yield condition, "same PAN"


# Each rule gives the customers a candidate matches and the reason; a rule on another field joins this list.
DUPLICATE_RULES: list[Callable[[Candidate], Iterable[tuple[Q, str]]]] = [_same_email, _same_phone, _same_pan]
MAX_DUPLICATES = 10


def likely_duplicates(lead: Lead, *, user: Any, pan: str = "") -> list[Duplicate]:
    """The live customers ``user`` may view that match ``lead`` (with ``pan`` when given) by any rule,
    most reasons first. ``pan`` is refused as ``convert`` refuses it (``ValidationError`` on ``pan``)."""
    candidate = Candidate(lead, given_pan(user, pan))
    reasons: dict[int, list[str]] = {}
    found: dict[int, Customer] = {}
    for rule in DUPLICATE_RULES:
        for condition, reason in rule(candidate):
            for customer in restrict(user, "view", Customer.objects.filter(condition))[:MAX_DUPLICATES]:
                found.setdefault(customer.pk, customer)
                reasons.setdefault(customer.pk, []).append(reason)
    ranked = sorted(found, key=lambda pk: (-len(reasons[pk]), found[pk].code))
    return [Duplicate(found[pk], tuple(dict.fromkeys(reasons[pk]))) for pk in ranked[:MAX_DUPLICATES]]


def may_give_pan(user: Any) -> bool:
    """Whether ``user`` may give the new customer's PAN at conversion (the system, None, may)."""
    return user is None or can(user, "view_sensitive", Customer)


def given_pan(user: Any, pan: str) -> str:
    """``pan`` compact and checked as the customer's PAN ("" when not given).

    Refused on ``pan`` for a user who may not see PANs, whatever the value, before it is looked at.
    """
    if not pan or not pan.strip():
        return ""
    if not may_give_pan(user):
        raise ValidationError({"pan": PAN_NOT_ALLOWED})
    compact = kyc.PAN.compact(pan.strip())
    try:
        kyc.PAN.validate(compact)
    except ValidationError as error:
        raise ValidationError({"pan": error.messages}) from None
    return compact


def _pan_field() -> EncryptedField:
    return cast(EncryptedField, Customer._meta.get_field("pan"))


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
    known_duplicates: Collection[str] = (),
    pan: str = "",
    expected_version: int | None = None,
) -> Conversion:
    """Make ``lead`` a customer, or link it to ``link_to``, in one transaction with the lead's row locked.

    Without ``link_to`` or ``create_anyway``, likely duplicates among customers refuse the conversion
    (``DuplicatesFound``), so nobody creates a second customer by mistake; ``known_duplicates`` are the
    codes of those the caller was shown and chose not to link to, which then do not refuse it (any
    other does). ``pan``: the new customer's PAN, also looked for among customers; only for who may
    see PANs (``given_pan``), and not when linking. The lead becomes converted and read-only and names
    the customer; a new customer names the lead (``Customer.lead``), as does a linked one that came
    from no lead yet. The lead's activities join the customer's timeline, and the conversion is an
    entry on both. ``AlreadyConverted`` when another request converted it first.
    """
    _require(user, "change", Lead)
    pan = given_pan(user, pan)
    if pan and link_to is not None:
        raise ValidationError({"pan": PAN_NOT_WHEN_LINKING})
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
            duplicates = [] if create_anyway else likely_duplicates(row, user=user, pan=pan)
            if any(duplicate.customer.code not in known_duplicates for duplicate in duplicates):
                raise DuplicatesFound(row, duplicates)
            customer = customers.create_customer(user=user, **customer_values(row), pan=pan, lead=row)
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
