"""The customers' and labels' rules and writes (docs/architecture.md, The write path).

A customer is written by the kit's write skeleton (``clientbook.core.kit.writes``), which
validates, writes, keeps the search fields in step and records the audit event inside one
transaction; the customer's own rules are the hooks here (``derive``, ``assign_code``,
``unlink_members``), and the functions below are its named writes over the skeleton. Callers pass
plain values (already parsed by a form or an API schema); a ``ValidationError`` with a per-field
message dict is raised for anything the rules refuse, and nothing is written. Imports write in
batches with the same rules (``build_customer``, ``merge_into_customer``).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Field, Model
from django.db.models.expressions import DatabaseDefault

from clientbook.activities import services as activities
from clientbook.activities.models import Activity
from clientbook.core.kit import writes
from clientbook.core.kit.spec import spec_for
from clientbook.core.models import AuditEvent
from clientbook.core.permissions import can
from clientbook.core.records import audit, bulk_insert, trash, versions
from clientbook.core.sequences import next_code, take_codes
from clientbook.customers.models import CODE_PREFIX, Customer, Label
from clientbook.customers.names import label_key, shows_something

# New labels one write may create (a customer's labels sent by name). More is a mistake or abuse:
# thousands of labels nobody chose would bury the real ones on every form and filter.
MAX_NEW_LABELS_PER_WRITE = 20
LABEL_NAME_LENGTH: int = Label._meta.get_field("name").max_length  # type: ignore[assignment]
# Names a refusal lists before it says "and N more".
NAMES_LISTED = 10
# Keys per query when looking labels up (below every database's limit of query parameters).
LOOKUP_CHUNK = 500

EDITABLE_FIELDS = (
    "kind",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "company_name",
    "email",
    "phone",
    "alt_phone",
    "gender",
    "birthday",
    "marital_status",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "language",
    "industry",
    "website",
    "description",
    "balance",
    "currency",
    "status",
    "block_reason",
    "officer",
    "organization",
    "external_id",
    "client_id",
    "account_opened_on",
    "activated_on",
)


def _require(user: Any, action: str, model: type[Model]) -> None:
    if user is not None and not can(user, action, model):
        raise PermissionDenied(f"You may not {action} {model._meta.verbose_name_plural}.")


# --- The customer's rules, called by the kit's write skeleton (clientbook.core.kit.writes) ----------


def derive(customer: Customer, before: Mapping[str, Any]) -> None:
    """Blocking keeps its reason (trimmed) and remembers the status it left; leaving the block clears both.

    A block created as such leaves "active". Recorded values put back (an undo, a revert) may bring
    back the status a block had left, which then stays.
    """
    if customer.status == Customer.Status.BLOCKED:
        left = before.get("status")
        if left != Customer.Status.BLOCKED and not customer.status_before_block:
            customer.status_before_block = left or Customer.Status.ACTIVE
        customer.block_reason = customer.block_reason.strip()
    elif before.get("status") == Customer.Status.BLOCKED:
        customer.block_reason = ""
        customer.status_before_block = ""


def record_status_change(customer: Customer, user: Any, changed: tuple[str, ...]) -> None:
    """A status change is an entry of the customer's timeline (with the block reason), in the same transaction."""
    if "status" not in changed:
        return
    previous = Customer.all_objects.filter(pk=customer.pk).values_list("status", flat=True).first()
    before = Customer.Status(previous).label if previous in Customer.Status.values else "—"
    blocked = customer.status == Customer.Status.BLOCKED
    activities.record(
        customer=customer,
        type=Activity.Type.STATUS_CHANGE,
        title=f"Status: {before} → {customer.get_status_display()}",
        description=f"Reason: {customer.block_reason}" if blocked and customer.block_reason else "",
        user=user,
    )


def assign_code(customer: Customer, user: Any) -> None:
    """The next code, taken in the write's transaction: a write that fails leaves the sequence as it was."""
    customer.code = next_code(CODE_PREFIX)


