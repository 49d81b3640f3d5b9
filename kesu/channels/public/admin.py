"""The public form's settings in the admin, with the HTML the organisation pastes into its own site."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kesu.core import links

from .models import PublicFormSettings


def embed_snippets() -> dict[str, str]:
    """The iframe and the plain HTML form that posts to kesu, as the organisation copies them."""
    base = links.base_url()
    embed = base + reverse("web:public_form_embed")
    page = base + reverse("web:public_form")
    style = "width:100%;max-width:40rem;height:1400px;border:0"
    iframe = f'<iframe src="{embed}" title="投诉 / Complaint" style="{style}"></iframe>'
    form = "\n".join(
        [
            f'<form method="post" action="{page}" enctype="multipart/form-data" accept-charset="utf-8">',
            '  <label>姓名 <input name="name" required></label>',
            '  <label>手机 <input name="phone" type="tel"></label>',
            '  <label>邮箱 <input name="email" type="email"></label>',
            '  <label>订单号 <input name="order_no"></label>',
            '  <label>发生了什么 <textarea name="description" required></textarea></label>',
            '  <label>照片 <input name="photos" type="file" multiple accept="image/*,video/*"></label>',
            '  <input name="website" type="text" tabindex="-1" autocomplete="off" style="display:none">',
            '  <label><input name="consent" type="checkbox" value="on" required> 我已阅读并同意个人信息告知</label>',
            "  <button>提交投诉</button>",
            "</form>",
        ]
    )
    return {"iframe": iframe, "form": form}


@admin.register(PublicFormSettings)
class PublicFormSettingsAdmin(admin.ModelAdmin):
    readonly_fields = ["embed_code"]
    fieldsets = [
        (
            _("Abuse limits"),
            {
                "fields": [
                    "require_challenge_on_api",
                    "pow_bits",
                    "challenge_minutes",
                    "submits_per_address",
                    "submits_per_contact",
                    "submit_window_minutes",
                    "tracking_misses_per_address",
                    "tracking_window_minutes",
                    "messages_per_complaint",
                ]
            },
        ),
        (_("Personal-data notice"), {"fields": ["organisation", "retention_months"]}),
        (_("Embedding in your site"), {"fields": ["frame_ancestors", "embed_code"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return not PublicFormSettings.objects.filter(pk=1).exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("HTML to paste into your site"))
    def embed_code(self, obj) -> str:
        s = embed_snippets()
        note = _(
            "A plain form posted from your site carries no challenge: kesu shows the filled-in form once more, "
            "with its check, and the customer confirms with one tap (photos are chosen there)."
        )
        return format_html(
            '<p>{}</p><textarea readonly rows="3" cols="90" class="vLargeTextField">{}</textarea>'
            '<p>{}</p><textarea readonly rows="12" cols="90" class="vLargeTextField">{}</textarea><p>{}</p>',
            _("An iframe (the whole form, with its checks):"),
            s["iframe"],
            _("Or a plain HTML form in your own page's style:"),
            s["form"],
            note,
        )
