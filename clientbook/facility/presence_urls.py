"""Who is inside now, by zone (``/zones/presence/``), and an operator's manual exit."""

from django.urls import path

from clientbook.facility import presence_views

urlpatterns = [
    path("presence/", presence_views.presence_page, name="zone_presence"),
    path("presence/<int:pk>/exit/", presence_views.record_exit, name="zone_presence_exit"),
]
