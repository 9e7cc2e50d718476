"""The import wizard, mounted at ``/imports/``; each model's list links to its upload page."""

from django.urls import path

from clientbook.core import import_views

app_name = "imports"

urlpatterns = [
    path("<int:pk>/", import_views.import_job, name="job"),
    path("<int:pk>/progress/", import_views.import_progress, name="progress"),
    path("<int:pk>/run/", import_views.import_run, name="run"),
    path("<int:pk>/cancel/", import_views.import_cancel, name="cancel"),
    path("<int:pk>/undo/", import_views.import_undo, name="undo"),
    path("<int:pk>/errors.csv", import_views.import_errors, name="errors"),
    path("<slug:model_key>/", import_views.import_upload, name="upload"),
    path("<slug:model_key>/template.<str:extension>", import_views.import_template, name="template"),
]
