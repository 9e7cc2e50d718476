from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "clientbook.api"
    label = "api"
    verbose_name = "API"
