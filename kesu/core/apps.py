from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kesu.core"
    label = "core"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from . import links
        from .models import Organization

        # This process sees its own change of the public address at once; others within a minute.
        post_save.connect(lambda **_kw: links.forget(), sender=Organization, weak=False, dispatch_uid="core.links")
