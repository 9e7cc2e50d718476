from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clientbook.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from clientbook.accounts import signals, specs  # noqa: F401  (specs registers the User audit spec)

        signals.connect()
