import json
import re

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import delivery
from .models import Channel, Delivery, DeliveryStatus, DepartmentWebhook, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "title", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "user__username")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Outgoing e-mails, SMS and webhook calls: what failed, why, and a way to try again now."""

    list_display = ("created_at", "channel", "target", "kind", "subject", "status", "attempts", "error", "sent_at")
    list_filter = ("status", "channel", "kind")
    search_fields = ("target", "key", "last_error")
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = (
        "key",
        "notification",
        "channel",
        "target",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "created_at",
        "payload_pretty",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("title"))
    def subject(self, obj: Delivery) -> str:
        payload = obj.payload or {}
        return payload.get("title") or payload.get("subject") or payload.get("text", "")[:60]

    @admin.display(description=_("last error"))
    def error(self, obj: Delivery) -> str:
        text = obj.last_error or ""
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description=_("payload"))
    def payload_pretty(self, obj: Delivery):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, ensure_ascii=False, indent=2))

    def has_retry_permission(self, request) -> bool:
        return request.user.is_active and request.user.has_perm("notifications.change_delivery")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        count = delivery.retry_now(queryset.values_list("id", flat=True), now=timezone.now())
        self.message_user(request, _("%(count)s deliveries will be sent again now.") % {"count": count})


class KindsField(forms.CharField):
    """A list of notification kinds typed as "sla_breach, sla_reminder"; empty for all."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        kinds = [k for k in re.split(r"[\s,，、;]+", text) if k]
        for k in kinds:
            if not re.fullmatch(r"[a-z0-9_.:-]{1,40}", k):
                raise forms.ValidationError(_("“%(kind)s” is not a notification kind."), params={"kind": k})
        return list(dict.fromkeys(kinds))


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    kinds = KindsField(
        label=_("notification kinds"),
        required=False,
        help_text=_("Comma separated, e.g. sla_breach, sla_reminder; empty: all kinds."),
    )

    class Meta:
        model = DepartmentWebhook
        fields = ("name", "department", "kind", "url", "secret", "kinds", "active")
        widgets = {"secret": forms.PasswordInput(render_value=True)}


@admin.register(DepartmentWebhook)
class DepartmentWebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ("name", "department", "kind", "kinds_label", "active", "failing")
    list_filter = ("kind", "active", "department")
    search_fields = ("name", "url")
    autocomplete_fields = ("department",)
    list_select_related = ("department",)

    @admin.display(description=_("notification kinds"))
    def kinds_label(self, obj: DepartmentWebhook) -> str:
        return ", ".join(obj.kinds) if obj.kinds else _("all")

    @admin.display(description=_("failing deliveries"))
    def failing(self, obj: DepartmentWebhook) -> int:
        return getattr(obj, "_failing", 0)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            counts = dict(
                Delivery.objects.filter(
                    channel=Channel.WEBHOOK,
                    status__in=[DeliveryStatus.FAILED, DeliveryStatus.DEAD],
                    target__in=[str(h.pk) for h in cl.result_list],
                )
                .values_list("target")
                .annotate(n=Count("id"))
            )
            for hook in cl.result_list:
                hook._failing = counts.get(str(hook.pk), 0)
        return response


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "updated_at")
    list_filter = ("email",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
    list_select_related = ("user",)
