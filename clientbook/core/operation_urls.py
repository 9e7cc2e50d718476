"""The pages of bulk operations, mounted at ``/operations/``: an operation and its Undo."""

from django.urls import path

from clientbook.core import bulk_views

app_name = "operations"

urlpatterns = [
    path("<uuid:operation_id>/", bulk_views.operation_detail, name="operation_detail"),
    path("<uuid:operation_id>/undo/", bulk_views.operation_undo, name="operation_undo"),
]
