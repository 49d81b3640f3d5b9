from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import texts
from .models import MessageTemplate, OutboundMessage, SmsGateway

SAMPLE = {
    "customer": "张三",
    "number": "KS-20261116-00042",
    "title": "冰箱漏水",
    "due": "2026-11-16 10:15",
    "track_url": "https://kesu.example.com/t/…",
    "solution": "上门更换新机一台",
    "resolution": "已上门换新，客户确认",
    "rate_url": "https://kesu.example.com/rate/…",
    "reply": "经核实，该问题不属于产品质量问题。",
    "text": "您好，维修师傅明天上午到府。",
    "company": "某某电器",
}


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ("key", "language", "subject", "body", "active")
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 90})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _(
            "Placeholders: %(names)s (or their English names). {{ and }} write a brace."
        ) % {"names": texts.placeholder_list()}
        if not self.instance.pk and not self.is_bound:
            key = self.initial.get("key") or "acknowledgement"
            language = self.initial.get("language") or "zh-hans"
            subject, body = texts.DEFAULTS.get((key, language), ("", ""))
            self.initial.setdefault("subject", subject)
            self.initial.setdefault("body", body)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """The automatic messages' texts, in Chinese and English. A message without a row (or with an inactive
    one) uses the text shipped with kesu, shown here under "Default"."""

    form = MessageTemplateForm
    list_display = ("key", "language", "subject", "active", "updated_at")
    list_filter = ("key", "language", "active")
    readonly_fields = ("preview", "default_text", "placeholders")
    fieldsets = (
        (None, {"fields": ("key", "language", "subject", "body", "active")}),
        (_("Preview"), {"fields": ("preview", "default_text", "placeholders")}),
    )

    @admin.display(description=_("preview (sample complaint)"))
    def preview(self, obj: MessageTemplate):
        if obj is None or not obj.pk:
            return _("Save to see the preview.")
        subject = texts.render(obj.subject, SAMPLE)
        body = texts.render(obj.body, SAMPLE)
        return format_html(
            '<div class="message-preview"><strong>{}</strong><pre style="white-space:pre-wrap">{}</pre></div>',
            subject,
            body,
        )

    @admin.display(description=_("default text"))
    def default_text(self, obj: MessageTemplate):
        if obj is None or not obj.key:
            return "—"
        subject, body = texts.DEFAULTS.get((obj.key, obj.language), ("", ""))
        return format_html('<strong>{}</strong><pre style="white-space:pre-wrap">{}</pre>', subject, body)

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj):
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li><code>{{{}}}</code> / <code>{{{}}}</code>: {}</li>", texts.PLACEHOLDERS.values()),
        )


class SmsGatewayForm(forms.ModelForm):
    endpoint = forms.URLField(label=_("endpoint URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = SmsGateway
        fields = (
            "name",
            "kind",
            "endpoint",
            "access_key_id",
            "access_key_secret",
            "sign_name",
            "template_code",
            "active",
        )
        widgets = {"access_key_secret": forms.PasswordInput(render_value=True)}


@admin.register(SmsGateway)
class SmsGatewayAdmin(admin.ModelAdmin):
    form = SmsGatewayForm
    list_display = ("name", "kind", "endpoint", "sign_name", "template_code", "active")
    list_filter = ("kind", "active")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """What was sent to customers (read only): the delivery's status is on the delivery."""

    list_display = ("created_at", "complaint", "channel", "masked", "template", "subject", "status")
    list_filter = ("channel", "template")
    search_fields = ("complaint__number", "subject", "message_id")
    list_select_related = ("complaint", "delivery")
    fields = (
        "complaint",
        "channel",
        "masked",
        "template",
        "language",
        "subject",
        "body",
        "message_id",
        "in_reply_to",
        "delivery",
        "created_by",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("to"))
    def masked(self, obj: OutboundMessage) -> str:
        return obj.masked_to

    @admin.display(description=_("status"))
    def status(self, obj: OutboundMessage) -> str:
        return obj.delivery.get_status_display() if obj.delivery else "—"
