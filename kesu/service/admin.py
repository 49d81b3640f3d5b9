from django.contrib import admin

from .models import ProductWarranty, ServiceClock, ServiceEvent, ServiceLine, ServiceOrder, Technician


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    list_display = ("user", "skills", "areas", "daily_capacity", "active")
    list_filter = ("active",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)


@admin.register(ProductWarranty)
class ProductWarrantyAdmin(admin.ModelAdmin):
    list_display = ("product", "months")
    search_fields = ("product",)


class LineInline(admin.TabularInline):
    model = ServiceLine
    extra = 0
    readonly_fields = ("kind", "description", "quantity", "unit_price", "used")
    can_delete = False


class ClockInline(admin.TabularInline):
    model = ServiceClock
    extra = 0
    readonly_fields = ("clock", "started_at", "due_at", "reminded_at", "met_at", "breached_at", "stopped_at")
    exclude = ("remind_at",)
    can_delete = False


class EventInline(admin.TabularInline):
    model = ServiceEvent
    extra = 0
    readonly_fields = ("at", "actor_label", "action", "from_status", "to_status", "data")
    exclude = ("actor",)
    can_delete = False


@admin.register(ServiceOrder)
class ServiceOrderAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the order's actions (the staff pages and the API)."""

    list_display = ("number", "status", "service_class", "mode", "product", "technician", "created_at")
    list_filter = ("status", "service_class", "mode")
    search_fields = ("number", "product", "address", "customer__name")
    inlines = (LineInline, ClockInline, EventInline)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