def unlink_members(organization: Customer, user: Any) -> None:
    """People of an organization purged for good lose the link, each with an audited update.

    Written directly, not as an edit: a person may be deleted, or hold values a rule made since refuses.
    """
    for person in Customer.all_objects.select_for_update().filter(organization=organization):
        before = audit.snapshot(person)
        person.organization = None
        versions.bump(person)
        person.refresh_search_fields()
        person.save(update_fields=["organization", "version", "updated_at", "sort_name", "search_document"])
        audit.record_update(person, before, user=user)


# --- Writes (thin over the skeleton; callers pass labels as Label rows) -----------------------------


def _values(fields: Mapping[str, Any], labels: Iterable[Label] | None) -> dict[str, Any]:
    return {**fields, "labels": list(labels)} if labels is not None else dict(fields)


def create_customer(*, user: Any, labels: Iterable[Label] = (), **fields: Any) -> Customer:
    """Create a customer with the next code. ``user`` None means the system (seeds, commands)."""
    label_list = list(labels)
    return writes.create(spec_for(Customer), user=user, values=_values(fields, label_list or None))  # type: ignore[no-any-return]


def update_customer(
    *,
    user: Any,
    customer: Customer,
    labels: Iterable[Label] | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> Customer:
    """Change the given fields (and labels when given); status changes keep the block rules.

    ``expected_version``: the version the caller's values were based on; if the customer has moved
    on since, ``versions.StaleVersion`` is raised and nothing is written (None: last write wins).
    """
    return writes.update(  # type: ignore[no-any-return]
        customer, user=user, values=_values(fields, labels), expected_version=expected_version
    )


def change_status(
    *, user: Any, customer: Customer, status: str, reason: str = "", expected_version: int | None = None
) -> Customer:
    """Set a status (one click on the customer page); blocking requires ``reason``."""
    if status not in Customer.Status.values:
        raise ValidationError({"status": f"Unknown status “{status}”."})
    return writes.update(  # type: ignore[no-any-return]
        customer,
        user=user,
        values={"status": status, "block_reason": reason},
        expected_version=expected_version,
        action=AuditEvent.Action.STATUS_CHANGE,
    )


def block_customer(*, user: Any, customer: Customer, reason: str) -> Customer:
    return change_status(user=user, customer=customer, status=Customer.Status.BLOCKED, reason=reason)


def unblock_customer(*, user: Any, customer: Customer, expected_version: int | None = None) -> Customer:
    """Return a blocked customer to the status it had before the block."""
    if customer.status != Customer.Status.BLOCKED:
        raise ValidationError({"status": "The customer is not blocked."})
    previous = customer.status_before_block or Customer.Status.ACTIVE
    return change_status(user=user, customer=customer, status=previous, expected_version=expected_version)


def deactivate_customer(*, user: Any, customer: Customer) -> Customer:
    return change_status(user=user, customer=customer, status=Customer.Status.INACTIVE)


def activate_customer(*, user: Any, customer: Customer) -> Customer:
    return change_status(user=user, customer=customer, status=Customer.Status.ACTIVE)


def delete_customer(*, user: Any, customer: Customer, expected_version: int | None = None) -> str:
    """Soft delete: the customer leaves lists, search and the API but keeps its code and history.

    People of a deleted organization keep the link, hidden by the default manager, so a later
    restore brings it back intact. Returns the sentence that says so (for the toast).
    """
    return writes.delete(customer, user=user, expected_version=expected_version)


def restore_customer(*, user: Any, customer: Customer) -> Customer:
    """Bring a deleted customer back exactly as it was; audited as a restore.

    A delete unlinks nothing (labels, officer, organization and the people of an organization keep
    their links, hidden while the row is deleted), so restoring clears ``deleted_at`` and rebuilds
    the search document, which puts the row back into the search index.
    """
    return writes.restore(customer, user=user)  # type: ignore[no-any-return]


def purge_customer(*, user: Any, customer: Customer) -> None:
    """Delete a customer for good (administrators only); audited as a purge.

    The audit events stay, and the code is never handed out again (the sequence only goes up).
    People who belonged to a purged organization lose that link (``unlink_members``), and its
    contacts are purged with it, each audited.
    """
    writes.purge(customer, user=user)


def labels_by_name(names: Iterable[str], *, create_missing: bool, user: Any = None) -> list[Label]:
    """The live labels of ``names`` (matched by ``label_key``, so "vip" finds "VIP"), in the order given.

    Names not found are created when ``create_missing`` (at most ``MAX_NEW_LABELS_PER_WRITE`` of
    them), else refused; either refusal is a ``ValidationError`` on ``labels`` and creates nothing.
    A name longer than a label name can be is refused before any look-up.
    """
    wanted = [name.strip() for name in names if name and name.strip()]
    too_long = [name for name in wanted if len(name) > LABEL_NAME_LENGTH]
    if too_long:
        raise ValidationError(
            {"labels": f"A label name has at most {LABEL_NAME_LENGTH} characters; too long: {_listed(too_long)}."}
        )
    by_key: dict[str, str] = {}
    for name in wanted:
        by_key.setdefault(label_key(name), name)
    found = _live_labels_by_key(by_key)
    missing = [name for key, name in by_key.items() if key not in found]
    if missing and not create_missing:
        raise ValidationError({"labels": f"Unknown label(s): {_listed(missing)}."})
    if len(missing) > MAX_NEW_LABELS_PER_WRITE:
        raise ValidationError(
            {
                "labels": f"One change may create at most {MAX_NEW_LABELS_PER_WRITE} new labels; "
                f"{len(missing):,} of these do not exist yet: {_listed(missing)}. Create them on the "
                "Labels page first, or send fewer new names at a time."
            }
        )
    for name in missing:
        try:
            found[label_key(name)] = create_label(user=user, name=name)
        except ValidationError as error:
            raise ValidationError(
                {"labels": [f"“{_listed([name])}”: {message}" for message in error.messages]}
            ) from error
    return list(dict.fromkeys(found[label_key(name)] for name in wanted))


def _live_labels_by_key(keys: Iterable[str]) -> dict[str, Label]:
    found: dict[str, Label] = {}
    wanted = list(keys)
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        for label in Label.objects.filter(name_key__in=wanted[start : start + LOOKUP_CHUNK]):
            found[label.name_key] = label
    return found


def _listed(names: Sequence[str]) -> str:
    """Names for a message: each cut to a label name's length, the first ``NAMES_LISTED`` of them."""
    shown = ", ".join(
        name if len(name) <= LABEL_NAME_LENGTH else f"{name[:LABEL_NAME_LENGTH]}… ({len(name):,} characters)"
        for name in names[:NAMES_LISTED]
    )
    return f"{shown} and {len(names) - NAMES_LISTED:,} more" if len(names) > NAMES_LISTED else shown


# --- Labels: their rules, called by the kit's write skeleton (the spec: customers.specs.LABELS) ---------
# The functions below name a label's writes as the customers' are named; each is the kit's write.


def create_label(*, user: Any, name: str, colour: str = Label.Colour.BLUE) -> Label:
    return writes.create(spec_for(Label), user=user, values={"name": name, "colour": colour})  # type: ignore[no-any-return]


def update_label(
    *,
    user: Any,
    label: Label,
    name: str | None = None,
    colour: str | None = None,
    expected_version: int | None = None,
) -> Label:
    values = {field: value for field, value in (("name", name), ("colour", colour)) if value is not None}
    return writes.update(label, user=user, values=values, expected_version=expected_version)  # type: ignore[no-any-return]


def delete_label(*, user: Any, label: Label, expected_version: int | None = None) -> None:
    """Soft-delete a label; customers stop showing it and stop being found by it."""
    writes.delete(label, user=user, expected_version=expected_version)


def restore_label(*, user: Any, label: Label) -> Label:
    """Bring a deleted label back, on every customer that carried it; refused while another live
    label reads the same (``refuse_restore_beside_twin``)."""
    return writes.restore(label, user=user)  # type: ignore[no-any-return]


def purge_label(*, user: Any, label: Label) -> None:
    """Delete a label for good (administrators only); audited as a purge."""
    trash.require_purge(user, Label)
    writes.purge(label, user=user)


def tidy_label(label: Label) -> None:
    """A name is stored trimmed (" VIP " is "VIP", no change to a label called so)."""
    label.name = label.name.strip()


def label_search_words(label: Label) -> list[str]:
    """A label is found by its name as typed and as ``label_key`` folds it ("ＶＩＰ" by "vip")."""
    return [label.name, label_key(label.name)]


def refresh_carriers(label: Label, user: Any, created: bool = False) -> None:
    """Customers are found by their labels' names: after a label is changed, deleted or restored, the
    customers carrying it get their search fields rebuilt (a new label is on no one yet)."""
    if not created:
        _refresh_documents(Customer.objects.filter(labels=label))


def refuse_restore_beside_twin(label: Label, user: Any) -> None:
    """Names are unique among live labels: a label comes back only while no live one reads the same."""
    twin = label.live_twin()
    if twin is not None:
        raise ValidationError(
            {"name": f"Another label is now called “{twin.name}”. Rename or delete that label, then restore this one."}
        )


def drop_from_carriers(label: Label, user: Any) -> None:
    """Before a live label is purged its customers drop it, so their search fields are rebuilt without it
    (a deleted label's customers were rebuilt without it when it was deleted)."""
    if label.is_deleted:
        return
    carriers = list(Customer.objects.filter(labels=label))
    Customer.labels.through.objects.filter(label=label).delete()
    _refresh_documents(carriers)


def _refresh_documents(customers: Iterable[Customer], batch_size: int = 500) -> None:
    """Rebuild the search fields of many customers in batches (after a label rename or delete)."""
    batch: list[Customer] = []
    for customer in customers:
        customer.refresh_search_fields()
        batch.append(customer)
        if len(batch) >= batch_size:
            Customer.objects.bulk_update(batch, ["search_document", "sort_name"])
            batch = []
    if batch:
        Customer.objects.bulk_update(batch, ["search_document", "sort_name"])


def revert_customer(*, user: Any, customer: Customer, event: AuditEvent, fields: list[str] | None = None) -> Customer:
    """Put ``fields`` (every differing field, when None) back to their values right after ``event``
    (administrators; ``writes.revert``): a status and its block reason go back together."""
    return writes.revert(customer, user=user, event=event, fields=fields)  # type: ignore[no-any-return]


# --- Labels (the label trash: restore and purge), balance adjustments ----------------------------------


@transaction.atomic
def adjust_balance(*, user: Any, customer: Customer, amount: Decimal, expected_version: int | None = None) -> Customer:
    """Add ``amount`` (negative: subtract) to the balance; audited as an update.

    A read-modify-write on the row locked for this transaction, so concurrent adjustments queue
    and none is lost.
    """
    _require(user, "change", Customer)
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount": "Enter an amount, e.g. 12.50."}) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": "An amount has at most 2 decimal places."})
    if not amount:
        raise ValidationError({"amount": "The amount must not be zero."})
    row = Customer.objects.select_for_update().get(pk=customer.pk)
    versions.check(row, expected_version)
    before = audit.snapshot(row)
    row.balance += amount
    row.clean_fields(exclude=[field.name for field in Customer._meta.fields if field.name != "balance"])
    versions.bump(row)
    row.save(update_fields=["balance", "version", "updated_at"])
    audit.record_update(row, before, user=user)
    return row


