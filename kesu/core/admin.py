from django.contrib import admin

from .models import Organization


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that shows records and never adds, changes or deletes them (timelines, clocks, models)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "time_zone", "complaint_prefix", "hotline")
    readonly_fields = ("demo_loaded_at",)

    def has_add_permission(self, request):
        return not Organization.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
