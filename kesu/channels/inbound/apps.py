from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    name = "kesu.channels.inbound"
    label = "channels_inbound"
    verbose_name = _("Inbound webhooks")
    default_auto_field = "django.db.models.BigAutoField"
