from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _repair_index(sender, using="default", **kwargs) -> None:
    # A later migration that rebuilds complaints_complaint on SQLite drops the FTS triggers with the
    # old table; put them back (and refill the index) so search never silently goes stale.
    from django.db import connections

    from .backends.database import repair

    repair(connections[using])


class SearchConfig(AppConfig):
    name = "kesu.search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_repair_index, sender=self, dispatch_uid="kesu.search.repair_index")
