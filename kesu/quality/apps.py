from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "kesu.quality"
    label = "quality"
    verbose_name = _("Investigation and CAPA")
    default_auto_field = "django.db.models.BigAutoField"
