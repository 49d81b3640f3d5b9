from django.db import models
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """The organisation this installation serves (one per installation)."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    complaint_prefix = models.CharField(_("complaint number prefix"), max_length=8, default="KS")
    hotline = models.CharField(_("customer hotline"), max_length=40, blank=True)
    complaints_email = models.EmailField(_("complaints e-mail"), blank=True)
    public_base_url = models.URLField(
        _("public address"),
        blank=True,
        help_text=_(
            "The address customers and staff open kesu at, e.g. https://kefu.example.com. Every link in an e-mail, "
            "an SMS or a robot message starts with it (rating, tracking, the complaint). Empty: the KESU_BASE_URL "
            "setting of the server."
        ),
    )
    demo_loaded_at = models.DateTimeField(_("demo data loaded at"), null=True, blank=True)
    # Printed on the letters to customers (kesu.documents.letters): PNG, JPEG or SVG.
    logo = models.FileField(_("logo"), upload_to="organisation/", blank=True)
    seal = models.FileField(
        _("seal"),
        upload_to="organisation/",
        blank=True,
        help_text=_("The company seal (公章) printed on the reply letter: a PNG with a transparent background."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class DailySequence(models.Model):
    """Counter behind complaint numbers: one row per prefix and day, bumped atomically."""

    prefix = models.CharField(max_length=8)
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="uniq_sequence_prefix_day")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.day:%Y%m%d}: {self.value}"


class ConfigStamp(models.Model):
    """One row whose token changes whenever the configuration an intake reads changes (kesu.core.config).

    Database triggers on the watched tables set a new random token in the changing transaction, whatever
    writes there (a playbook load, the admin, a rule edit, a calendar sync, a retrained triage model): each
    process compares the token with the one its cached configuration was read under."""

    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"configuration {self.token}"