# --- Batches (imports) ----------------------------------------------------------------------------
# An import validates every row in Python and writes a batch in a few statements (docs/architecture.md,
# Imports): the same rules as ``create_customer`` and ``update_customer``, without a query per row.

IMPORT_LABELS = "_import_labels"
STATUS_FIELDS = ("status", "block_reason", "status_before_block")


def build_customer(*, labels: Iterable[str] = (), **fields: Any) -> Customer:
    """A new customer from imported values, validated, unsaved (``create_customers_batch`` writes it)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    customer = Customer(**fields)
    derive(customer, {})
    label_names = list(labels)
    _validate_imported(customer, fields, label_names)
    setattr(customer, IMPORT_LABELS, label_names)
    return customer


def merge_into_customer(customer: Customer, *, labels: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
    """Apply imported values to ``customer`` in memory (validated) and return the changes as a diff.

    Empty cells change nothing; imported labels are added to the customer's labels. The caller writes
    the customer with ``update_customers_batch`` when the diff is not empty.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    current_labels = getattr(customer, IMPORT_LABELS, None)
    if current_labels is None:
        current_labels = [label.name for label in customer.labels.all()] if customer.pk else []
    before = audit.snapshot(customer, many_to_many={"labels": current_labels})
    for name, value in fields.items():
        setattr(customer, name, value)
    derive(customer, before)
    label_names = list(labels)
    known = {label_key(name) for name in current_labels}
    merged_labels = [*current_labels, *(name for name in label_names if label_key(name) not in known)]
    _validate_imported(customer, fields, label_names)
    setattr(customer, IMPORT_LABELS, merged_labels)
    changes = audit.diff(before, audit.snapshot(customer, many_to_many={"labels": merged_labels}))
    if changes and customer.pk:
        versions.bump(customer)
    return changes


