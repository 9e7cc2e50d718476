from django.db import migrations


class Migration(migrations.Migration):
    """Joins the two 0003 migrations: an activity's lead and its ticket."""

    dependencies = [
        ("activities", "0003_activity_lead"),
        ("activities", "0003_activity_ticket"),
    ]

    operations = []
