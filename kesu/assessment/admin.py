from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.core.errors import DomainError

from .actions import do_confirm_penalty, do_waive_penalty
from .models import PenaltyEntry


@admin.register(PenaltyEntry)
class PenaltyEntryAdmin(admin.ModelAdmin):
    """The assessment ledger. Entries are written by the SLA rules and decided, never edited."""

    list_display = ("created_at", "person", "complaint", "rule", "amount", "status", "decided_by", "decided_at")
    list_filter = ("status", ("created_at", admin.DateFieldListFilter), "person")
    search_fields = ("complaint__number", "person__username", "person__display_name", "rule")
    list_select_related = ("person", "complaint", "decided_by")
    date_hierarchy = "created_at"
    actions = ["confirm", "waive"]
    readonly_fields = [f.name for f in PenaltyEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, fn, **kwargs):
        done = 0
        for entry in queryset:
            try:
                fn(entry.pk, actor=request.user, now=timezone.now(), **kwargs)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{entry}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s entries decided.") % {"n": done})

    @admin.action(description=_("Confirm the selected entries"))
    def confirm(self, request, queryset):
        self._decide(request, queryset, do_confirm_penalty)

    @admin.action(description=_("Waive the selected entries (reason: decided in the admin)"))
    def waive(self, request, queryset):
        self._decide(request, queryset, do_waive_penalty, note=str(_("waived in the administration pages")))
