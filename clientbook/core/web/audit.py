"""The audit log pages for administrators: the list (the shared list page) and its CSV export.

Both only read. No page, API operation or admin site changes or deletes an event: the model
and the database refuse it too (``clientbook.core.models.AuditEvent``).
"""

import json
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_safe

from clientbook.core.exports.formats import tabular as export_formats
from clientbook.core.exports.formats.tabular import neutralise_formula
from clientbook.core.listing.pipeline import InvalidListQuery, filtered_queryset, order_by_for
from clientbook.core.models import AuditEvent
from clientbook.core.permissions import is_admin
from clientbook.core.records import audit
from clientbook.core.records.audit_log import AUDIT, filter_values
from clientbook.core.web.lists import SpecListView

CSV_COLUMNS = (
    "at",
    "actor",
    "actor_kind",
    "action",
    "object_type",
    "object_id",
    "object_code",
    "object_display",
    "changes",
    "ip",
    "user_agent",
    "request_id",
    "token_id",
    "operation_id",
)
EXPORT_BATCH = 2_000


def require_admin(request: HttpRequest) -> None:
    if not is_admin(request.user):
        raise PermissionDenied("Only administrators may read the audit log.")


class AuditLogView(SpecListView):
    """The shared list page over the audit log, for administrators only.

    The role rule replaces the list's usual "view" model permission: no role holds a permission on
    audit events, and the log is the administrators'.
    """

    spec = AUDIT

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require_admin(request)
        return View.dispatch(self, request, *args, **kwargs)

    def get_template_names(self) -> list[str]:
        return ["core/audit_list.html", self.template_name]


audit_log = AuditLogView.as_view()


def csv_row(event: AuditEvent) -> list[str]:
    values = {
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": event.actor_display,
        "actor_kind": event.actor_kind,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_code": event.object_code,
        "object_display": event.object_display,
        "changes": json.dumps(event.changes, ensure_ascii=False, sort_keys=True) if event.changes else "",
        "ip": event.ip or "",
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "token_id": "" if event.token_id is None else str(event.token_id),
        "operation_id": str(event.operation_id) if event.operation_id else "",
    }
    return [neutralise_formula(values[column]) for column in CSV_COLUMNS]


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    return export_formats.csv_lines(CSV_COLUMNS, (csv_row(event) for event in events))


@require_safe
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered events (the page's filters and order) as CSV, streamed; the export is audited."""
    require_admin(request)
    try:
        queryset, _ = filtered_queryset(AUDIT, request.user, request.GET)
        sort, ordering = order_by_for(AUDIT, request.GET.get("sort") or None)
    except InvalidListQuery:
        # The list page shows each refused filter next to its field.
        return HttpResponseRedirect(f"{reverse('audit:event_list')}?{request.GET.urlencode()}")
    filters = filter_values(request.GET)
    audit.record(
        AuditEvent.Action.EXPORT,
        user=request.user,
        object_label="Audit log",
        extra={"format": "csv", "filters": filters, "sort": sort},
    )
    events = queryset.order_by(*ordering).iterator(chunk_size=EXPORT_BATCH)
    response = StreamingHttpResponse(csv_lines(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
