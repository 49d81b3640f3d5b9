from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from kesu.channels.outbound.admin import SAMPLE
from kesu.channels.outbound.texts import PLACEHOLDERS

from . import macros, rendering
from .models import Macro, Script

SCRIPT_SAMPLE = {**SAMPLE, "customer": "张先生", "owner": "周涛"}


class ScriptForm(forms.ModelForm):
    class Meta:
        model = Script
        fields = ("title", "situation", "language", "type_codes", "channels", "text", "active", "key")
        widgets = {"text": forms.Textarea(attrs={"rows": 8, "cols": 90})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "Placeholders: %(names)s (or their English names). {{ and }} write a brace."
        ) % {"names": rendering.placeholder_list()}


@admin.register(Script)
class ScriptAdmin(admin.ModelAdmin):
    """The scripts library (话术): the phrases the agents insert into replies, by situation, type and channel."""

    form = ScriptForm
    list_display = ("title", "situation", "language", "types", "channel_list", "use_count", "last_used_at", "active")
    list_filter = ("situation", "language", "active")
    list_editable = ("active",)
    search_fields = ("title", "text", "key")
    ordering = ("situation", "language", "title")
    readonly_fields = ("preview", "placeholders", "use_count", "last_used_at")
    fieldsets = (
        (None, {"fields": ("title", "situation", "language", "type_codes", "channels", "text", "active", "key")}),
        (_("Preview"), {"fields": ("preview", "placeholders", "use_count", "last_used_at")}),
    )

    @admin.display(description=_("complaint types"))
    def types(self, obj: Script) -> str:
        return ", ".join(obj.type_codes) or "—"

    @admin.display(description=_("channels"))
    def channel_list(self, obj: Script) -> str:
        return ", ".join(obj.channels) or "—"

    @admin.display(description=_("preview (sample complaint)"))
    def preview(self, obj: Script):
        if obj is None or not obj.pk:
            return _("Save to see the preview.")
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', rendering.render_text(obj.text, SCRIPT_SAMPLE))

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj):
        rows = list(PLACEHOLDERS.values()) + list(rendering.EXTRA_HELP.values())
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li><code>{{{}}}</code> / <code>{{{}}}</code>: {}</li>", rows)
        )


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    """One click on the complaint page applies these steps, each through the normal action as the user."""

    list_display = ("name", "step_count", "use_count", "active")
    list_filter = ("active",)
    list_editable = ("active",)
    search_fields = ("name", "description")
    readonly_fields = ("preview", "use_count")
    fields = ("name", "description", "steps", "active", "key", "preview", "use_count")

    @admin.display(description=_("steps"))
    def step_count(self, obj: Macro) -> int:
        return len(obj.steps) if isinstance(obj.steps, list) else 0

    @admin.display(description=_("what it does"))
    def preview(self, obj: Macro):
        if obj is None or not obj.pk or macros.step_errors(obj.steps):
            return _("Save to see the preview.")
        ids = [s["reply"] for s in obj.steps if "reply" in s]
        scripts = Script.objects.in_bulk(ids)
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((macros.describe(s, scripts),) for s in obj.steps))
        )
