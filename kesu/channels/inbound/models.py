"""Models of inbound webhooks: the systems that may send complaints, and what each has sent.

The source's secret is stored as it is, not hashed: verifying an HMAC needs the key itself (unlike a
password or an API token, which are compared after hashing). Whoever can read this table can sign
requests for its sources; `manage.py create_inbound_source NAME --rotate` replaces a secret that leaked.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.complaints.models import Channel, Complaint

from . import mapping


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class InboundSource(models.Model):
    """A system allowed to send complaints to POST /api/v1/inbound/<name>."""

    name = models.SlugField(_("name"), max_length=50, unique=True, help_text=_("The last part of the webhook URL."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(_("secret"), max_length=128, editable=False)
    active = models.BooleanField(_("active"), default=True)
    default_channel = models.CharField(
        _("default channel"),
        max_length=20,
        choices=Channel.choices,
        default=Channel.API,
        help_text=_("The complaint's channel when the request does not give one (12315 transfers: regulator)."),
    )
    field_map = models.JSONField(
        _("field mapping"),
        default=dict,
        blank=True,
        help_text=_(
            'Complaint field → the field in the source\'s request, dotted for nested ones, e.g. {"title": '
            '"subject", "customer.phone": "buyer.mobile", "description": "content", "external_event_id": '
            '"ticket_id"}. Empty: the request is a POST /complaints body plus "external_event_id".'
        ),
    )
    fixed_values = models.JSONField(
        _("fixed values"),
        default=dict,
        blank=True,
        help_text=_('Complaint fields set to the same value for every request, e.g. {"flags": ["regulator"]}.'),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    secret_changed_at = models.DateTimeField(_("secret changed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("inbound", "inbound source")
        verbose_name_plural = pgettext_lazy("inbound", "inbound sources")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = mapping.check_field_map(self.field_map) | mapping.check_fixed_values(self.fixed_values)
        if errors:
            raise ValidationError(errors)


class InboundEvent(models.Model):
    """One caller's event that became a complaint: the same event id again answers with that complaint."""

    source = models.ForeignKey(
        InboundSource, on_delete=models.PROTECT, related_name="events", verbose_name=_("inbound source")
    )
    external_event_id = models.CharField(_("external event id"), max_length=200)
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="inbound_events", verbose_name=_("complaint")
    )
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = pgettext_lazy("inbound", "inbound event")
        verbose_name_plural = pgettext_lazy("inbound", "inbound events")
        ordering = ("-received_at",)
        constraints = [
            models.UniqueConstraint(fields=("source", "external_event_id"), name="inbound_event_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.external_event_id}"


class SpentSignature(models.Model):
    """A correctly signed request that created nothing (it was refused as invalid): the same signature again,
    while its timestamp is still inside the window, is a replay and answered 401. Rows older than the window
    are useless (the timestamp check refuses them first) and are deleted as new ones are written."""

    source = models.ForeignKey(InboundSource, on_delete=models.CASCADE, related_name="spent_signatures")
    signature = models.CharField(max_length=80)
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("source", "signature"), name="inbound_signature_once")]
        indexes = [models.Index(fields=("signed_at",), name="inbound_spent_signed_at")]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.signature[:15]}…"
