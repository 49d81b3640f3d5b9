"""Models of the investigation, containment, 8D and CAPA (R-INV). Changed only by kesu.quality.actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartnerKind(models.TextChoices):
    SUPPLIER = "supplier", pgettext_lazy("partner", "Supplier")
    CARRIER = "carrier", pgettext_lazy("partner", "Carrier")
    INSTALLER = "installer", pgettext_lazy("partner", "Installer")


class Partner(models.Model):
    """An outside partner a complaint's cause may lie with (the register the administrator keeps)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Responsibility(models.TextChoices):
    INTERNAL = "internal", pgettext_lazy("responsibility", "Internal department")
    SUPPLIER = "supplier", pgettext_lazy("responsibility", "Supplier")
    CARRIER = "carrier", pgettext_lazy("responsibility", "Carrier")
    INSTALLER = "installer", pgettext_lazy("responsibility", "Installer")
    CUSTOMER = "customer", pgettext_lazy("responsibility", "Customer")
    NONE = "none", pgettext_lazy("responsibility", "Nobody (not justified)")


# The outside partners a responsibility names (its partner must be of the same kind). A tuple: the check
# constraint lists them in this order, the same in every process (a set's order would change the migration).
PARTNER_RESPONSIBILITIES = (Responsibility.SUPPLIER, Responsibility.CARRIER, Responsibility.INSTALLER)


class RootCauseCategory(models.TextChoices):
    """人机料法环测 (5M1E)."""

    MAN = "man", pgettext_lazy("5M1E", "Man 人")
    MACHINE = "machine", pgettext_lazy("5M1E", "Machine 机")
    MATERIAL = "material", pgettext_lazy("5M1E", "Material 料")
    METHOD = "method", pgettext_lazy("5M1E", "Method 法")
    ENVIRONMENT = "environment", pgettext_lazy("5M1E", "Environment 环")
    MEASUREMENT = "measurement", pgettext_lazy("5M1E", "Measurement 测")


