from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EvidenceSource(models.TextChoices):
    CUSTOMER = "customer", pgettext_lazy("evidence source", "From the customer")
    STAFF = "staff", pgettext_lazy("evidence source", "Taken by staff")
    STORE = "store", pgettext_lazy("evidence source", "From the store")
    SYSTEM = "system", pgettext_lazy("evidence source", "From another system")


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under a random name; the customer's file name is kept only as metadata.
    return f"attachments/{instance.complaint_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="attachments", verbose_name=_("complaint")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    source = models.CharField(
        _("source"), max_length=20, choices=EvidenceSource.choices, default=EvidenceSource.CUSTOMER
    )
    captured_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    # On a survivor: the duplicate this piece of evidence came with when it was merged (the same stored file).
    merged_from = models.ForeignKey(
        "complaints.Complaint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("came with"),
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
