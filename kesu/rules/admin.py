import json

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import playbooks
from .engine import CONDITIONS, RESULT_FIELDS, RuleError, validate_rule
from .models import Playbook, Rule, RuleSet, TermFeedback
from .versions import next_version


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "active", "loaded_at")
    readonly_fields = ("code", "name", "name_en", "active", "settings", "source_hash", "loaded_at")
    actions = ["activate"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Load from its file and make it the active playbook"))
    def activate(self, request, queryset):
        for playbook in queryset:
            try:
                result = playbooks.load(playbook.code, actor=request.user)
            except playbooks.PlaybookError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(name)s is active (rule set v%(version)s).")
                % {"name": playbook.name, "version": result.ruleset_version},
            )


class RuleInline(admin.TabularInline):
    model = Rule
    fields = ("order", "code", "name", "name_en", "when", "then", "reason", "reason_en", "is_default", "enabled")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ("playbook", "version", "active", "note", "created_by", "created_at")
    list_filter = ("playbook", "active")
    readonly_fields = ("playbook", "version", "active", "note", "created_by", "created_at")
    inlines = [RuleInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = (
            "ruleset",
            "code",
            "name",
            "name_en",
            "order",
            "when",
            "then",
            "reason",
            "reason_en",
            "is_default",
            "enabled",
        )
        help_texts = {
            "when": _("Conditions, all must hold: %(names)s.") % {"names": ", ".join(CONDITIONS)},
            "then": _("Results: %(names)s.") % {"names": ", ".join(RESULT_FIELDS)},
        }

    def clean(self):
        data = super().clean()
        ruleset = data.get("ruleset")
        if ruleset is not None and not ruleset.active:
            self.add_error("ruleset", _("Only the active version's rules can be changed."))
        try:
            validate_rule(data.get("when") or {}, data.get("then"))
        except RuleError as exc:
            self.add_error(exc.field if exc.field in ("when", "then") else "when", str(exc))
        code = data.get("code")
        if ruleset is not None and code:
            clash = ruleset.rules.filter(code=code)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", _("Another rule of this version already has this code."))
        return data


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    """Every save makes a new rule-set version: complaints keep the version that classified them."""

    form = RuleForm
    list_display = ("code", "name", "name_en", "ruleset", "is_default", "enabled", "conditions", "results")
    list_filter = ("ruleset__playbook", "ruleset__active", "enabled")
    search_fields = ("code", "name", "reason")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ruleset__playbook")

    @admin.display(description=_("conditions"))
    def conditions(self, obj):
        return json.dumps(obj.when, ensure_ascii=False)

    @admin.display(description=_("results"))
    def results(self, obj):
        return json.dumps(obj.then, ensure_ascii=False)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.ruleset.active)

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off with "enabled"; versions stay complete

    def save_model(self, request, obj, form, change):
        original = Rule.objects.get(pk=obj.pk) if change else None
        base = original.ruleset if original else obj.ruleset
        note = _("edited rule %(code)s") if change else _("added rule %(code)s")
        new = next_version(
            base, actor=request.user, note=str(note % {"code": obj.code}), leave_out=original.code if original else None
        )
        obj.pk = None
        obj._state.adding = True
        obj.ruleset = new
        obj.save()
        self.message_user(request, _("Saved as rule set version %(version)s.") % {"version": new.version})


@admin.register(TermFeedback)
class TermFeedbackAdmin(admin.ModelAdmin):
    list_display = ("term", "risk", "confirmed", "rejected", "updated_at")
    list_filter = ("risk",)
    search_fields = ("term",)
    readonly_fields = ("term", "risk", "confirmed", "rejected", "updated_at")

    def has_add_permission(self, request):
        return False
