"""The audit log as a list of the shared pipeline: its filters, its table and its ``ListSpec``.

One FilterSet serves the admin page, its CSV export and ``GET /api/v1/audit``, so the three always
agree on which events a filter selects. Only administrators read the whole log: the queryset is
empty for anyone else, whatever asks for it.
"""

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from clientbook.core.listing.pipeline import ListSpec, register
from clientbook.core.models import AuditEvent, BulkOperation
from clientbook.core.permissions import is_admin
from clientbook.core.records import audit, history

CHANGES_SHOWN = 3


def audit_queryset(user: Any) -> QuerySet[AuditEvent]:
    """Every event for an administrator, none for anyone else."""
    if not is_admin(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor")


def object_type_choices() -> list[tuple[str, str]]:
    """The kinds of object events are about: every audited model, and users (logins, roles, tokens)."""
    models = {*audit.registered_models(), get_user_model()}
    return sorted(
        ((audit.object_type(model), str(capfirst(model._meta.verbose_name))) for model in models),
        key=lambda choice: choice[1],
    )


def object_type_label(object_type: str) -> str:
    model = history.model_for_type(object_type) if object_type else None
    return str(capfirst(model._meta.verbose_name)) if model is not None else object_type


class DayBoundFilter(django_filters.DateFilter):
    """A date bound on a timestamp: ``after`` from the day's start, ``before`` to the day's end."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        bound = time.min if self.lookup_expr == "gte" else time.max
        moment = timezone.make_aware(datetime.combine(value, bound))
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": moment})


class AuditEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    user = django_filters.ModelChoiceFilter(
        field_name="actor",
        to_field_name="username",
        queryset=get_user_model().objects.order_by("username"),
        label="User",
    )
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices, label="Action")
    object_type = django_filters.ChoiceFilter(choices=object_type_choices, label="Object type")
    object_code = django_filters.CharFilter(method="filter_object_code", label="Object code")
    at_after = DayBoundFilter(field_name="at", lookup_expr="gte", label="Date from")
    at_before = DayBoundFilter(field_name="at", lookup_expr="lte", label="Date to")
    operation = django_filters.UUIDFilter(field_name="operation_id", label="Operation id")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Words of who acted or what the object is called, or an object's exact code."""
        for term in value.split():
            queryset = queryset.filter(
                Q(object_code=term.upper()) | Q(object_display__icontains=term) | Q(actor_display__icontains=term)
            )
        return queryset

    def filter_object_code(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Codes are upper case (CUST0000001), a user's code is their username as written.
        code = value.strip()
        return queryset.filter(object_code__in={code, code.upper()}) if code else queryset


def changes_text(event: AuditEvent, formatters: dict[str, history.ValueFormatter | None]) -> list[str]:
    """``Field: before → after`` for each change, in the model's words when it is still audited."""
    if event.object_type not in formatters:
        model = history.model_for_type(event.object_type)
        formatters[event.object_type] = (
            history.ValueFormatter(model) if model is not None and model in audit.registered_models() else None
        )
    return [
        f"{change.label}: {change.before} → {change.after}"
        for change in history.describe_changes(event, formatters[event.object_type])
    ]


def object_history_url(event: AuditEvent) -> str:
    """The History page of the event's object, where that object type has one."""
    if not event.object_code:
        return ""
    app_label, _, model_name = event.object_type.partition(".")
    try:
        return reverse(f"{app_label}:{model_name}_history", kwargs={"code": event.object_code})
    except NoReverseMatch:
        return ""


class AuditEventTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name="When", format="Y-m-d H:i:s", attrs={"td": {"class": "text-nowrap"}})
    actor = tables.Column(accessor="actor_display", verbose_name="Who", orderable=False)
    action = tables.Column(verbose_name="Action", orderable=False)
    object_type = tables.Column(verbose_name="Object type", orderable=False)
    object = tables.Column(accessor="object_code", verbose_name="Object", orderable=False, empty_values=())
    changes = tables.Column(accessor="pk", verbose_name="Changes", orderable=False)
    ip = tables.Column(verbose_name="IP address", orderable=False)
    request_id = tables.Column(verbose_name="Request id", orderable=False)
    user_agent = tables.Column(verbose_name="User agent", orderable=False)
    operation_id = tables.Column(verbose_name="Operation", orderable=False)

    class Meta:
        model = AuditEvent
        fields = ()
        sequence = (
            "at",
            "actor",
            "action",
            "object_type",
            "object",
            "changes",
            "ip",
            "request_id",
            "user_agent",
            "operation_id",
        )
        attrs = {"class": "table table-sm align-middle mb-0 audit-table"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._formatters: dict[str, history.ValueFormatter | None] = {}
        self._operation_urls: dict[Any, str] | None = None
        self._operation_descriptions: dict[Any, str] = {}

    def operation_url(self, event: AuditEvent) -> str:
        """The page of the bulk operation the event belongs to (with its Undo), where there is one.

        An import that wrote nothing has an operation id but no operation; one query per page finds
        which of the page's ids have one.
        """
        if self._operation_urls is None:
            ids = {row.operation_id for row in self.data if row.operation_id}
            existing = BulkOperation.objects.filter(pk__in=ids).values_list("pk", "description") if ids else []
            self._operation_urls = {pk: reverse("operations:operation_detail", args=[pk]) for pk, _ in existing}
            self._operation_descriptions = dict(existing)
        return self._operation_urls.get(event.operation_id, "") if event.operation_id else ""

    def render_actor(self, value: str, record: AuditEvent) -> str:
        name = history.actor_text(record)
        if record.actor_kind == AuditEvent.ActorKind.USER:
            return format_html('<span title="{}">{}</span>', value, name)
        return format_html(
            '{} <span class="badge text-bg-light border">{}</span>', name, record.get_actor_kind_display()
        )

    def render_action(self, record: AuditEvent) -> str:
        action = format_html('<span data-action="{}">{}</span>', record.action, record.get_action_display())
        url = self.operation_url(record)
        if not url:
            return action
        return format_html(
            '{} <a class="badge text-bg-light border operation-link" href="{}" title="{}" data-testid="operation-link">'
            '<i class="bi bi-collection" aria-hidden="true"></i> bulk operation</a>',
            action,
            url,
            f"Part of “{self._operation_descriptions.get(record.operation_id, '')}”: see all its rows, or undo it",
        )

    def render_operation_id(self, value: Any, record: AuditEvent) -> str:
        url = self.operation_url(record)
        return format_html('<a class="font-monospace" href="{}">{}</a>', url, value) if url else str(value)

    def render_object_type(self, value: str) -> str:
        return object_type_label(value)

    def render_object(self, record: AuditEvent) -> str:
        url = object_history_url(record)
        code = format_html('<a href="{}">{}</a>', url, record.object_code) if url else record.object_code
        # Objects often name themselves with their code ("Ada Lovelace (CUST0000001)"); say it once.
        display = record.object_display.removesuffix(f" ({record.object_code})") if code else record.object_display
        if code and display:
            return format_html('<span class="font-monospace">{}</span> {}', code, display)
        return format_html("{}", code or display or "—")

    def render_changes(self, record: AuditEvent) -> str:
        lines = changes_text(record, self._formatters)
        if not lines:
            return ""
        shown = format_html_join("", '<li class="text-break">{}</li>', ((line,) for line in lines[:CHANGES_SHOWN]))
        more = len(lines) - CHANGES_SHOWN
        if more > 0:
            shown += format_html('<li class="text-body-secondary">and {} more</li>', more)
        return format_html('<ul class="list-unstyled small mb-0">{}</ul>', shown)


AUDIT = register(
    ListSpec(
        key="audit",
        model=AuditEvent,
        queryset=audit_queryset,
        filterset=AuditEventFilterSet,
        table=AuditEventTable,
        sort_fields={"at": ("at",)},
        default_sort="-at",
        default_columns=("at", "actor", "action", "object_type", "object", "changes", "ip"),
        url_namespace="audit",
        title="Audit log",
    )
)


def filter_values(params: Mapping[str, Any]) -> dict[str, str]:
    """The filters of a request that select events (for the export's own audit event)."""
    return {name: str(params[name]) for name in AuditEventFilterSet.base_filters if params.get(name)}
