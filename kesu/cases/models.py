"""The case library (案例分析, R-REP-4): closed complaints kept as teaching cases. Changed only by
kesu.cases.actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    """One per complaint: marking a complaint again edits its case."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="case", verbose_name=_("complaint")
    )
    title = models.CharField(_("title"), max_length=200)
    lesson = models.TextField(_("lesson"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # The tags as "|tag|tag|": what search and the tag filter read (the same on SQLite and PostgreSQL,
    # where a JSON list's text differs).
    tags_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("marked by")
    )
    created_at = models.DateTimeField(_("marked at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("edited by")
    )
    updated_at = models.DateTimeField(_("edited at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("teaching case")
        verbose_name_plural = _("teaching cases")
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="case_has_title"),
            models.CheckConstraint(condition=~models.Q(lesson=""), name="case_has_lesson"),
        ]

    def __str__(self) -> str:
        return self.title
