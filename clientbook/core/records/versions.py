"""Versions against lost updates (docs/architecture.md): every editable record carries ``version``.

A write states the version it was based on (``expected_version``: the edit form's hidden field, the
API's ``If-Match``) and the service compares it with the stored one on the row it has locked
(``select_for_update`` inside its transaction), so two writers based on the same version can never
both succeed. Leaving ``expected_version`` out means "last write wins".

Every audit event of a versioned record carries the version the change produced
(``extra["version"]``, written by ``clientbook.core.records.audit.record``). That is how a refusal tells
which fields changed since the writer's version, to what, and who changed them.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models
from django.utils import timezone

from clientbook.core.models import AuditEvent
from clientbook.core.records import audit, history


class StaleVersion(Exception):
    """The record moved on since ``expected_version``; nothing was written.

    ``changed_fields`` maps each field changed meanwhile to ``{"before": …, "after": …}`` (values as
    the audit trail records them: plain JSON, relations by natural key). ``base_state`` is the whole
    record as it was at ``expected_version`` when the trail has it, else None. ``actors`` are the
    names of whoever changed it meanwhile, oldest first.
    """

    def __init__(
        self,
        current_version: int,
        changed_fields: Mapping[str, Mapping[str, Any]],
        *,
        expected_version: int | None = None,
        base_state: Mapping[str, Any] | None = None,
        actors: Sequence[str] = (),
    ) -> None:
        self.current_version = current_version
        self.changed_fields = {name: dict(change) for name, change in changed_fields.items()}
        self.expected_version = expected_version
        self.base_state = dict(base_state) if base_state is not None else None
        self.actors = list(actors)
        super().__init__(str(self))

    def __str__(self) -> str:
        names = ", ".join(self.changed_fields)
        changed = f" ({names} changed)" if names else ""
        return (
            f"The record was changed by someone else after you read it{changed}; it is now at version "
            f"{self.current_version}."
        )


def bump(obj: models.Model) -> None:
    """Mark ``obj`` as changed: the next version and a new ``updated_at`` (the caller saves)."""
    obj.version += 1  # type: ignore[attr-defined]
    obj.updated_at = timezone.now()  # type: ignore[attr-defined]


def check(obj: models.Model, expected_version: int | None) -> None:
    """Raise ``StaleVersion`` unless ``obj`` (locked by the caller) is still at ``expected_version``."""
    if expected_version is None or obj.version == expected_version:  # type: ignore[attr-defined]
        return
    raise stale(obj, expected_version)


def stale(obj: models.Model, expected_version: int) -> StaleVersion:
    """What changed on ``obj`` since ``expected_version``, read from its audit trail."""
    events = list(
        audit.events_for(obj).filter(extra__version__gte=expected_version).order_by("at", "id").select_related("actor")
    )
    base_state = next(
        (
            event.state
            for event in reversed(events)
            if event.extra.get("version") == expected_version and event.state is not None
        ),
        None,
    )
    later = [event for event in events if (event.extra.get("version") or 0) > expected_version]
    changed = audit.diff(base_state, audit.snapshot(obj)) if base_state is not None else _merged_changes(later)
    return StaleVersion(
        obj.version,  # type: ignore[attr-defined]
        changed,
        expected_version=expected_version,
        base_state=base_state,
        actors=list(dict.fromkeys(history.actor_text(event) for event in later)),
    )


def _merged_changes(events: Sequence[AuditEvent]) -> dict[str, dict[str, Any]]:
    """Each field's value before the first and after the last of ``events``; unchanged ones left out."""
    merged: dict[str, dict[str, Any]] = {}
    for event in events:
        for name, change in (event.changes or {}).items():
            if name in merged:
                merged[name]["after"] = change.get("after")
            else:
                merged[name] = {"before": change.get("before"), "after": change.get("after")}
    return {name: change for name, change in merged.items() if change["before"] != change["after"]}
