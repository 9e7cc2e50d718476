from django.apps import AppConfig


class FacilityConfig(AppConfig):
    name = "clientbook.facility"
    label = "facility"
    verbose_name = "Facility access"
