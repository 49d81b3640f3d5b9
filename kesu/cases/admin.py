from django.contrib import admin

from kesu.core.admin import ReadOnlyAdmin

from .models import Case


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases are chosen and edited on the complaint page and through the API, never here."""

    list_display = ("title", "complaint", "created_by", "created_at", "updated_at")
    search_fields = ("title", "lesson", "tags_text", "complaint__number")
    raw_id_fields = ("complaint",)
