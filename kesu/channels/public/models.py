"""The public form's settings (one row, edited in the admin) and the challenges already used."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicFormSettings(models.Model):
    """How the public complaint form and the tracking page defend themselves, and what the notice says.

    One row (pk 1), read with `current()`; the admin edits it. Limits are counted per fixed window in the
    cache (limits.py): a zero limit turns that limit off."""

    require_challenge_on_api = models.BooleanField(
        _("require the challenge on the API too"),
        default=False,
        help_text=_("The HTML form always asks for it; the JSON API asks only when this is on."),
    )
    pow_bits = models.PositiveSmallIntegerField(
        _("proof-of-work difficulty (bits)"),
        default=16,
        help_text=_("Leading zero bits of SHA-256 the page's script finds; each bit doubles the work."),
    )
    challenge_minutes = models.PositiveIntegerField(_("challenge valid for (minutes)"), default=60)
    submits_per_address = models.PositiveIntegerField(_("complaints per address and window"), default=10)
    submits_per_contact = models.PositiveIntegerField(_("complaints per phone or e-mail and window"), default=5)
    submit_window_minutes = models.PositiveIntegerField(_("complaint window (minutes)"), default=60)
    tracking_misses_per_address = models.PositiveIntegerField(
        _("failed tracking look-ups per address and window"), default=10
    )
    tracking_window_minutes = models.PositiveIntegerField(_("tracking window (minutes)"), default=15)
    messages_per_complaint = models.PositiveIntegerField(_("customer messages per complaint and window"), default=20)
    organisation = models.CharField(
        _("organisation named in the notice"),
        max_length=200,
        blank=True,
        help_text=_("Who collects the data (the personal-data notice names it); blank: “we”."),
    )
    retention_months = models.PositiveIntegerField(
        _("personal data kept for (months)"),
        default=36,
        help_text=_("How long after the complaint is closed the customer's data is kept (the notice says so)."),
    )
    frame_ancestors = models.CharField(
        _("sites that may embed the form"),
        max_length=500,
        blank=True,
        help_text=_(
            "Origins separated by spaces, e.g. https://www.example.com (a Content-Security-Policy frame-ancestors "
            "value). Blank: any site may embed the form page."
        ),
    )

    class Meta:
        verbose_name = _("public form settings")
        verbose_name_plural = _("public form settings")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="public_settings_singleton")]

    def __str__(self) -> str:
        return str(_("Public form settings"))

    @classmethod
    def current(cls) -> PublicFormSettings:
        found = cls.objects.filter(pk=1).first()
        return found if found is not None else cls(pk=1)


class UsedChallenge(models.Model):
    """A challenge a submission has spent: the unique nonce refuses its replay, also across processes."""

    nonce = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("used challenge")
        verbose_name_plural = _("used challenges")

    def __str__(self) -> str:
        return self.nonce
