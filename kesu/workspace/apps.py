from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "kesu.workspace"
    label = "workspace"
    verbose_name = _("Saved views and bulk actions")
    default_auto_field = "django.db.models.BigAutoField"
