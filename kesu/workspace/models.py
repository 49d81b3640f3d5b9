"""Saved views (a named filter and sort, personal or shared with a department) and bulk runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SavedView(models.Model):
    """A list someone keeps (我的A类未结, 本周超时): the inbox filters and sort under a name. Personal unless
    `department` is set: then every member of that department sees it too (only the owner changes it)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=60)
    filters = models.JSONField(_("filters"), default=dict)
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("shared with department"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_saved_view_name_per_owner")]

    def __str__(self) -> str:
        return self.name

    @property
    def shared(self) -> bool:
        return self.department_id is not None


class BulkRunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("bulk run", "Queued")
    RUNNING = "running", pgettext_lazy("bulk run", "Running")
    DONE = "done", pgettext_lazy("bulk run", "Done")
    FAILED = "failed", pgettext_lazy("bulk run", "Failed")


class BulkRun(models.Model):
    """One bulk action over many complaints, run by the worker: what was asked, and each complaint's
    result as it comes ({"number", "status", "error"?}), so the page can show the progress."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulk_runs", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=20)
    body = models.JSONField(_("details"), default=dict)
    numbers = models.JSONField(_("complaint numbers"), default=list)
    results = models.JSONField(_("results"), default=list)
    total = models.PositiveIntegerField(_("complaints"))
    status = models.CharField(_("status"), max_length=10, choices=BulkRunStatus.choices, default=BulkRunStatus.QUEUED)
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the worker last reported progress: a running run silent for long has lost its worker.
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bulk run")
        verbose_name_plural = _("bulk runs")

    def __str__(self) -> str:
        return f"{self.action} × {self.total}"

    @property
    def done(self) -> int:
        return len(self.results)

    @property
    def finished(self) -> bool:
        return self.status in (BulkRunStatus.DONE, BulkRunStatus.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def succeeded(self) -> int:
        return sum(1 for r in self.results if r.get("status") == 200)
