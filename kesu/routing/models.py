from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HandlerProfile(models.Model):
    """What the owner choice knows about a handler besides their load: skills (type codes) and areas."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handler_profile")
    skills = models.JSONField(_("skills (complaint type codes)"), default=list, blank=True)
    areas = models.JSONField(_("areas (stores, regions, customers)"), default=list, blank=True)
    max_open = models.PositiveIntegerField(_("maximum open complaints"), null=True, blank=True)

    class Meta:
        verbose_name = _("handler profile")
        verbose_name_plural = _("handler profiles")

    def __str__(self) -> str:
        return str(self.user)


class TaskKind(models.TextChoices):
    COLLABORATION = "collaboration", pgettext_lazy("task kind", "Collaborating department")
    ONSITE = "onsite", pgettext_lazy("task kind", "On-site team")
    OTHER = "other", pgettext_lazy("task kind", "Other")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
    DONE = "done", pgettext_lazy("task status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("task status", "Cancelled")


class Task(models.Model):
    """Work another department (or an on-site team member) does on a complaint, with its own deadline (R-RT-3)."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices, default=TaskKind.COLLABORATION)
    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("department"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("owner"),
    )
    role_label = models.CharField(_("role in the team"), max_length=100, blank=True)
    # A title and role the application wrote (collaboration, on-site team), to show in the reader's language:
    # {"title": msg(...), "role": {"zh": ..., "en": ...}} (kesu.notifications.text). Typed tasks have none.
    text = models.JSONField(_("title in each language"), default=dict, blank=True, editable=False)
    required = models.BooleanField(_("required before resolving"), default=True)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    note = models.TextField(_("result / note"), blank=True)
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["complaint", "due_at", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["owner", "status"], name="task_owner_status_idx"),
            models.Index(fields=["department", "status"], name="task_dept_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "department", "kind", "round"],
                condition=Q(kind="collaboration") & ~Q(status="cancelled"),
                name="one_collaboration_task_per_department_round",
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the language of the page being rendered (as typed, for a task someone typed)."""
        from kesu.notifications.text import render

        return render(self.text["title"]) if (self.text or {}).get("title") else self.title

    @property
    def display_role(self) -> str:
        from kesu.notifications.text import render

        return render(self.text["role"]) if (self.text or {}).get("role") else self.role_label

    @property
    def is_open(self) -> bool:
        return self.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class Watcher(models.Model):
    """A follower (抄送) of a complaint: copied at dispatch (supervisor, department head), following it
    themselves or added by a colleague — notified of its changes (kesu.routing.followers)."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="watchers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watching")
    reason = models.CharField(_("why"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("since"))
    # Who put them on the complaint (themselves when they follow it); empty when the dispatch copied them.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("watcher")
        verbose_name_plural = _("watchers")
        constraints = [models.UniqueConstraint(fields=["complaint", "user"], name="uniq_watcher")]

    def __str__(self) -> str:
        return f"{self.user} → {self.complaint_id}"


class VipChange(models.Model):
    """Each time a supervisor marks a customer VIP or takes the mark away (the flag itself is the customer's
    relationship, "vip"): who, when and why, shown on the customer's page."""

    customer = models.ForeignKey("complaints.Customer", on_delete=models.CASCADE, related_name="vip_changes")
    vip = models.BooleanField(_("VIP"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("VIP change")
        verbose_name_plural = _("VIP changes")

    def __str__(self) -> str:
        return f"{self.customer_id} vip={self.vip} @ {self.at:%Y-%m-%d}"
