from django.urls import path
from django.views.decorators.http import require_POST, require_safe

from clientbook.core.kit import history_views
from clientbook.core.kit.urls import record_view
from clientbook.core.web import imports as import_views
from clientbook.customers import bulk_views, views
from clientbook.customers.specs import CUSTOMERS

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    # Fixed paths come before "<code>/" so that "new" is never read as a code.
    path("new/", views.customer_create, name="customer_create"),
    path("import/", import_views.import_upload, {"model_key": "customers"}, name="customer_import"),
    path("bulk/status/", bulk_views.bulk_status, name="customer_bulk_status"),
    path("bulk/add-labels/", bulk_views.bulk_add_labels, name="customer_bulk_add_labels"),
    path("bulk/remove-labels/", bulk_views.bulk_remove_labels, name="customer_bulk_remove_labels"),
    path("<str:code>/", views.customer_detail, name="customer_detail"),
    path("<str:code>/edit/", views.customer_edit, name="customer_edit"),
    path("<str:code>/status/", views.customer_status, name="customer_status"),
    path("<str:code>/delete/", views.customer_delete, name="customer_delete"),
    path("<str:code>/restore/", views.customer_restore, name="customer_restore"),
    # History is the kit's, at the customers' own URLs.
    path(
        "<str:code>/history/",
        record_view(CUSTOMERS, history_views.history_page, "view", require_safe),
        name="customer_history",
    ),
    path(
        "<str:code>/history/<int:event_id>/",
        record_view(CUSTOMERS, history_views.as_of, "view", require_safe),
        name="customer_as_of",
    ),
    path(
        "<str:code>/history/<int:event_id>/revert/",
        record_view(CUSTOMERS, history_views.revert, "change", require_POST),
        name="customer_revert",
    ),
]
