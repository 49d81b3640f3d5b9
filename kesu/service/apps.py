from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "kesu.service"
    label = "service"
    verbose_name = _("After-sales service orders")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kesu.sla import sweep

        from .sweep import run

        # Service order clocks are reminded and breached with the complaint deadlines, in the same pass.
        sweep.register(run)
