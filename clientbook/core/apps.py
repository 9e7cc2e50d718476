from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clientbook.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from clientbook.core import db_signals  # noqa: F401  (connection tuning)
