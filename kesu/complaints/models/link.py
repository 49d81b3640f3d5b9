from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LinkKind(models.TextChoices):
    RELATED = "related", pgettext_lazy("link kind", "Related")
    DUPLICATE = "duplicate", pgettext_lazy("link kind", "Duplicate of")
    FOLLOW_UP = "follow_up", pgettext_lazy("link kind", "Follow-up of")


class ComplaintLink(models.Model):
    """A link staff made between two complaints (merging.do_link), read from both ends.

    Directed: `from_complaint` is the one it was made on — a duplicate of, or a follow-up of, `to_complaint`
    ("related" reads the same both ways). One link per pair of complaints, whichever way round: do_link
    locks both rows in id order and looks for the reverse before it inserts."""

    from_complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="links_out", verbose_name=_("complaint")
    )
    to_complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="links_in", verbose_name=_("linked to")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices, default=LinkKind.RELATED)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("linked at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint link")
        verbose_name_plural = _("complaint links")
        constraints = [
            models.UniqueConstraint(fields=["from_complaint", "to_complaint"], name="uniq_complaint_link"),
            models.CheckConstraint(condition=~Q(from_complaint=F("to_complaint")), name="complaint_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_complaint_id} {self.kind} {self.to_complaint_id}"
