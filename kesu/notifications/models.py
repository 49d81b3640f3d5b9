from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    """An in-app message to one user. `key` makes each notification happen once, however often the
    job that sends it runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # What the title and body say, to render in each reader's language: {"title": msg(...), "body": msg(...)}
    # (kesu.notifications.text). `title` and `body` hold them in the organisation's language, for search,
    # e-mail and robots; rows from before have no text and are shown as stored.
    text = models.JSONField(_("text in each language"), default=dict, blank=True, editable=False)
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the language of the page being rendered."""
        from .text import render

        return render(self.text["title"])[:200] if (self.text or {}).get("title") else self.title

    @property
    def display_body(self) -> str:
        from .text import render

        return render(self.text["body"]) if "body" in (self.text or {}) else self.body

    @property
    def event_key(self) -> str:
        """The key of the event this notification tells about, shared by all its recipients
        (services.build() appends ":<user id>" to it)."""
        head, sep, tail = self.key.rpartition(":")
        return head if sep and tail.isdigit() else self.key


class EmailMode(models.TextChoices):
    EACH = "each", pgettext_lazy("e-mail mode", "Each notification at once")
    HOURLY = "hourly", pgettext_lazy("e-mail mode", "An hourly digest")
    DAILY = "daily", pgettext_lazy("e-mail mode", "A daily digest (8:00)")


class NotificationPreference(models.Model):
    """Which channels a user wants besides the in-app inbox (always on). No row: e-mail is on,
    as long as the user has an e-mail address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("e-mail notifications"), default=True)
    email_mode = models.CharField(
        _("e-mails"),
        max_length=10,
        choices=EmailMode.choices,
        default=EmailMode.EACH,
        help_text=_("One e-mail per notification, or a digest of what happened: every hour, or every morning at 8."),
    )
    digest_sent_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class WebhookKind(models.TextChoices):
    WECOM = "wecom", pgettext_lazy("webhook kind", "WeCom group robot (企业微信)")
    DINGTALK = "dingtalk", pgettext_lazy("webhook kind", "DingTalk group robot (钉钉)")
    FEISHU = "feishu", pgettext_lazy("webhook kind", "Feishu custom bot (飞书)")
    GENERIC = "generic", pgettext_lazy("webhook kind", "Generic JSON (signed)")


class DepartmentWebhook(models.Model):
    """An outgoing webhook: a department's group chat robot, or any HTTP endpoint, that receives the
    notifications about that department's complaints. No department: every complaint."""

    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text=_("Empty: notifications about every complaint, and those about none."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WebhookKind.choices)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk and Feishu: the robot's signing secret (optional). Generic: required."),
    )
    kinds = models.JSONField(
        _("notification kinds"),
        default=list,
        blank=True,
        help_text=_("Which notification kinds it receives; empty: all."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == WebhookKind.GENERIC and not self.secret:
            raise ValidationError({"secret": _("A generic webhook needs a secret to sign its requests.")})
        if self.kind == WebhookKind.WECOM and self.secret:
            raise ValidationError({"secret": _("WeCom robots are not signed: leave the secret empty.")})
        if not isinstance(self.kinds, list) or not all(isinstance(k, str) and k for k in self.kinds):
            raise ValidationError({"kinds": _("Enter a list of notification kinds.")})

    def receives(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("channel", "E-mail")
    WEBHOOK = "webhook", pgettext_lazy("channel", "Webhook")
    SMS = "sms", pgettext_lazy("channel", "SMS")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery", "Pending")
    SENT = "sent", pgettext_lazy("delivery", "Sent")
    FAILED = "failed", pgettext_lazy("delivery", "Failed, will retry")
    DEAD = "dead", pgettext_lazy("delivery", "Gave up")


class Delivery(models.Model):
    """One message to send outside the application (an e-mail, a webhook call, an SMS), created with its
    notification (or, for a message to a customer, with its timeline event) in the same transaction and
    sent by the background worker with retries."""

    key = models.CharField(max_length=255, unique=True)
    notification = models.ForeignKey(
        Notification,
        to_field="key",
        db_column="notification_key",
        verbose_name=_("notification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(
        _("target"), max_length=254, help_text=_("E-mail address, phone number, or the webhook's id.")
    )
    kind = models.CharField(_("kind"), max_length=40)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="delivery_due_idx",
                condition=Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["status", "-created_at"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target}"
