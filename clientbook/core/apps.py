from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clientbook.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Every app's ``specs.py`` registers its model specs (clientbook.core.kit.spec).
        autodiscover_modules("specs")
        # The worker's tasks install the engines' doorbells, in the web processes too.
        from clientbook.core import tasks  # noqa: F401
