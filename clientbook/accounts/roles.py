"""What each role may do, as Django permission codenames (``app_label.codename``).

The groups are created from this table by a migration and kept in step by ``sync_roles``; a
deployment can still change a group's permissions in the database without code.
"""

from clientbook.accounts.models import Role

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
    Role.ADMIN: [*WRITE_CUSTOMERS, *MANAGE_USERS],
    Role.SALES: WRITE_CUSTOMERS,
    Role.SUPPORT: READ_CUSTOMERS,
    Role.ACCOUNTING: READ_CUSTOMERS,
}

ROLE_GROUP_NAMES: dict[str, str] = {role.value: role.label for role in Role}
