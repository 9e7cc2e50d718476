"""The Trash pages, mounted at ``/trash/``."""

from django.urls import path

from clientbook.core import trash_views

app_name = "trash"

urlpatterns = [
    path("", trash_views.trash_page, name="trash"),
    path("<str:key>/<int:pk>/restore/", trash_views.trash_restore, name="restore"),
    path("<str:key>/<int:pk>/purge/", trash_views.trash_purge, name="purge"),
]
