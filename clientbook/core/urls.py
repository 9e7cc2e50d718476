"""The audit log pages (administrators only), mounted at ``/audit/``."""

from django.urls import path

from clientbook.core import audit_views

app_name = "audit"

urlpatterns = [
    path("", audit_views.audit_log, name="event_list"),
    path("export.csv", audit_views.audit_export, name="export"),
]
