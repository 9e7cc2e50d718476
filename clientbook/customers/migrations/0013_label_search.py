"""Labels get a search document (the name and its ``name_key``) and the search index over it.

Existing labels' documents are filled before the index is created, which reads them.
"""

from typing import Any

from django.db import migrations, models

from clientbook.core.listing.search import build_document
from clientbook.core.listing.search_index import CreateSearchIndex
from clientbook.customers.names import label_key

BATCH = 500


def fill_documents(apps: Any, schema_editor: Any) -> None:
    label_model = apps.get_model("customers", "Label")
    batch = []
    for label in label_model._base_manager.only("pk", "name").iterator(chunk_size=BATCH):
        label.search_document = build_document([label.name, label_key(label.name)])
        batch.append(label)
        if len(batch) >= BATCH:
            label_model._base_manager.bulk_update(batch, ["search_document"])
            batch = []
    label_model._base_manager.bulk_update(batch, ["search_document"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0012_last_name_birthday_sort_indexes")]

    operations = [
        migrations.AddField(
            model_name="label",
            name="search_document",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
        CreateSearchIndex(model_name="label"),
    ]
