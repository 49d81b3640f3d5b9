from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "kesu.channels.public"
    label = "channels_public"
    verbose_name = _("Public form and tracking")
    default_auto_field = "django.db.models.BigAutoField"
