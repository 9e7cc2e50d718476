"""Live labels unique by ``name_key`` (filled by 0010); names must show; descriptions up to 10,000 characters.

The new constraint replaces the one on the lower-cased name, which it covers. The validators and the
description's ``max_length`` change no column (a text column has no length), so they change the
state only: on SQLite an ``AlterField`` rebuilds the table, which would drop the search triggers.
"""

import django.core.validators
from django.db import migrations, models

import clientbook.customers.names


def _visible_name(max_length: int) -> models.CharField:
    return models.CharField(blank=True, max_length=max_length, validators=[clientbook.customers.names.validate_visible])


class Migration(migrations.Migration):
    dependencies = [("customers", "0010_label_name_key")]

    operations = [
        migrations.RemoveConstraint(model_name="label", name="unique_live_label_name"),
        migrations.AddConstraint(
            model_name="label",
            constraint=models.UniqueConstraint(
                condition=models.Q(("deleted_at__isnull", True)), fields=("name_key",), name="unique_live_label_key"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="label",
                    name="name",
                    field=models.CharField(max_length=60, validators=[clientbook.customers.names.validate_visible]),
                ),
                migrations.AlterField(model_name="customer", name="first_name", field=_visible_name(100)),
                migrations.AlterField(model_name="customer", name="middle_name", field=_visible_name(100)),
                migrations.AlterField(model_name="customer", name="last_name", field=_visible_name(100)),
                migrations.AlterField(model_name="customer", name="company_name", field=_visible_name(200)),
                migrations.AlterField(
                    model_name="customer",
                    name="description",
                    field=models.TextField(
                        blank=True,
                        max_length=10000,
                        validators=[
                            django.core.validators.MaxLengthValidator(
                                10000,
                                message="A description has at most 10,000 characters (this one has %(show_value)s).",
                            )
                        ],
                    ),
                ),
            ]
        ),
    ]
