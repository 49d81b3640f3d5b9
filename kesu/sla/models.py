import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.core.names import BilingualName, pick

from .calendars import Mode


def default_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class BusinessCalendar(models.Model):
    """Working hours, weekly pattern, holidays and make-up working days of an organisation (R-SLA-2)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    work_start = models.TimeField(_("working hours start"), default=dt.time(9, 0))
    work_end = models.TimeField(_("working hours end"), default=dt.time(18, 0))
    weekdays = models.JSONField(_("working weekdays"), default=default_weekdays, help_text=_("0 = Monday … 6 = Sunday"))
    is_default = models.BooleanField(_("default"), default=False)
    # Bumped on every change so processes reload their cached copy.
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_calendar"),
            models.CheckConstraint(condition=Q(work_end__gt=models.F("work_start")), name="calendar_hours_order"),
        ]

    def __str__(self) -> str:
        return self.name


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", pgettext_lazy("calendar day", "Public holiday (off)")
    WORKDAY = "workday", pgettext_lazy("calendar day", "Make-up working day (调休)")


class CalendarDay(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")
        constraints = [models.UniqueConstraint(fields=["calendar", "day"], name="uniq_calendar_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """A year whose official holidays are entered. Years without one fall back to the weekly
    pattern, and administrators are warned."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=40, default="manual")

    class Meta:
        ordering = ["year"]
        verbose_name = _("covered year")
        verbose_name_plural = _("covered years")
        constraints = [models.UniqueConstraint(fields=["calendar", "year"], name="uniq_calendar_year")]

    def __str__(self) -> str:
        return f"{self.year} ({self.source})"


class ClockDefinition(BilingualName, models.Model):
    """A named SLA clock of a playbook: when it starts, what stops it, how long it runs (R-SLA-1).

    Several definitions may share a code with different `applies` conditions (e.g. investigation:
    24 h for urgent, 48 h otherwise); the first that applies, by `order`, is used.
    """

    playbook = models.ForeignKey("rules.Playbook", on_delete=models.CASCADE, related_name="clocks")
    code = models.CharField(_("clock"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    start_on = models.JSONField(_("starts on"), default=list)
    stop_on = models.JSONField(_("stops on"), default=list)
    applies = models.JSONField(_("applies when"), default=dict, blank=True)
    mode = models.CharField(_("counting"), max_length=20, choices=[(m, m) for m in Mode.ALL], default=Mode.CALENDAR)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    days = models.PositiveIntegerField(_("working days"), default=0)
    remind_before_minutes = models.PositiveIntegerField(_("remind before (minutes)"), default=0)
    recurring = models.BooleanField(_("restarts when met"), default=False)
    escalate_on_breach = models.BooleanField(_("escalate on breach"), default=False)
    penalty_amount = models.DecimalField(
        _("penalty on breach (CNY)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    penalty_rule = models.CharField(_("penalty rule"), max_length=200, blank=True)
    penalty_rule_en = models.CharField(_("penalty rule in English"), max_length=200, blank=True)

    class Meta:
        ordering = ["playbook", "order", "id"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")

    def __str__(self) -> str:
        return f"{self.playbook.code}:{self.code}"

    @property
    def display_penalty_rule(self) -> str:
        return pick(self.penalty_rule, self.penalty_rule_en)


class Deadline(models.Model):
    """One running (or finished) clock on a complaint. The sweep reads only rows that are due."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="deadlines")
    definition = models.ForeignKey(ClockDefinition, null=True, on_delete=models.SET_NULL, related_name="+")
    clock = models.CharField(_("clock"), max_length=40)
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    mode = models.CharField(max_length=20, default=Mode.CALENDAR)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused for (s)"), default=0)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            # The sweep's two questions, each answered from a small partial index.
            models.Index(
                fields=["due_at"],
                condition=Q(
                    met_at__isnull=True, breached_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True
                ),
                name="deadline_due_idx",
            ),
            models.Index(
                fields=["remind_at"],
                condition=Q(
                    reminded_at__isnull=True,
                    met_at__isnull=True,
                    breached_at__isnull=True,
                    cancelled_at__isnull=True,
                    paused_at__isnull=True,
                    remind_at__isnull=False,
                ),
                name="deadline_remind_idx",
            ),
            models.Index(fields=["complaint", "clock"], name="deadline_complaint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.clock} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def running(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    @property
    def breached(self) -> bool:
        return self.breached_at is not None
