from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "clientbook.deals"
    label = "deals"
    verbose_name = "Deals"
