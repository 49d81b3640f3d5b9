from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "kesu.followup"
    label = "followup"
    verbose_name = _("Revisits and the general manager's meeting")

    def ready(self) -> None:
        from kesu.complaints.events import subscribe

        from .services import settle_agenda

        # A satisfied rating or the archive takes the complaint off the open agenda.
        subscribe({"rate", "archive"}, settle_agenda)
