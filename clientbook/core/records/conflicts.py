"""What an edit form shows when its save met a newer version (``versions.StaleVersion``).

The user sees each field changed meanwhile, its value when they opened the form and its value
now, and the form comes back with the record's current values plus the user's own changes, at the
current version: saving it again re-applies what the user changed and keeps what others changed
in the fields the user left alone. A field both changed shows both values; the user's is in the
form, so saving keeps it (they can put the other value back by hand).
"""

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from clientbook.core.records import audit, history
from clientbook.core.records.versions import StaleVersion

THEIRS, MINE, SAME = "theirs", "mine", "same"


@dataclass(frozen=True)
class ConflictField:
    """One field changed meanwhile: its value when the form was opened, now, and what the user entered."""

    name: str
    label: str
    before: str
    theirs: str
    mine: str
    kept: str  # THEIRS: the form now holds their value; MINE: it holds the user's; SAME: both agree

    @property
    def keeps_mine(self) -> bool:
        return self.kept == MINE


@dataclass(frozen=True)
class Conflict:
    """The refusal as a form shows it; ``mine`` are the user's own changes to put back into the form."""

    fields: list[ConflictField]
    actors: list[str]
    current_version: int
    mine: dict[str, Any] = field(default_factory=dict)

    @property
    def by(self) -> str:
        return ", ".join(self.actors) if self.actors else "someone else"


def resolve(current: models.Model, stale: StaleVersion, submitted: Mapping[str, Any]) -> Conflict:
    """Compare the user's ``submitted`` values (as the form cleaned them) with the record at their version.

    ``current`` is the record as stored now. Without the record at the user's version (an old
    history) every submitted value counts as the user's change.
    """
    formatter = history.ValueFormatter(type(current))
    recorded = _recorded(current, submitted)
    base = stale.base_state
    model = type(current)
    mine = {
        name: value
        for name, value in submitted.items()
        if name in recorded and (base is None or not _same(model, name, recorded[name], base.get(name)))
    }
    rows = []
    for name, change in stale.changed_fields.items():
        theirs = change.get("after")
        if name not in mine:
            kept = THEIRS
        elif _same(model, name, recorded[name], theirs):
            kept = SAME
        else:
            kept = MINE
        rows.append(
            ConflictField(
                name=name,
                label=formatter.label(name),
                before=formatter.text(name, change.get("before")),
                theirs=formatter.text(name, theirs),
                mine=formatter.text(name, recorded[name]) if name in mine else "",
                kept=kept,
            )
        )
    order = {name: index for index, name in enumerate(audit.spec_for(model).fields)}
    rows.sort(key=lambda row: order.get(row.name, len(order)))
    return Conflict(fields=rows, actors=stale.actors, current_version=stale.current_version, mine=mine)


def _recorded(current: models.Model, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` written the way the audit trail records them (so they compare with recorded states)."""
    spec = audit.spec_for(type(current))
    probe = copy.copy(current)  # a copy: the stored record itself is never touched
    many: dict[str, Any] = {}
    for name, value in values.items():
        if name not in spec.fields:
            continue
        if current._meta.get_field(name).many_to_many:
            key = spec.natural_keys.get(name) or "pk"
            many[name] = sorted(str(getattr(item, key)) for item in value or [])
        else:
            setattr(probe, name, value)
    snapshot = audit.snapshot(probe)
    return {name: many[name] if name in many else snapshot[name] for name in values if name in spec.fields}


def _same(model: type[models.Model], name: str, first: Any, second: Any) -> bool:
    """Equal as recorded values: blanks alike, label lists in any order, amounts ``12.5`` and ``12.50`` alike."""
    first, second = _normalised(first), _normalised(second)
    if first == second:
        return True
    if isinstance(model._meta.get_field(name), models.DecimalField) and None not in (first, second):
        try:
            return Decimal(str(first)) == Decimal(str(second))
        except InvalidOperation:
            return False
    return False


def _normalised(value: Any) -> Any:
    if value in history.EMPTY_VALUES:
        return None
    return sorted(value) if isinstance(value, list) else value


def summary(model: type[models.Model], stale: StaleVersion) -> str:
    """One sentence for a refusal without a form: who changed the record meanwhile, and what is now."""
    formatter = history.ValueFormatter(model)
    order = {name: index for index, name in enumerate(audit.spec_for(model).fields)}
    names = sorted(stale.changed_fields, key=lambda name: order.get(name, len(order)))
    changes = "; ".join(
        f"{formatter.label(name)} is now {formatter.text(name, stale.changed_fields[name].get('after'))}"
        for name in names
    )
    who = ", ".join(stale.actors) or "Someone else"
    noun = model._meta.verbose_name
    return f"{who} changed this {noun} meanwhile" + (f": {changes}." if changes else ".")
