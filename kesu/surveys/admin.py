"""Surveys in Django's admin (administrators): plans, questions, target groups; recipients and responses read only."""

from django.contrib import admin

from .models import Question, Recipient, Response, Survey, TargetGroup


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("position", "text", "kind", "choices", "required")


class TargetGroupInline(admin.TabularInline):
    model = TargetGroup
    extra = 0
    fields = ("kind", "region", "product", "quota")


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "status", "anonymous", "period_start", "period_end", "created_at")
    list_filter = ("status", "year", "anonymous")
    search_fields = ("title",)
    inlines = [QuestionInline, TargetGroupInline]
    readonly_fields = ("created_by", "created_at", "opened_at", "closed_at", "version")


class ReadOnlyAdmin(admin.ModelAdmin):
    """What customers sent and who was asked: recorded by the actions, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recipient)
class RecipientAdmin(ReadOnlyAdmin):
    list_display = ("survey", "customer", "channel", "invited_at", "opened_at", "answered_at", "reminders")
    list_filter = ("survey", "channel")
    list_select_related = ("survey", "customer")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("survey", "via", "language", "submitted_at")
    list_filter = ("survey", "via")
    list_select_related = ("survey",)
    readonly_fields = ("survey", "recipient", "answers", "via", "language", "submitted_at")
