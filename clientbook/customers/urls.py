"""The customer's own pages beside the kit's (``ModelSpec.extra_urls``): mounted first in the
``customers`` namespace, so "import/" and "bulk/…" are never read as customer codes."""

from django.urls import path

from clientbook.core.web import imports as import_views
from clientbook.customers import bulk_views, views

urlpatterns = [
    path("import/", import_views.import_upload, {"model_key": "customers"}, name="customer_import"),
    path("bulk/status/", bulk_views.bulk_status, name="customer_bulk_status"),
    path("bulk/add-labels/", bulk_views.bulk_add_labels, name="customer_bulk_add_labels"),
    path("bulk/remove-labels/", bulk_views.bulk_remove_labels, name="customer_bulk_remove_labels"),
    path("<str:code>/status/", views.customer_status, name="customer_status"),
]
