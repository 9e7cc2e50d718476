"""Registrations of the customer app with the shared pipeline."""

from django.urls import reverse

from clientbook.core.kit import spec as kit
from clientbook.core.listing.pipeline import BulkAction, ListSpec, RowAction, register
from clientbook.core.records import audit, bulk, trash
from clientbook.customers import services
from clientbook.customers.exports import CUSTOMER_EXPORT_FIELDS
from clientbook.customers.filters import CustomerFilterSet
from clientbook.customers.forms import LabelForm
from clientbook.customers.label_lists import LabelFilterSet, LabelTable
from clientbook.customers.models import Customer, Label
from clientbook.customers.selectors import customer_queryset, label_queryset
from clientbook.customers.services import (
    EDITABLE_FIELDS,
    apply_recorded_values,
    purge_customer,
    restore_customer,
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
# Bulk operations on customers are undone through the customer services.
bulk.register(Customer, apply_recorded_values)

# The Trash page lists deleted customers and restores or purges them through the services.
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

LABELS = kit.register(
    kit.ModelSpec(
        model=Label,
        fields=("name", "colour"),
        queryset=label_queryset,
        form=LabelForm,
        filterset=LabelFilterSet,
        table=LabelTable,
        default_sort="name",
        default_columns=("name", "colour", "customers"),
        per_page=50,
        row_actions=(
            RowAction("edit", "Edit", "bi-pencil", "labels:label_edit", "change", "pk"),
            RowAction("delete", "Delete", "bi-trash", "labels:label_delete", "delete", "pk"),
        ),
        importable=False,
        nav=kit.NavEntry(label="Labels", icon="bi-tags", order=10),
        hooks=kit.Hooks(
            tidy=services.tidy_label,
            search_words=services.label_search_words,
            after_save=services.refresh_carriers,
            after_delete=services.refresh_carriers,
            before_restore=services.refuse_restore_beside_twin,
            after_restore=services.refresh_carriers,
            before_purge=services.drop_from_carriers,
        ),
        describe=lambda label: label.name,
    )
)
