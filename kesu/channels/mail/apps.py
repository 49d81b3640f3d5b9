from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "kesu.channels.mail"
    label = "channels_mail"
    verbose_name = _("E-mail in")
    default_auto_field = "django.db.models.BigAutoField"
