"""Admin pages of the reports package: who receives the scheduled reports, and what was sent to whom."""

from django.contrib import admin
from django.utils.translation import pgettext_lazy

from kesu.core.admin import ReadOnlyAdmin

from .models import ReportDelivery, ReportRecipient


@admin.register(ReportRecipient)
class ReportRecipientAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "user",
        "email",
        "weekly",
        "monthly",
        "language",
        "department",
        "organisation_data",
        "active",
    )
    list_filter = ("active", "weekly", "monthly", "language", "organisation_data")
    search_fields = ("email", "user__username", "user__display_name", "note")
    autocomplete_fields = ("user",)
    fieldsets = (
        (None, {"fields": ("user", "email", "active", "note")}),
        (
            pgettext_lazy("report recipient", "Reports"),
            {"fields": ("weekly", "monthly", "language", "department", "organisation_data")},
        ),
    )


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("kind", "period", "recipient", "address", "status", "attempts", "sent_at", "last_error")
    list_filter = ("kind", "status", "period")
    search_fields = ("address", "period")
    list_select_related = ("recipient", "recipient__user")
