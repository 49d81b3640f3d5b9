"""Received mail, with what became of each: viewed only (a mail is handled by the receivers, never edited)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kesu.core.admin import ReadOnlyAdmin

from .models import InboundMail


@admin.register(InboundMail)
class InboundMailAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "from_address", "subject", "outcome", "reason", "number", "via", "size")
    list_filter = ("outcome", "reason", "via")
    search_fields = ("=message_id", "from_address", "subject", "=complaint__number")
    list_select_related = ("complaint",)
    date_hierarchy = "received_at"

    @admin.display(description=_("complaint"), ordering="complaint__number")
    def number(self, obj: InboundMail) -> str:
        return obj.complaint.number if obj.complaint_id else ""