class Investigation(models.Model):
    """What was checked, who is responsible, how far it reaches and why it happened (R-INV-1)."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="investigation", verbose_name=_("complaint")
    )
    checked = models.TextField(_("data checked"), blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=20, choices=Responsibility.choices, blank=True)
    responsible_department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    root_cause_category = models.CharField(
        _("root cause category"), max_length=20, choices=RootCauseCategory.choices, blank=True
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    impact = models.TextField(_("impact range"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=True) | Q(responsibility__in=list(PARTNER_RESPONSIBILITIES)),
                name="investigation_partner_is_outside",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.root_cause[:40]}"


class Place(models.TextChoices):
    STOCK = "stock", pgettext_lazy("containment place", "Stock 库存品")
    WIP = "wip", pgettext_lazy("containment place", "Work in progress 在制品")
    TRANSIT = "transit", pgettext_lazy("containment place", "In transit 在途品")
    CUSTOMER = "customer", pgettext_lazy("containment place", "At the customer")


class Disposition(models.TextChoices):
    SPECIAL_ACCEPTANCE = "special_acceptance", pgettext_lazy("disposition", "Special acceptance 特采")
    REWORK = "rework", pgettext_lazy("disposition", "Rework 重工")
    RETURN = "return", pgettext_lazy("disposition", "Return 退货")
    SCRAP = "scrap", pgettext_lazy("disposition", "Scrap 报废")


class ContainmentRow(models.Model):
    """One place checked for suspect goods (库存品/在制品/在途品/客户处), what was found and done (R-INV-2)."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="containment", verbose_name=_("complaint")
    )
    place = models.CharField(_("place"), max_length=20, choices=Place.choices)
    checked = models.PositiveIntegerField(_("checked"), default=0)
    suspect = models.PositiveIntegerField(_("suspect"), default=0)
    bad = models.PositiveIntegerField(_("bad"), default=0)
    action = models.TextField(_("action taken"))
    disposition = models.CharField(_("disposition"), max_length=30, choices=Disposition.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("containment row")
        verbose_name_plural = _("containment")
        constraints = [
            models.CheckConstraint(condition=Q(bad__lte=models.F("checked")), name="containment_bad_le_checked"),
            models.CheckConstraint(condition=~Q(action=""), name="containment_has_action"),
        ]

    def __str__(self) -> str:
        return f"{self.place}: {self.bad}/{self.checked}"


DISCIPLINES = ("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8")


class DisciplineStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("8D status", "Open")
    DONE = "done", pgettext_lazy("8D status", "Done")


class Discipline(models.Model):
    """One discipline (D0–D8) of a complaint's 8D report: its content, owner, status and date (R-INV-3).
    A discipline nobody saved yet has no row: the report shows it pre-filled from the complaint."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="disciplines", verbose_name=_("complaint")
    )
    code = models.CharField(_("discipline"), max_length=2, choices=[(d, d.upper()) for d in DISCIPLINES])
    content = models.JSONField(_("content"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DisciplineStatus.choices, default=DisciplineStatus.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["complaint", "code"]
        verbose_name = _("8D discipline")
        verbose_name_plural = _("8D disciplines")
        constraints = [models.UniqueConstraint(fields=["complaint", "code"], name="uniq_discipline_per_complaint")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.code.upper()}"


class Revision(models.Model):
    """A frozen copy of the 8D report as it was sent to the customer; never changed afterwards."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="eightd_revisions", verbose_name=_("complaint")
    )
    number = models.PositiveIntegerField(_("revision"))
    report = models.JSONField(_("report"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("frozen at"))

    class Meta:
        ordering = ["complaint", "number"]
        verbose_name = _("8D revision")
        verbose_name_plural = _("8D revisions")
        constraints = [models.UniqueConstraint(fields=["complaint", "number"], name="uniq_8d_revision")]

    def __str__(self) -> str:
        return f"{self.complaint_id} rev {self.number}"


class CapaKind(models.TextChoices):
    CORRECTIVE = "corrective", pgettext_lazy("CAPA", "Corrective")
    PREVENTIVE = "preventive", pgettext_lazy("CAPA", "Preventive")


class CapaStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("CAPA", "Open")
    DONE = "done", pgettext_lazy("CAPA", "Done, to verify")
    VERIFIED = "verified", pgettext_lazy("CAPA", "Verified effective")


class Capa(models.Model):
    """A corrective or preventive action (R-INV-4); one may serve several complaints with the same root cause.
    Its due date is a clock of its own, swept by kesu.quality.sweep (remind, breach, escalate once per due date)."""

    kind = models.CharField(_("kind"), max_length=20, choices=CapaKind.choices)
    action = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="capas", verbose_name=_("owner")
    )
    # The owner's department when it was given to them: what "my department's actions" lists.
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    complaints = models.ManyToManyField("complaints.Complaint", related_name="capas", verbose_name=_("complaints"))
    status = models.CharField(_("status"), max_length=20, choices=CapaStatus.choices, default=CapaStatus.OPEN)
    due_at = models.DateTimeField(_("due at"))
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("corrective / preventive action")
        verbose_name_plural = _("corrective / preventive actions (CAPA)")
        constraints = [models.CheckConstraint(condition=~Q(action=""), name="capa_has_action")]
        indexes = [
            # The sweep's two questions, each from a small partial index (like the complaint deadlines').
            models.Index(fields=["due_at"], condition=Q(status="open", breached_at__isnull=True), name="capa_due_idx"),
            models.Index(
                fields=["remind_at"],
                condition=Q(status="open", reminded_at__isnull=True, remind_at__isnull=False),
                name="capa_remind_idx",
            ),
            models.Index(fields=["owner", "status"], name="capa_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"CAPA {self.pk}: {self.action[:40]}"

    @property
    def breached(self) -> bool:
        return self.breached_at is not None


class Verification(models.Model):
    """The quality role's check of whether a done CAPA worked: method, date, result, effective or not."""

    capa = models.ForeignKey(Capa, on_delete=models.CASCADE, related_name="verifications")
    method = models.TextField(_("method"))
    result = models.TextField(_("result"))
    effective = models.BooleanField(_("effective"))
    new_due_at = models.DateTimeField(_("new due date"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        ordering = ["capa", "verified_at", "id"]
        verbose_name = _("effectiveness verification")
        verbose_name_plural = _("effectiveness verifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective=True) | Q(new_due_at__isnull=False), name="verification_reopen_has_due"
            ),
        ]

    def __str__(self) -> str:
        return f"CAPA {self.capa_id}: {'effective' if self.effective else 'not effective'}"
