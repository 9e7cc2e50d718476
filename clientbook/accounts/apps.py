from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "clientbook.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from clientbook.accounts import signals, specs  # noqa: F401  (specs registers the User audit spec)
        from clientbook.accounts.preferences import UserPreferenceStore
        from clientbook.accounts.roles import create_missing_role_groups
        from clientbook.core.web import preferences

        signals.connect()
        preferences.install_store(UserPreferenceStore())
        post_migrate.connect(create_missing_role_groups, sender=self)
