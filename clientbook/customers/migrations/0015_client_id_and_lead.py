import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0014_last_activity_sort_index'),
        ('leads', '0001_initial'),
    ]

    # Nothing here may rebuild the table on SQLite, which would drop the search index's triggers (and
    # copy a million rows): Django adds a NOT NULL column by copying the table, so the client ID is
    # added by SQL both databases run in place; the rest is a nullable column, a partial unique index
    # and a verbose name.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE customers_customer ADD COLUMN client_id varchar(40) NOT NULL DEFAULT ''",
                    reverse_sql="ALTER TABLE customers_customer DROP COLUMN client_id",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name='customer',
                    name='client_id',
                    field=models.CharField(blank=True, max_length=40, verbose_name='client ID'),
                ),
            ],
        ),
        migrations.AddField(
            model_name='customer',
            name='lead',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='leads.lead'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='external_id',
            field=models.CharField(blank=True, db_index=True, max_length=100, verbose_name='external id'),
        ),
        migrations.AddConstraint(
            model_name='customer',
            constraint=models.UniqueConstraint(condition=models.Q(('client_id', ''), _negated=True), fields=('client_id',), name='customer_client_id_unique', violation_error_message='Another customer has this client ID.'),
        ),
    ]
