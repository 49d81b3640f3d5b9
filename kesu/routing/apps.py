from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "kesu.routing"
    label = "routing"
    verbose_name = _("Routing and collaboration")

    def ready(self) -> None:
        from kesu.complaints.events import subscribe, subscribe_all

        from . import followers

        subscribe_all(followers.tell_followers)
        subscribe({"note"}, followers.tell_mentioned)
