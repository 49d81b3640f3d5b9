from django.contrib import admin

from kesu.core.admin import ReadOnlyAdmin

from .models import ApprovalLimit, Compensation


@admin.register(ApprovalLimit)
class ApprovalLimitAdmin(admin.ModelAdmin):
    """The approval limits per role: a row here overrides the playbook's (settings.compensation.approval_limits)."""

    list_display = ("role", "max_amount")


@admin.register(Compensation)
class CompensationAdmin(ReadOnlyAdmin):
    """Compensations are requested, decided and executed on the complaint page and through the API, never here."""

    list_display = ("id", "complaint", "kind", "amount", "status", "approver_role", "requested_by", "requested_at")
    list_filter = ("kind", "status", "approver_role")
    search_fields = ("complaint__number", "reference", "requested_by__username")
    raw_id_fields = ("complaint",)
