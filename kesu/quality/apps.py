from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "kesu.quality"
    label = "quality"
    verbose_name = _("Investigation and CAPA")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kesu.sla import sweep

        from .sweep import run

        # CAPA due dates are swept with the complaint deadlines, in the same pass.
        sweep.register(run)
