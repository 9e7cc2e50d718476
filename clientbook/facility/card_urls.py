"""The access card's own pages beside the kit's: the printable badge and the QR code as an image."""

from django.urls import path

from clientbook.facility import views

urlpatterns = [
    path("<int:pk>/badge/", views.card_badge, name="accesscard_badge"),
    path("<int:pk>/qr.svg", views.card_qr_svg, name="accesscard_qr_svg"),
    path("<int:pk>/qr.png", views.card_qr_png, name="accesscard_qr_png"),
]
