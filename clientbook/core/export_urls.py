"""Exports of any list, mounted at ``/exports/``: the dialog, a job's progress and its file."""

from django.urls import path

from clientbook.core import export_views

app_name = "exports"

urlpatterns = [
    path("jobs/<int:pk>/", export_views.export_job, name="job"),
    path("jobs/<int:pk>/file", export_views.export_file, name="file"),
    path("<slug:list_key>/", export_views.export_dialog, name="dialog"),
]
