"""Labels get ``name_key`` (``clientbook.customers.names.label_key``): names that read the same share it.

Live labels will be unique by that key (migration 0011), where so far only the lower-cased name was:
"VIP", "ＶＩＰ" and "VıP" could live side by side. Before that constraint can exist, this migration
fills the key of every label and settles live labels that now share one: the oldest (lowest id)
keeps its name, each later one is renamed "<name> (2)", "<name> (3)" … (cut to fit 60 characters),
so no customer loses a label and an administrator can merge them by hand. Each rename bumps the
label's version and is recorded in the audit trail as an update by "migration", like any rename.
"""

from collections import defaultdict
from typing import Any

from django.db import migrations, models
from django.utils import timezone

from clientbook.customers.names import label_key

NAME_LENGTH = 60
ACTOR = "migration"


def fill_keys(apps: Any, schema_editor: Any) -> None:
    label_model = apps.get_model("customers", "Label")
    event_model = apps.get_model("core", "AuditEvent")
    live_by_key: dict[str, list[Any]] = defaultdict(list)
    for label in label_model.objects.order_by("pk").iterator():
        label.name_key = label_key(label.name)
        label.save(update_fields=["name_key"])
        if label.deleted_at is None:
            live_by_key[label.name_key].append(label)
    taken = set(live_by_key)
    for twins in live_by_key.values():
        for label in twins[1:]:
            old_name = label.name
            label.name, label.name_key = _free_name(old_name, taken)
            taken.add(label.name_key)
            label.version += 1
            label.updated_at = timezone.now()
            label.save(update_fields=["name", "name_key", "version", "updated_at"])
            event_model.objects.create(
                action="update",
                actor=None,
                actor_kind="system",
                actor_display=ACTOR,
                object_type="customers.label",
                object_id=str(label.pk),
                object_display=label.name,
                changes={"name": {"before": old_name, "after": label.name}},
                state={"name": label.name, "colour": label.colour},
                extra={"version": label.version, "reason": "Another live label's name reads the same."},
            )


def _free_name(name: str, taken: set[str]) -> tuple[str, str]:
    """``name`` with the first " (n)" suffix, from 2, whose key no live label has; and that key."""
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = name[: NAME_LENGTH - len(suffix)].rstrip() + suffix
        key = label_key(candidate)
        if key not in taken:
            return candidate, key
        number += 1


class Migration(migrations.Migration):
    dependencies = [("customers", "0009_fewer_indexes_written_per_row"), ("core", "0002_audit_event")]

    operations = [
        migrations.AddField(model_name="label", name="name_key", field=models.TextField(default="", editable=False)),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
