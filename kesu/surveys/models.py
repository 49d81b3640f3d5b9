"""The annual customer satisfaction survey (R-SAT-4, seed 003 §4.2): the plan, its questionnaire, the customers
it goes to, and their answers. State changes live in actions.py; reads in selectors.py and analysis.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.complaints.models.customer import CustomerKind


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey status", "Draft")
    OPEN = "open", pgettext_lazy("survey status", "Open")
    CLOSED = "closed", pgettext_lazy("survey status", "Closed")


class QuestionKind(models.TextChoices):
    SCORE = "score", pgettext_lazy("question kind", "Rating 1–5")
    CHOICE = "choice", pgettext_lazy("question kind", "Single choice")
    MULTI = "multi", pgettext_lazy("question kind", "Multiple choice")
    TEXT = "text", pgettext_lazy("question kind", "Text")


class Survey(models.Model):
    """One survey: the 年度客户满意程度调查计划 (title, year, period, who is asked) and its 客户满意度调查表."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("answers from"), null=True, blank=True)
    period_end = models.DateField(_("answers until"), null=True, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Answers are not linked to the customer; the survey also has a public link without a token."),
    )
    status = models.CharField(_("status"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    reminder_days = models.PositiveSmallIntegerField(
        _("remind after (days)"),
        default=7,
        help_text=_("Customers who have not answered are reminded this many days after the last message; 0: never."),
    )
    max_reminders = models.PositiveSmallIntegerField(_("reminders at most"), default=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="survey_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position")]

    def __str__(self) -> str:
        return self.text


class TargetGroup(models.Model):
    """Who the plan asks: customers of the archive of a kind, a region and a product, at most `quota` of them.

    The archive has no address: a region matches the store / site or place named on one of the customer's
    complaints, a product the product named on one."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("customer kind"), max_length=20, choices=CustomerKind.choices, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    product = models.CharField(_("product"), max_length=100, blank=True)
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["survey", "id"]
        constraints = [models.CheckConstraint(condition=Q(quota__gte=1), name="survey_group_quota_positive")]

    def __str__(self) -> str:
        return " · ".join(p for p in (self.get_kind_display(), self.region, self.product) if p) or "*"


class Recipient(models.Model):
    """A customer drawn for the survey, with the personal link's life: invited, opened, answered, reminded."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    customer = models.ForeignKey("complaints.Customer", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(TargetGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_sent_at = models.DateTimeField(_("last message at"), null=True, blank=True)
    delivery = models.ForeignKey(
        "notifications.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["survey", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "customer"], name="survey_recipient_once")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.customer_id}"


class Response(models.Model):
    """One filled questionnaire. `answers` maps question id (as text) to the answer: an int for a rating, the
    choice's text, a list of choices, or text; a question left out (not required) is absent.
    `recipient` is empty for the public link and for every answer to an anonymous survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    recipient = models.OneToOneField(
        Recipient, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    answers = models.JSONField(_("answers"), default=dict)
    via = models.CharField(_("via"), max_length=10)  # link (personal), public, api
    language = models.CharField(_("language"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["survey", "id"]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"
