"""The customer's and the label's registrations: customers by one model spec (clientbook.core.kit)."""

from clientbook.core.kit import spec as kit
from clientbook.core.kit.spec import Hooks, ModelSpec, register
from clientbook.core.listing import pipeline as listing
from clientbook.core.listing.pipeline import BulkAction, RowAction
from clientbook.customers import bulk as customer_bulk
from clientbook.customers import services
from clientbook.customers.api import CUSTOMER_API
from clientbook.customers.exports import CUSTOMER_EXPORT_FIELDS
from clientbook.customers.filters import CustomerFilterSet
from clientbook.customers.forms import CustomerForm, LabelForm
from clientbook.customers.kyc import SENSITIVE_FIELDS
from clientbook.customers.label_lists import LabelFilterSet, LabelTable
from clientbook.customers.models import Customer, Label
from clientbook.customers.selectors import customer_page_context, customer_queryset, label_queryset, search_subtitle
from clientbook.customers.services import EDITABLE_FIELDS
from clientbook.customers.tables import CustomerTable

CUSTOMER_READERS = ("admin", "sales", "support", "accounting", "facility")

CUSTOMERS = register(
    ModelSpec(
        model=Customer,
        fields=(*EDITABLE_FIELDS, "labels"),
        key="customers",
        queryset=customer_queryset,
        audit_fields=("code", *EDITABLE_FIELDS, "status_before_block", "labels", "lead"),
        natural_keys={"officer": "username", "organization": "code", "labels": "name", "lead": "code"},
        # PAN and Aadhaar: "changed" in the audit trail, for everyone (clientbook.customers.kyc).
        sensitive=frozenset(SENSITIVE_FIELDS),
        # Seeing them unmasked (the reveal): administrators only, unless a deployment grants the permission.
        sensitive_roles=("admin",),
        filterset=CustomerFilterSet,
        table=CustomerTable,
        sort_fields={
            "code": ("code",),
            "client_id": ("client_id",),
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
            "last_activity_at": ("last_activity_at",),
            "created_at": ("created_at",),
            "updated_at": ("updated_at",),
        },
        default_sort="name",
        default_columns=("code", "name", "email", "phone", "city", "country", "labels", "balance", "status"),
        export_fields=CUSTOMER_EXPORT_FIELDS,
        bulk_actions=(
            BulkAction(
                "status",
                "Change status…",
                "bi-toggles",
                "customers:customer_bulk_status",
                run=customer_bulk.run_status,
                fields=("status", "reason"),
            ),
            BulkAction(
                "add_labels",
                "Add labels…",
                "bi-tags",
                "customers:customer_bulk_add_labels",
                run=customer_bulk.run_add_labels,
                fields=("labels",),
            ),
            BulkAction(
                "remove_labels",
                "Remove labels…",
                "bi-tag",
                "customers:customer_bulk_remove_labels",
                run=customer_bulk.run_remove_labels,
                fields=("labels",),
            ),
        ),
        # The confirmation opens in the modal; confirmed from the list, the delete toasts with Undo in place.
        row_actions=(RowAction("delete", "Delete", "bi-trash", "customers:customer_delete", permission="delete"),),
        hooks=Hooks(
            derive=services.derive,
            before_save=services.record_status_change,
            before_insert=services.assign_code,
            before_purge=services.unlink_members,
            search_words=lambda customer: customer.search_texts(),
            search_phones=lambda customer: customer.search_phones(),
        ),
        describe=lambda customer: customer.display_name,
        short_name=lambda customer: customer.code,
        form=CustomerForm,
        open_after_create=True,
        details_tab="Overview",
        page_context=customer_page_context,
        extra_urls="clientbook.customers.urls",
        nav=kit.NavEntry(label="Customers", icon="bi-people", order=0),
        linked_fields=(("status", "block_reason"),),
        search_hint="code, name, email, phone, address, label",
        identifiers=("code", "client_id", "external_id", "email", "phone"),
        subtitle=search_subtitle,
        # The customers app has an importer of its own (customers.imports, at customers:customer_import).
        importable=False,
        # The facility operator reads whom a card or a vehicle belongs to.
        read_roles=CUSTOMER_READERS,
        api=CUSTOMER_API,
    )
)

# The customer list as the shared list pipeline reads it (bulk selections, the API's list and export).
CUSTOMER_LIST = listing.get_spec(CUSTOMERS.slug)

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
        read_roles=CUSTOMER_READERS,
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
