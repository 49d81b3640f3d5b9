import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


def _seed_model(sender, using: str = "default", **kwargs) -> None:
    """A fresh database gets the seed version (trained on the shipped development set) as soon as it is migrated.

    Fitting the shipped set is cached under VAR_DIR, so only the first database of a machine pays for it."""
    from django.db import connections
    from django.utils import timezone

    from .models import TriageModel
    from .training import ensure_seed

    if using != "default" or TriageModel._meta.db_table not in connections[using].introspection.table_names():
        return
    try:
        ensure_seed(now=timezone.now())
    except ImportError as exc:  # scikit-learn missing: the lexicon alone suggests until it is installed
        log.warning("no triage seed model: %s", exc)


class TriageConfig(AppConfig):
    name = "kesu.triage"
    verbose_name = _("Triage")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_seed_model, sender=self, dispatch_uid="kesu.triage.seed_model")
