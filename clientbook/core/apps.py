from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clientbook.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from clientbook.core import db_signals  # noqa: F401  (connection tuning)

        # Every app's ``specs.py`` registers its model specs (clientbook.core.kit.spec).
        autodiscover_modules("specs")
