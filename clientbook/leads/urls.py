"""The lead's own page beside the kit's (``ModelSpec.extra_urls``): the conversion dialog."""

from django.urls import path

from clientbook.leads import views

urlpatterns = [
    path("<str:code>/convert/", views.convert_lead, name="lead_convert"),
]
