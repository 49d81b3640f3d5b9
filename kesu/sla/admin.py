from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.core.admin import ReadOnlyAdmin

from .calendar_store import missing_years, sync_official, touch
from .models import BusinessCalendar, CalendarDay, CalendarYear, ClockDefinition, Deadline


class CalendarYearInline(admin.TabularInline):
    model = CalendarYear
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "time_zone", "work_start", "work_end", "is_default", "revision")
    readonly_fields = ("revision",)
    inlines = [CalendarYearInline]
    actions = ["sync_from_package"]

    def changelist_view(self, request, extra_context=None):
        years = missing_years(timezone.localdate())
        if years:
            self.message_user(
                request,
                _(
                    "No official holidays entered for %(years)s: those days count Monday to Friday. Enter the "
                    "public holidays and make-up working days, then add the year as covered."
                )
                % {"years": ", ".join(str(y) for y in years)},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        touch(obj.pk)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        touch(form.instance.pk)

    @admin.action(description=_("Add the holidays the chinesecalendar package knows"))
    def sync_from_package(self, request, queryset):
        for calendar in queryset:
            added = sync_official(calendar)
            self.message_user(request, _("%(calendar)s: %(n)s days added.") % {"calendar": calendar, "n": added})


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "name", "calendar")
    list_filter = ("calendar", "kind", ("day", admin.DateFieldListFilter))
    date_hierarchy = "day"
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        touch(obj.calendar_id)

    def delete_model(self, request, obj):
        calendar_id = obj.calendar_id
        super().delete_model(request, obj)
        touch(calendar_id)

    def delete_queryset(self, request, queryset):
        calendars = set(queryset.values_list("calendar_id", flat=True))
        super().delete_queryset(request, queryset)
        for calendar_id in calendars:
            touch(calendar_id)


@admin.register(ClockDefinition)
class ClockDefinitionAdmin(admin.ModelAdmin):
    list_display = (
        "playbook",
        "code",
        "name",
        "name_en",
        "mode",
        "minutes",
        "days",
        "start_on",
        "stop_on",
        "applies",
        "escalate_on_breach",
        "penalty_amount",
    )
    list_filter = ("playbook", "mode", "escalate_on_breach")
    search_fields = ("code", "name", "name_en")


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "clock", "round", "due_at", "met_at", "breached_at", "paused_at", "cancelled_at")
    list_filter = ("clock", ("breached_at", admin.EmptyFieldListFilter), ("met_at", admin.EmptyFieldListFilter))
    search_fields = ("complaint__number",)
    list_select_related = ("complaint",)
    raw_id_fields = ("complaint",)
