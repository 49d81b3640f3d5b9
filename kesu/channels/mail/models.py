"""Models of e-mail in: one record per mail received, the key that makes receiving idempotent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MailOutcome(models.TextChoices):
    CREATED = "created", pgettext_lazy("mail outcome", "New complaint")
    THREADED = "threaded", pgettext_lazy("mail outcome", "Customer message on its complaint")
    IGNORED = "ignored", pgettext_lazy("mail outcome", "Ignored")


class MailVia(models.TextChoices):
    STDIN = "stdin", pgettext_lazy("mail via", "Command (stdin)")
    SMTP = "smtp", pgettext_lazy("mail via", "SMTP receiver")
    IMAP = "imap", pgettext_lazy("mail via", "IMAP mailbox")


class InboundMail(models.Model):
    """A mail handled once: a Message-ID stored twice is refused by the database, so the same mail fetched
    again (or delivered twice at once) gives the first outcome back and stores nothing new. Stored in the
    same transaction as the complaint it created or the customer message it added."""

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=MailOutcome.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_mails",
    )
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    via = models.CharField(_("received by"), max_length=8, choices=MailVia.choices)
    refused_files = models.JSONField(_("refused files"), default=list, blank=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["-received_at"], name="inbound_mail_received")]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.outcome}"
