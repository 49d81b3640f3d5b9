from django.contrib import admin

from kesu.core.admin import ReadOnlyAdmin

from .models import Alert, AlertComplaint


class AlertComplaintInline(admin.TabularInline):
    model = AlertComplaint
    extra = 0
    can_delete = False
    readonly_fields = ("complaint", "joined_at")
    fields = ("complaint", "joined_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """Alerts change through the early warning page and the API (acknowledge, close), never here."""

    list_display = ("id", "kind", "key_field", "key_value", "status", "opened_at", "closed_at")
    list_filter = ("kind", "status", "key_field")
    search_fields = ("key_value",)
    inlines = [AlertComplaintInline]
