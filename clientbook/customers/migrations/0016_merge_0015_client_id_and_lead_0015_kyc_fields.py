from django.db import migrations


class Migration(migrations.Migration):
    """Joins the two 0015 migrations: the client ID and lead link, and the KYC fields."""

    dependencies = [
        ("customers", "0015_client_id_and_lead"),
        ("customers", "0015_kyc_fields"),
    ]

    operations = []
