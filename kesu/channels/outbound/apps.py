from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboundConfig(AppConfig):
    name = "kesu.channels.outbound"
    label = "channels_outbound"
    verbose_name = _("Messages to customers")
    default_auto_field = "django.db.models.BigAutoField"
