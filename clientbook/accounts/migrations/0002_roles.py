"""Create the role groups (Admin, Sales, Support, Accounting) with their permissions."""

from django.db import migrations


def create_roles(apps, schema_editor):  # type: ignore[no-untyped-def]
    from django.contrib.auth.management import create_permissions

    from clientbook.accounts.roles import ROLE_GROUP_NAMES, ROLE_PERMISSIONS

    # Permissions are normally created after all migrations ran; create them now so the groups
    # can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=ROLE_GROUP_NAMES[role])
        permissions = [
            permission_model.objects.get(content_type__app_label=name.split(".")[0], codename=name.split(".")[1])
            for name in codenames
        ]
        group.permissions.set(permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("customers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
