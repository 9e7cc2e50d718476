from django.urls import path

from clientbook.core.web import imports as import_views
from clientbook.customers import bulk_views, history_views, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    # Fixed paths come before "<code>/" so that "new" and "labels" are never read as codes.
    path("new/", views.customer_create, name="customer_create"),
    path("import/", import_views.import_upload, {"model_key": "customers"}, name="customer_import"),
    path("labels/", views.label_list, name="label_list"),
    path("labels/new/", views.label_create, name="label_create"),
    path("labels/<int:pk>/edit/", views.label_edit, name="label_edit"),
    path("labels/<int:pk>/delete/", views.label_delete, name="label_delete"),
    path("labels/<int:pk>/restore/", views.label_restore, name="label_restore"),
    path("bulk/status/", bulk_views.bulk_status, name="customer_bulk_status"),
    path("bulk/add-labels/", bulk_views.bulk_add_labels, name="customer_bulk_add_labels"),
    path("bulk/remove-labels/", bulk_views.bulk_remove_labels, name="customer_bulk_remove_labels"),
    path("<str:code>/", views.customer_detail, name="customer_detail"),
    path("<str:code>/edit/", views.customer_edit, name="customer_edit"),
    path("<str:code>/status/", views.customer_status, name="customer_status"),
    path("<str:code>/delete/", views.customer_delete, name="customer_delete"),
    path("<str:code>/restore/", views.customer_restore, name="customer_restore"),
    path("<str:code>/history/", history_views.customer_history, name="customer_history"),
    path("<str:code>/history/<int:event_id>/", history_views.customer_as_of, name="customer_as_of"),
    path("<str:code>/history/<int:event_id>/revert/", history_views.customer_revert, name="customer_revert"),
]
