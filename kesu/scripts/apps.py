from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScriptsConfig(AppConfig):
    name = "kesu.scripts"
    label = "scripts"
    verbose_name = _("Scripts and macros")
    default_auto_field = "django.db.models.BigAutoField"
