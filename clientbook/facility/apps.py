from django.apps import AppConfig


class FacilityConfig(AppConfig):
    name = "clientbook.facility"
    label = "facility"
    verbose_name = "Facility access"

    def ready(self) -> None:
        # The customer list's card, presence and visit filters and columns (before the URLs build the API).
        from clientbook.facility import customer_list  # noqa: F401
