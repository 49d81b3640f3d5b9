"""Sources are edited here (mapping, default channel, active); the events they sent are only viewed.

A source's secret never appears on a page except once, in the message after it was made or replaced.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.core.admin import ReadOnlyAdmin

from . import mapping
from .actions import do_rotate_secret
from .models import InboundEvent, InboundSource, new_secret


class InboundSourceForm(forms.ModelForm):
    sample = forms.JSONField(
        label=_("test with a sample request"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_("Optional: paste a request body of this source to see the complaint body the mapping makes."),
    )

    class Meta:
        model = InboundSource
        fields = ("name", "description", "active", "default_channel", "field_map", "fixed_values")

    def clean(self):
        cleaned = super().clean()
        sample = cleaned.get("sample")
        self.preview = None
        if sample not in (None, "") and not self.errors:
            if not isinstance(sample, dict):
                self.add_error("sample", _("The body is a JSON object."))
                return cleaned
            mapped = mapping.apply(
                sample,
                field_map=cleaned.get("field_map") or {},
                fixed_values=cleaned.get("fixed_values") or {},
                default_channel=cleaned.get("default_channel") or "api",
            )
            problem = mapping.event_id_error(mapped.event_id)
            if problem:
                self.add_error("sample", f"{mapped.source_name(mapping.EVENT_ID)}: {problem}")
                return cleaned
            self.preview = {"external_event_id": str(mapped.event_id), **mapped.body}
        return cleaned


@admin.register(InboundSource)
class InboundSourceAdmin(admin.ModelAdmin):
    form = InboundSourceForm
    list_display = ("name", "description", "default_channel", "active", "created_at", "secret_changed_at")
    list_filter = ("active", "default_channel")
    search_fields = ("name", "description")
    readonly_fields = ("created_at", "secret_changed_at")
    actions = ("rotate_secret",)
    fieldsets = (
        (None, {"fields": ("name", "description", "active", "default_channel")}),
        (_("Mapping"), {"fields": ("field_map", "fixed_values", "sample")}),
        (None, {"fields": ("created_at", "secret_changed_at")}),
    )

    def save_model(self, request, obj, form, change):
        created = not change
        if created:
            obj.secret = new_secret()
        super().save_model(request, obj, form, change)
        if created:
            self.message_user(
                request,
                _("Secret of %(name)s (shown only this once): %(secret)s") % {"name": obj.name, "secret": obj.secret},
                messages.WARNING,
            )
        preview = getattr(form, "preview", None)
        if preview is not None:
            self.message_user(
                request,
                _("The sample becomes this complaint body: %(body)s")
                % {"body": json.dumps(preview, ensure_ascii=False, sort_keys=True)},
                messages.INFO,
            )

    @admin.action(description=_("Give the selected sources a new secret"))
    def rotate_secret(self, request, queryset):
        now = timezone.now()
        for name in queryset.values_list("name", flat=True):
            source, _secret = do_rotate_secret(name, now=now)
            self.message_user(
                request,
                _("New secret of %(name)s (shown only this once): %(secret)s")
                % {"name": source.name, "secret": source.secret},
                messages.WARNING,
            )


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyAdmin):
    list_display = ("source", "external_event_id", "complaint", "received_at")
    list_filter = ("source",)
    search_fields = ("=external_event_id", "=complaint__number")
    list_select_related = ("source", "complaint")
