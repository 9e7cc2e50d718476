"""``GET /api/v1/audit`` (the audit log, read-only) and the shape of a record as of a past moment.

The whole log, with the filters of the admin page, is for administrators. Anyone who may view
an object reads that object's history with ``?object=CODE``. There is no operation that changes
or deletes an event: the router only serves GET, so any other method is answered 405.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from clientbook.api.auth import caller, requires
from clientbook.api.errors import READ_ERRORS, ErrorOut
from clientbook.api.fields import IsoDate, Text
from clientbook.api.openapi import shared_enum
from clientbook.api.pagination import (
    COUNT_IS_ESTIMATE_DESCRIPTION,
    MAX_PAGE_SIZE,
    PAGE_DESCRIPTION,
    PAGE_SIZE_DESCRIPTION,
    query_dict,
)
from clientbook.core.listing.pipeline import ListSpec, page_size_from, run_list
from clientbook.core.models import AuditEvent
from clientbook.core.permissions import can, is_admin, restrict
from clientbook.core.records import history
from clientbook.core.records.audit_log import AUDIT, object_type_choices

router = Router(tags=["audit"])

OBJECT_TYPES = [object_type for object_type, _ in object_type_choices()]


class AuditObjectOut(Schema):
    type: str = Field(description="App and model, e.g. customers.customer; empty for events about no object.")
    id: str
    code: str = Field(description="The object's code where it has one, e.g. CUST0000001.")
    display: str


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str = Field(description="The username, or the name of the system task or command.")
    actor_kind: AuditEvent.ActorKind
    action: AuditEvent.Action
    object: AuditObjectOut
    changes: dict[str, Any] = Field(
        description='Each changed field: {"field": {"before": …, "after": …}}; sensitive values are masked.'
    )
    operation_id: UUID | None = Field(description="Shared by every event of one bulk operation.")
    request_id: str | None = Field(description="Administrators only (null for others).")
    ip: str | None = Field(description="Administrators only (null for others).")
    user_agent: str | None = Field(description="Administrators only (null for others).")


class AuditPage(Schema):
    items: list[AuditEventOut]
    count: int
    page: int
    page_size: int
    count_is_estimate: bool = Field(description=COUNT_IS_ESTIMATE_DESCRIPTION)


class AuditListQuery(Schema):
    object: Text | None = Field(
        None, description="An object's code (CUST0000001): its history, for anyone who may view it."
    )
    q: Text | None = Field(None, description="Words of who acted or of the object's name, or an object's code.")
    user: Text | None = Field(None, description="The acting user's username.")
    action: AuditEvent.Action | None = None
    object_type: Text | None = Field(
        None,
        description="App and model, e.g. customers.customer.",
        json_schema_extra=shared_enum(
            "AuditObjectType",
            OBJECT_TYPES,
            [object_type.replace(".", "_") for object_type in OBJECT_TYPES],
            nullable=True,
        ),
    )
    object_code: Text | None = Field(None, description="An object's code.")
    at_after: IsoDate | None = Field(None, description="From this day on (inclusive).")
    at_before: IsoDate | None = Field(None, description="Up to this day (inclusive).")
    operation: UUID | None = Field(None, description="The events of one bulk operation.")
    sort: Literal["at", "-at"] | None = Field(
        None,
        description="By time; newest first by default.",
        json_schema_extra=shared_enum("AuditSort", ["at", "-at"], ["at", "at_desc"], nullable=True),
    )
    page: int = Field(1, ge=1, description=PAGE_DESCRIPTION)
    page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description=PAGE_SIZE_DESCRIPTION)


def _item(event: AuditEvent, *, admin: bool) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at,
        "actor": event.actor_display,
        "actor_kind": event.actor_kind,
        "action": event.action,
        "object": {
            "type": event.object_type,
            "id": event.object_id,
            "code": event.object_code,
            "display": event.object_display,
        },
        "changes": event.changes,
        "operation_id": event.operation_id,
        "request_id": event.request_id if admin else None,
        "ip": event.ip if admin else None,
        "user_agent": event.user_agent if admin else None,
    }


def _object_events(user: Any, code: str) -> models.QuerySet[AuditEvent]:
    """The events of the object with ``code``, if ``user`` may view it (administrators: also deleted ones)."""
    found = (
        AuditEvent.objects.filter(object_code__in={code.strip(), code.strip().upper()})
        .order_by()
        .values("object_type", "object_id")
        .first()
    )
    if found is None:
        raise Http404(f"No object has the code {code}.")
    if not is_admin(user):
        model = history.model_for_type(found["object_type"])
        if model is None or not can(user, "view", model):
            raise PermissionDenied("Your role may not view this object or its history.")
        if not restrict(user, "view", model._default_manager.filter(pk=found["object_id"])).exists():
            raise Http404(f"No object has the code {code}.")
    return AuditEvent.objects.filter(object_type=found["object_type"], object_id=found["object_id"]).select_related(
        "actor"
    )


@router.get(
    "",
    response={200: AuditPage, **READ_ERRORS, 422: ErrorOut},
    auth=requires(),
    operation_id="list_audit_events",
    summary="Read the audit log (the whole log: admins; one object's history: whoever may view it)",
)
def list_audit_events(request: HttpRequest, filters: Query[AuditListQuery]) -> Any:
    """Newest first. Without ``object`` this is the whole log with the filters of the Audit log page,
    for administrators only (403 otherwise). With ``object=CODE`` it is that object's history, for
    anyone who may view the object (404 when no object has that code); the other filters narrow it.
    ``request_id``, ``ip`` and ``user_agent`` are given to administrators only."""
    user = caller(request)
    admin = is_admin(user)
    spec: ListSpec = AUDIT
    if filters.object is not None:
        events = _object_events(user, filters.object)
        spec = replace(AUDIT, queryset=lambda _user: events)
    elif not admin:
        raise PermissionDenied("Only administrators may read the whole audit log; ask for one object: ?object=CODE.")
    values = filters.model_dump(exclude={"object", "page", "page_size"}, mode="json")
    size = page_size_from(filters.page_size, maximum=MAX_PAGE_SIZE)
    result = run_list(spec, user, query_dict(values), page_size=size, page_number=filters.page)
    on_page = result.page.number == filters.page
    return {
        "items": [_item(event, admin=admin) for event in result.page.object_list] if on_page else [],
        "count": result.count,
        "page": filters.page,
        "page_size": size,
        "count_is_estimate": result.count_is_estimate,
    }


# --- A record as of a moment -----------------------------------------------------------------------


class RecordAsOfOut(Schema):
    """A record as the audit trail recorded it right after its last change at or before ``as_of``."""

    code: str
    as_of: datetime = Field(description="The moment asked for.")
    recorded_at: datetime = Field(description="When the change that left the record in this state was made.")
    recorded_action: AuditEvent.Action
    record: dict[str, Any] = Field(
        description="The recorded fields, named and written as in the record's own representation "
        "(relations by username, code or name; sensitive values masked)."
    )
