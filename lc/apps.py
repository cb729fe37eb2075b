from django.apps import AppConfig


class LcConfig(AppConfig):
    name = "lc"
    verbose_name = "Letters of credit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lc.integrations.keycache import connect_signals

        connect_signals()
