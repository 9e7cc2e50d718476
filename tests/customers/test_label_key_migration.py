"""Migration 0010: every label gets its folded key, and live look-alikes are renamed, oldest kept."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("customers", "0009_fewer_indexes_written_per_row")]
AFTER = [("customers", "0011_label_key_unique_and_text_rules")]


@pytest.fixture
def before_keys() -> Iterator[Any]:
    """The app registry as of migration 0009; the schema is migrated forward again afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_forward() -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    return executor.loader.project_state(AFTER).apps


def test_keys_are_filled_and_look_alikes_renamed_oldest_first(before_keys: Any) -> None:
    label_model = before_keys.get_model("customers", "Label")
    vip = label_model.objects.create(name="VIP")
    wide = label_model.objects.create(name="ＶＩＰ", colour="danger")
    dotless = label_model.objects.create(name="VıP")
    taken = label_model.objects.create(name="VıP (2)")  # the first free suffix for dotless is then (3)
    label_model.objects.create(name="vip", deleted_at=timezone.now())  # deleted: not in the way
    gold = label_model.objects.create(name="Gold")

    apps = migrate_forward()

    label_model = apps.get_model("customers", "Label")
    stored = {label.pk: (label.name, label.name_key, label.version) for label in label_model.objects.all()}
    assert stored[vip.pk] == ("VIP", "vip", 1)
    assert stored[taken.pk] == ("VıP (2)", "vip (2)", 1)
    assert stored[wide.pk] == ("ＶＩＰ (3)", "vip (3)", 2)
    assert stored[dotless.pk] == ("VıP (4)", "vip (4)", 2)
    assert stored[gold.pk] == ("Gold", "gold", 1)
    assert label_model.objects.get(deleted_at__isnull=False).name_key == "vip"
    events = apps.get_model("core", "AuditEvent").objects.filter(object_type="customers.label").order_by("id")
    assert [(event.object_id, event.changes, event.actor_display) for event in events] == [
        (str(wide.pk), {"name": {"before": "ＶＩＰ", "after": "ＶＩＰ (3)"}}, "migration"),
        (str(dotless.pk), {"name": {"before": "VıP", "after": "VıP (4)"}}, "migration"),
    ]
    assert events[0].extra["version"] == 2


def test_a_long_name_is_cut_to_fit_its_suffix(before_keys: Any) -> None:
    label_model = before_keys.get_model("customers", "Label")
    label_model.objects.create(name="A" * 60)
    twin = label_model.objects.create(name="ａ" * 60)

    apps = migrate_forward()

    renamed = apps.get_model("customers", "Label").objects.get(pk=twin.pk).name
    assert renamed == "ａ" * 56 + " (2)"
    assert len(renamed) == 60
