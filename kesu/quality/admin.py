from django.contrib import admin

from kesu.core.admin import ReadOnlyAdmin

from .models import Capa, Investigation, Partner, Revision


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """The partner register: suppliers, carriers and installers a complaint's responsibility may name."""

    list_display = ("code", "name", "kind", "contact", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "contact")


@admin.register(Investigation)
class InvestigationAdmin(ReadOnlyAdmin):
    """Investigations are recorded on the complaint's investigation tab and through the API, never here."""

    list_display = ("complaint", "responsibility", "root_cause_category", "updated_by", "updated_at")
    list_filter = ("responsibility", "root_cause_category")
    search_fields = ("complaint__number", "root_cause")
    raw_id_fields = ("complaint",)


@admin.register(Capa)
class CapaAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "action", "owner", "due_at", "status", "breached_at")
    list_filter = ("kind", "status")
    search_fields = ("action", "owner__username", "complaints__number")


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "number", "created_by", "created_at")
    search_fields = ("complaint__number",)
    raw_id_fields = ("complaint",)
