from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
    readonly_fields = ("links_start_with", "demo_loaded_at")

    @admin.display(description=_("links in messages start with"))
    def links_start_with(self, obj) -> str:
        from .links import base_url

        return base_url()

    def has_add_permission(self, request):
        return not Organization.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
