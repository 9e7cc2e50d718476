"""Registrations of the customer app with the shared pipeline."""

from django.urls import reverse

from clientbook.core.listing.pipeline import BulkAction, ListSpec, RowAction, register
from clientbook.core.records import audit, bulk, trash
from clientbook.customers.exports import CUSTOMER_EXPORT_FIELDS
from clientbook.customers.filters import CustomerFilterSet
from clientbook.customers.models import Customer, Label
from clientbook.customers.selectors import customer_queryset
from clientbook.customers.services import (
    EDITABLE_FIELDS,
    apply_recorded_values,
    purge_customer,
    purge_label,
    restore_customer,
    restore_label,
)
from clientbook.customers.tables import CustomerTable

CUSTOMERS = register(
    ListSpec(
        key="customers",
        model=Customer,
        queryset=customer_queryset,
        filterset=CustomerFilterSet,
        table=CustomerTable,
        sort_fields={
            "code": ("code",),
            "name": ("sort_name",),
            "last_name": ("last_name",),
            "birthday": ("birthday",),
            "kind": ("kind",),
            "email": ("email",),
            "phone": ("phone",),
            "organization": ("organization__sort_name",),
            "city": ("city",),
            "country": ("country",),
            "industry": ("industry",),
            "officer": ("officer__username",),
            "balance": ("balance",),
            "status": ("status",),
            "created_at": ("created_at",),
            "updated_at": ("updated_at",),
        },
        default_sort="name",
        default_columns=("code", "name", "email", "phone", "city", "country", "labels", "balance", "status"),
        search_hint="code, name, email, phone, address, label",
        url_namespace="customers",
        title="Customers",
        detail_url_name="customers:customer_detail",
        create_url_name="customers:customer_create",
        export_fields=CUSTOMER_EXPORT_FIELDS,
        bulk_actions=(
            BulkAction("status", "Change status…", "bi-toggles", "customers:customer_bulk_status"),
            BulkAction("add_labels", "Add labels…", "bi-tags", "customers:customer_bulk_add_labels"),
            BulkAction("remove_labels", "Remove labels…", "bi-tag", "customers:customer_bulk_remove_labels"),
        ),
        # The confirmation opens in the modal; confirmed from the list, the delete toasts with Undo in place.
        row_actions=(RowAction("delete", "Delete", "bi-trash", "customers:customer_delete", permission="delete"),),
    )
)

audit.register(
    audit.AuditSpec(
        model=Customer,
        fields=("code", *EDITABLE_FIELDS, "status_before_block", "labels"),
        natural_keys={"officer": "username", "organization": "code", "labels": "name"},
    )
)
audit.register(audit.AuditSpec(model=Label, fields=("name", "colour"), code_field=None))
# Bulk operations on customers are undone through the customer services.
bulk.register(Customer, apply_recorded_values)

# The Trash page lists deleted customers and labels and restores or purges them through the services.
trash.register(
    trash.TrashSpec(
        model=Customer,
        restore=lambda user, customer: restore_customer(user=user, customer=customer),
        purge=lambda user, customer: purge_customer(user=user, customer=customer),
        describe=lambda customer: customer.display_name,
        code=lambda customer: customer.code,
        restored_url=lambda customer: customer.get_absolute_url(),
        history_url=lambda customer: reverse("customers:customer_history", kwargs={"code": customer.code}),
    )
)
trash.register(
    trash.TrashSpec(
        model=Label,
        restore=lambda user, label: restore_label(user=user, label=label),
        purge=lambda user, label: purge_label(user=user, label=label),
        describe=lambda label: label.name,
        restored_url=lambda label: reverse("customers:label_list"),
    )
)
