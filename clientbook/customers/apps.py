from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "clientbook.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from clientbook.customers import specs  # noqa: F401  (registers the lists with the pipeline)
