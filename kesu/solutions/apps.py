from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "kesu.solutions"
    label = "solutions"
    verbose_name = _("Solutions and compensation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kesu.sla import sweep

        from .sweep import run

        # Overdue decisions and executions are swept with the complaint deadlines, in the same pass.
        sweep.register(run)
