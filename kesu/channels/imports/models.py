"""Models of imports: the column mappings people save, and one record per uploaded file and what became of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportMapping(models.Model):
    """A saved column mapping: {header as written in the sheet: field}, applied to the next file with those headers."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    columns = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    UPLOADED = "uploaded", pgettext_lazy("import", "Uploaded")
    CHECKED = "checked", pgettext_lazy("import", "Checked, ready to import")
    INVALID = "invalid", pgettext_lazy("import", "Has errors")
    IMPORTED = "imported", pgettext_lazy("import", "Imported")


class ImportRun(models.Model):
    """One uploaded file (or one command-line import): its mapping, its check, its errors, what it created."""

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    # Where the uploaded file waits between the steps of the web flow (relative to MEDIA_ROOT); empty for the
    # command line, which reads the file where it lies.
    stored_path = models.CharField(max_length=255, blank=True)
    headers = models.JSONField(_("headers"), default=list, blank=True)  # the header row as written
    columns = models.JSONField(_("columns"), default=dict, blank=True)  # {column index (text): field}
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.UPLOADED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    # Every bad row of the last check: [{"row", "column", "value", "message"}].
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)  # the first rows as they would be stored
    first_number = models.CharField(_("first number"), max_length=32, blank=True)
    last_number = models.CharField(_("last number"), max_length=32, blank=True)
    first_complaint_id = models.BigIntegerField(null=True, blank=True)
    last_complaint_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
