from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "kesu.service"
    label = "service"
    verbose_name = _("After-sales service orders")
    default_auto_field = "django.db.models.BigAutoField"
