"""Messages to customers: the editable texts, the SMS gateways, and a record of every message sent."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.core.masking import mask_email, mask_phone

from . import texts


class Language(models.TextChoices):
    ZH = "zh-hans", pgettext_lazy("language", "Chinese (简体中文)")
    EN = "en", pgettext_lazy("language", "English")


class MessageChannel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("message channel", "E-mail")
    SMS = "sms", pgettext_lazy("message channel", "SMS")


class MessageTemplate(models.Model):
    """The text of one automatic message in one language, as the administrator edited it. No row (or an
    inactive one): the text shipped in `texts.DEFAULTS` is used."""

    key = models.CharField(_("message"), max_length=40, choices=texts.KEY_CHOICES)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ZH)
    subject = models.CharField(
        _("subject"), max_length=200, blank=True, help_text=_("E-mail only; the complaint number is added in front.")
    )
    body = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["key", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="message_template_unique")]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.get_language_display()})"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for name in ("subject", "body"):
            unknown = texts.unknown_placeholders(getattr(self, name) or "")
            if unknown:
                errors[name] = [
                    _("Unknown placeholders: %(names)s. Use: %(known)s.")
                    % {"names": ", ".join(f"{{{n}}}" for n in unknown), "known": texts.placeholder_list()}
                ]
        if not (self.body or "").strip():
            errors.setdefault("body", []).append(_("Write the text of the message."))
        if errors:
            raise ValidationError(errors)


class GatewayKind(models.TextChoices):
    GENERIC = "generic", pgettext_lazy("sms gateway", "Generic HTTP (JSON, signed)")
    ALIYUN = "aliyun", pgettext_lazy("sms gateway", "Alibaba Cloud SMS (阿里云短信)")


class SmsGateway(models.Model):
    """Where SMS to customers go. The first active gateway is used."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=GatewayKind.choices, default=GatewayKind.GENERIC)
    endpoint = models.URLField(
        _("endpoint URL"),
        max_length=500,
        help_text=_("Alibaba Cloud: https://dysmsapi.aliyuncs.com/ ; generic: your gateway's URL."),
    )
    access_key_id = models.CharField(_("access key id"), max_length=200, blank=True)
    access_key_secret = models.CharField(_("access key secret"), max_length=200)
    sign_name = models.CharField(
        _("sign name"), max_length=50, blank=True, help_text=_("The approved signature (短信签名), e.g. 某某公司.")
    )
    template_code = models.CharField(
        _("template code"),
        max_length=50,
        blank=True,
        help_text=_("Alibaba Cloud: the approved template (e.g. SMS_123456789) whose only variable is ${content}."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-active", "id"]
        verbose_name = _("SMS gateway")
        verbose_name_plural = _("SMS gateways")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == GatewayKind.ALIYUN:
            errors = {}
            for name in ("access_key_id", "sign_name", "template_code"):
                if not (getattr(self, name) or "").strip():
                    errors[name] = [_("Alibaba Cloud needs this.")]
            if errors:
                raise ValidationError(errors)


class OutboundMessage(models.Model):
    """One message to a customer: the agent's reply (its timeline event a public note) or an automatic one
    (event "message_sent"). `key` makes each automatic message happen once per event that caused it."""

    complaint = models.ForeignKey(
        "complaints.Complaint", verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="outbound_messages"
    )
    event = models.ForeignKey(
        "complaints.Event", verbose_name=_("timeline event"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    key = models.CharField(max_length=100, unique=True)
    template = models.CharField(_("message"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    to = models.CharField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ZH)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    delivery = models.ForeignKey(
        "notifications.Delivery",
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message to a customer")
        verbose_name_plural = _("messages to customers")
        indexes = [models.Index(fields=["complaint", "created_at"], name="outbound_complaint_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.masked_to}"

    @property
    def masked_to(self) -> str:
        return mask_email(self.to) if self.channel == MessageChannel.EMAIL else mask_phone(self.to)
