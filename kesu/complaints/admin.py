"""Reference data is edited here; complaints, their timeline and evidence are only viewed.

Complaints change through the lifecycle actions (web pages and API), never through the admin.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kesu.core.admin import ReadOnlyAdmin
from kesu.core.masking import mask_phone

from .models import Attachment, Category, Complaint, Customer, Event


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "parent", "department", "sort_order", "active")
    list_filter = ("active", "department")
    list_editable = ("sort_order", "active")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent", "department")
    filter_horizontal = ("collaborating_departments",)
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "parent", "sort_order", "active")}),
        (_("Routing"), {"fields": ("department", "collaborating_departments")}),
    )


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "masked_phone", "relationship", "company", "created_at")
    list_filter = ("kind", "relationship")
    search_fields = ("name", "company", "external_id", "=phone", "=email")
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Customer) -> str:
        return mask_phone(obj.phone)


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "title",
        "status",
        "severity",
        "priority",
        "level",
        "category",
        "department",
        "owner",
        "received_at",
    )
    list_filter = ("status", "severity", "priority", "level", "channel", "category", "department")
    search_fields = ("=number", "title")
    list_select_related = ("category", "department", "owner")
    date_hierarchy = "received_at"
    exclude = ("search_text",)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "at", "action", "actor_label", "from_status", "to_status", "internal")
    list_filter = ("action", "internal")
    search_fields = ("=complaint__number", "actor_label")
    list_select_related = ("complaint",)
    date_hierarchy = "at"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "complaint", "content_type", "size", "source", "uploaded_by", "uploaded_at")
    list_filter = ("content_type", "source")
    search_fields = ("=complaint__number", "original_name")
    list_select_related = ("complaint", "uploaded_by")
