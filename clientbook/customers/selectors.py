"""Reads with logic: the customer queryset every list, search, export and API call starts from,
and what the customer page shows beside the record."""

from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from clientbook.core.listing.search import TRIGRAM, apply_search, search_terms
from clientbook.core.permissions import can, restrict
from clientbook.customers.models import CODE_PREFIX, Customer, Label
from clientbook.customers.names import label_key
from clientbook.customers.tables import status_badge

# People of an organization listed on its page; "show all" leads to the filtered customer list.
MEMBERS_SHOWN = 25

FTS_TABLE = "customers_customer_fts"
# Columns with an index on live rows in list order, ``(column, id)`` (migration 0003): a page
# sorted by one of them can walk the index instead of sorting every match.
LIVE_SORT_INDEXES = frozenset(
    {
        "sort_name",
        "code",
        "kind",
        "email",
        "phone",
        "city",
        "country",
        "industry",
        "balance",
        "status",
        "created_at",
        "updated_at",
        "last_activity_at",
    }
)


def customer_queryset(user: Any) -> QuerySet[Customer]:
    """Live customers ``user`` may view, with what list rows show loaded in few queries."""
    return restrict(user, "view", Customer.objects.select_related("officer", "organization")).prefetch_related("labels")


def customer_queryset_with_deleted(user: Any) -> QuerySet[Customer]:
    """Live and deleted customers ``user`` may view (callers check that ``user`` may see deleted ones)."""
    queryset = Customer.all_objects.select_related("officer", "organization")
    return restrict(user, "view", queryset).prefetch_related("labels")


def search_customers(queryset: QuerySet[Customer], query: str, *, include_deleted: bool = False) -> QuerySet[Customer]:
    """Customers of ``queryset`` matching every term of ``query``.

    The search index holds live rows only; with ``include_deleted`` deleted rows of ``queryset``
    are matched by their document's text as well (few rows, read through their partial index).
    """
    live = apply_search(queryset, query, fts_table=FTS_TABLE, sort_indexes=LIVE_SORT_INDEXES, code_prefix=CODE_PREFIX)
    if not include_deleted:
        return live
    deleted = queryset.filter(deleted_at__isnull=False)
    for term in search_terms(query):
        deleted = deleted.filter(search_document__contains=term)
    return live.filter(deleted_at__isnull=True) | deleted


def search_subtitle(customer: Customer) -> str:
    """The line under a customer's name in search results: how to reach them and where they are."""
    # Not ``if customer.phone``: the truth of a PhoneNumber formats it after a costly validity check.
    phone = str(customer.phone) if isinstance(customer.phone, PhoneNumber) else ""
    organization = customer.organization.company_name if customer.organization_id and customer.organization else ""
    return " · ".join(part for part in (organization, customer.email, phone, customer.city) if part)


def label_queryset(user: Any) -> QuerySet[Label]:
    """Live labels ``user`` may view, each with ``customer_count``: how many live customers carry it."""
    carriers = (
        Customer.labels.through.objects.filter(label=OuterRef("pk"), customer__deleted_at__isnull=True)
        .order_by()
        .values("label")
        .annotate(count=Count("customer_id"))
        .values("count")
    )
    return restrict(user, "view", Label.objects.annotate(customer_count=Coalesce(Subquery(carriers), 0)))


def search_labels(queryset: QuerySet[Label], query: str) -> QuerySet[Label]:
    """Labels of ``queryset`` whose name contains ``query``, compared as ``label_key`` folds names
    (case, full-width forms, invisible characters), so "vip" finds "ＶＩＰ".

    Terms of three characters or more are looked up in the search index (the name and its key);
    a shorter one is read from the names (``il`` finds "Silver"), labels being few. A query longer
    than a label name can be matches nothing, without a look-up.
    """
    query = query.strip()
    if not query:
        return queryset
    if len(query) > Label._meta.get_field("name").max_length:  # type: ignore[operator]
        return queryset.none()
    if all(len(term) >= TRIGRAM for term in search_terms(query)):
        return apply_search(queryset, query)
    return queryset.filter(name_key__contains=label_key(query))


def customer_page_context(user: Any, customer: Customer) -> dict[str, Any]:
    """What the customer page shows beside the record's fields (the spec's ``page_context``)."""
    members: list[tuple[Customer, str]] = []
    member_count = 0
    if customer.kind == Customer.Kind.ORGANIZATION:
        people = customer.members.order_by("sort_name", "id")
        member_count = people.count()
        members = [
            (member, status_badge(member.status, member.get_status_display())) for member in people[:MEMBERS_SHOWN]
        ]
    return {
        # The default manager hides a soft-deleted organization; the link itself is kept.
        "organization": Customer.objects.filter(pk=customer.organization_id).first()
        if customer.organization_id
        else None,
        "labels": list(customer.labels.all()),
        "members": members,
        "member_count": member_count,
        "age": age_on(customer.birthday, timezone.localdate()) if customer.birthday else None,
        "status_badge": status_badge(customer.status, customer.get_status_display()),
        "status_before_block_label": Customer.Status(customer.status_before_block).label
        if customer.status_before_block
        else "",
        "status_choices": [choice for choice in Customer.Status.choices if choice[0] != Customer.Status.BLOCKED],
        # WhatsApp's click-to-chat link takes the number in E.164 without the plus.
        "whatsapp_url": f"https://wa.me/{customer.phone.as_e164.lstrip('+')}" if customer.phone else "",
        "customer_since": customer.account_opened_on or timezone.localdate(customer.created_at),
        "original_lead": _original_lead(user, customer),
    }


def _original_lead(user: Any, customer: Customer) -> Any:
    """The lead the customer was converted from, for a user who may view leads (else None)."""
    if customer.lead_id is None:
        return None
    lead = customer.lead
    return lead if lead is not None and can(user, "view", lead) else None


def age_on(birthday: date, today: date) -> int:
    return today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))
