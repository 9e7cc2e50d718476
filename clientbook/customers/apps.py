from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "clientbook.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from clientbook.customers import imports, specs  # noqa: F401  (register lists and the importer)