def _validate_imported(customer: Customer, imported: Iterable[str], label_names: Sequence[str]) -> None:
    """``customer.full_clean(exclude=["code"], validate_unique=False, validate_constraints=False)``, faster;
    and the imported ``label_names`` must show (a label of invisible characters would be refused).

    The fields the import set (``imported``) and the status fields get Django's own checks in
    Django's order (``Model.clean_fields``: conversion, choice, null and blank checks, validators),
    then ``Customer.clean`` checks the whole record, with the same errors. The other fields keep a
    new record's defaults or what a stored record holds, valid already. A choice field's value is
    looked up in a set of its choices made once, where ``Field.validate`` walks the choices for every
    row (django-countries rebuilds its 250 choices on each walk: ~1 ms a row).
    """
    checked = {*imported, *STATUS_FIELDS}
    errors: dict[str, Any] = {}
    for model_field, choices in _import_field_checks():
        if model_field.name not in checked:
            continue
        # The stored value: the country's descriptor would build a Country object to read it.
        raw = customer.__dict__[model_field.attname]
        if model_field.blank and raw in model_field.empty_values:
            continue
        if isinstance(raw, DatabaseDefault):
            continue
        try:
            setattr(customer, model_field.attname, _clean_field(model_field, choices, raw, customer))
        except ValidationError as error:
            errors[model_field.name] = error.error_list
    try:
        customer.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    invisible = [name for name in label_names if not shows_something(name)]
    if invisible:
        errors["labels"] = [f"Labels must show: {len(invisible):,} of these are only spaces or invisible characters."]
    if errors:
        raise ValidationError(errors)


