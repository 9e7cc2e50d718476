"""What each role may do, as Django permission codenames (``app_label.codename``).

``create_missing_role_groups`` runs after every ``migrate`` (and after the flush between
transactional tests): a missing group is created with these permissions, an existing one is left
alone, so a deployment can still change a group's permissions in the database without code.
"""

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

from clientbook.accounts.models import Role
from clientbook.core.kit.spec import role_permissions

READ_CUSTOMERS = ["customers.view_customer", "customers.view_label"]
WRITE_CUSTOMERS = [
    *READ_CUSTOMERS,
    "customers.add_customer",
    "customers.change_customer",
    "customers.delete_customer",
    "customers.add_label",
    "customers.change_label",
    "customers.delete_label",
]
MANAGE_USERS = [
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "accounts.view_apitoken",
    "accounts.delete_apitoken",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: [*WRITE_CUSTOMERS, *MANAGE_USERS, "facility.record_manual_exit"],
    Role.SALES: WRITE_CUSTOMERS,
    Role.SUPPORT: READ_CUSTOMERS,
    Role.ACCOUNTING: READ_CUSTOMERS,
    # Vehicles, cards, zones, devices and the gate's events come from the facility's specs.
    Role.FACILITY: [*READ_CUSTOMERS, "facility.record_manual_exit"],
}

ROLE_GROUP_NAMES: dict[str, str] = {role.value: role.label for role in Role}


def create_missing_role_groups(using: str = DEFAULT_DB_ALIAS, apps: Any = global_apps, **kwargs: Any) -> None:
    """``post_migrate`` receiver: create each role group that does not exist yet."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    # Django creates permissions app by app in this same signal; the groups need all of them now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    for role, names in ROLE_PERMISSIONS.items():
        group, created = group_model.objects.using(using).get_or_create(name=ROLE_GROUP_NAMES[role])
        if created:
            pairs = [name.split(".", 1) for name in [*names, *role_permissions(role)]]
            group.permissions.set(
                [
                    permission_model.objects.using(using).get(content_type__app_label=app, codename=codename)
                    for app, codename in pairs
                ]
            )
