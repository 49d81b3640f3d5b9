from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboundConfig(AppConfig):
    name = "kesu.channels.outbound"
    label = "channels_outbound"
    verbose_name = _("Messages to customers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kesu.complaints.events import subscribe
        from kesu.notifications.senders import set_sms_sender

        from . import services, sms

        subscribe(services.AUTOMATIC, services.on_event)
        set_sms_sender(sms.send)
