from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "kesu.followup"
    label = "followup"
    verbose_name = _("Revisits and the general manager's meeting")
