"""PAN and Aadhaar: encrypted columns, their keyed hashes (indexed) and last four characters.

The columns are added with ``ALTER TABLE … ADD COLUMN`` rather than Django's ``AddField``, which on
SQLite copies the whole table for a column with a default (and drops the search triggers with it).
The right to see them unmasked goes to the Admin group where it already exists.
"""

from django.db import migrations, models

import clientbook.core.sensitive

TABLE = "customers_customer"
COLUMNS = (
    ("pan_digest", "varchar(64)"),
    ("pan_last4", "varchar(4)"),
    ("pan", "text"),
    ("aadhaar_digest", "varchar(64)"),
    ("aadhaar_last4", "varchar(4)"),
    ("aadhaar", "text"),
)
PERMISSION = ("view_sensitive_customer", "Can view sensitive data (PAN, Aadhaar) of customers")


def grant_to_admins(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    admins = Group.objects.filter(name="Admin").first()
    if admins is None:
        return  # a new database: the role groups are created after migrate with the permission
    content_type, _ = ContentType.objects.get_or_create(app_label="customers", model="customer")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=PERMISSION[0], defaults={"name": PERMISSION[1]}
    )
    admins.permissions.add(permission)


def _field(name):
    if name in ("pan", "aadhaar"):
        return clientbook.core.sensitive.EncryptedField(
            blank=True, default="", kind=name, verbose_name=name.upper() if name == "pan" else "Aadhaar"
        )
    return models.CharField(blank=True, default="", editable=False, max_length=64 if name.endswith("digest") else 4)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0014_last_activity_sort_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="customer",
            options={"ordering": ["sort_name", "id"], "permissions": [PERMISSION]},
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE {TABLE} ADD COLUMN {name} {kind} NOT NULL DEFAULT ''",
                    f"ALTER TABLE {TABLE} DROP COLUMN {name}",
                )
                for name, kind in COLUMNS
            ],
            state_operations=[
                migrations.AddField(model_name="customer", name=name, field=_field(name)) for name, _ in COLUMNS
            ],
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(
                condition=models.Q(("pan_digest", ""), _negated=True),
                fields=["pan_digest"],
                name="customer_pan_digest",
            ),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(
                condition=models.Q(("aadhaar_digest", ""), _negated=True),
                fields=["aadhaar_digest"],
                name="customer_aadhaar_digest",
            ),
        ),
        migrations.RunPython(grant_to_admins, migrations.RunPython.noop),
    ]