@cache
def _import_field_checks() -> list[tuple[Field, frozenset[Any] | None]]:
    """Each validated field of a customer (not the code) with the set of its choices, if it has any."""
    return [
        (model_field, frozenset(key for key, _ in model_field.flatchoices) if model_field.choices is not None else None)
        for model_field in Customer._meta.fields
        if model_field.name != "code" and not model_field.generated
    ]


def _clean_field(model_field: Field, choices: frozenset[Any] | None, raw: Any, customer: Customer) -> Any:
    """``Field.clean`` (``to_python``, ``validate``, ``run_validators``), the choice looked up in ``choices``."""
    if choices is None:
        return model_field.clean(raw, customer)
    value = model_field.to_python(raw)
    if model_field.editable:
        if value not in model_field.empty_values and value not in choices:
            raise ValidationError(
                model_field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        if value is None and not model_field.null:
            raise ValidationError(model_field.error_messages["null"], code="null")
        if not model_field.blank and value in model_field.empty_values:
            raise ValidationError(model_field.error_messages["blank"], code="blank")
    model_field.run_validators(value)
    return value


def _labels_by_name(user: Any, names: Iterable[str]) -> dict[str, Label]:
    """The live labels of ``names`` by ``label_key``, creating the missing ones (audited)."""
    wanted = {label_key(name[:LABEL_NAME_LENGTH]): name[:LABEL_NAME_LENGTH] for name in names}
    found = _live_labels_by_key(wanted)
    for key, name in wanted.items():
        if key not in found:
            found[key] = create_label(user=user, name=name)
    return found


def _set_import_labels(user: Any, customers: Sequence[Customer], *, replace: bool) -> None:
    names = {name for customer in customers for name in getattr(customer, IMPORT_LABELS, [])}
    labels = _labels_by_name(user, names) if names else {}
    through = Customer.labels.through
    if replace:
        through.objects.filter(customer_id__in=[customer.pk for customer in customers]).delete()
    through.objects.bulk_create(
        [
            through(customer_id=customer.pk, label_id=labels[label_key(name[:LABEL_NAME_LENGTH])].pk)
            for customer in customers
            for name in dict.fromkeys(getattr(customer, IMPORT_LABELS, []))
        ],
        ignore_conflicts=True,
    )


@dataclass(frozen=True)
class PreparedCustomers:
    """New customers ready to be written: their database rows and their creation events' rows."""

    customers: Sequence[Customer]
    rows: bulk_insert.PreparedRows
    events: bulk_insert.PreparedRows


def prepare_customers_batch(*, user: Any, customers: Sequence[Customer]) -> PreparedCustomers:
    """Codes, search fields, database rows and creation events of customers made by ``build_customer``.

    Runs before ``create_customers_batch``'s transaction, so that an import holds the database's
    write lock only while it writes and people saving records meanwhile wait less. The codes are
    taken in a transaction of their own: a batch that then fails leaves them unused, never reused.
    The events lack only the id each customer gets when written.
    """
    _require(user, "add", Customer)
    events = []
    for customer, code in zip(customers, take_codes(CODE_PREFIX, len(customers)), strict=True):
        customer.code = code
        label_names = getattr(customer, IMPORT_LABELS, [])
        customer.refresh_search_fields(label_names)
        state = audit.snapshot(customer, many_to_many={"labels": label_names})
        events.append(audit.creation_event(customer, user=user, state=state))
    return PreparedCustomers(
        customers, bulk_insert.prepare(Customer, customers), bulk_insert.prepare(AuditEvent, events)
    )


@transaction.atomic
def create_customers_batch(*, user: Any, prepared: PreparedCustomers) -> None:
    """Write the customers ``prepare_customers_batch`` prepared, with their labels and audit events."""
    _require(user, "add", Customer)
    customers = prepared.customers
    if not customers:
        return
    bulk_insert.insert_prepared(prepared.rows)
    _set_import_labels(user, customers, replace=False)
    events = bulk_insert.replace_column(prepared.events, "object_id", [str(customer.pk) for customer in customers])
    bulk_insert.insert_prepared(events, return_pks=False)


@transaction.atomic
def update_customers_batch(*, user: Any, changed: Sequence[tuple[Customer, Mapping[str, Any]]]) -> None:
    """Write customers changed by ``merge_into_customer``, each with its diff, and their audit events."""
    _require(user, "change", Customer)
    if not changed:
        return
    customers = [customer for customer, _ in changed]
    events = []
    for customer, changes in changed:
        customer.refresh_search_fields(getattr(customer, IMPORT_LABELS, []))
        state = audit.snapshot(customer, many_to_many={"labels": getattr(customer, IMPORT_LABELS, [])})
        events.append(audit.build(AuditEvent.Action.UPDATE, customer, user=user, changes=changes, state=state))
    Customer.objects.bulk_update(customers, [*EDITABLE_FIELDS, *BATCH_BOOKKEEPING_FIELDS], batch_size=500)
    _set_import_labels(user, customers, replace=True)
    bulk_insert.insert(AuditEvent, events, return_pks=False)


BATCH_BOOKKEEPING_FIELDS = ["status_before_block", "version", "updated_at", "sort_name", "search_document"]
