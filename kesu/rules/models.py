from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.names import BilingualName, pick


class Playbook(BilingualName, models.Model):
    """A preset from playbooks/*.yaml: types, rules, clocks, escalation and penalties (R-CLS-2).

    Exactly one playbook is active; `load_playbook NAME` makes NAME the active one.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=False)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    source_hash = models.CharField(_("source fingerprint"), max_length=64, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_playbook")
        ]

    def __str__(self) -> str:
        return self.display_name

    def setting(self, key: str, default=None):
        return (self.settings or {}).get(key, default)


class RuleSet(models.Model):
    """One version of a playbook's classification rules. Editing a rule makes a new version;
    a complaint keeps the version that classified it."""

    playbook = models.ForeignKey(
        Playbook, on_delete=models.PROTECT, related_name="rulesets", verbose_name=_("playbook")
    )
    version = models.PositiveIntegerField(_("version"))
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("change note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )

    class Meta:
        ordering = ["playbook", "-version"]
        verbose_name = _("rule set version")
        verbose_name_plural = _("rule set versions")
        constraints = [
            models.UniqueConstraint(fields=["playbook", "version"], name="uniq_ruleset_version"),
            models.UniqueConstraint(
                fields=["playbook"], condition=models.Q(active=True), name="one_active_ruleset_per_playbook"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.playbook.code} v{self.version}"


class Rule(BilingualName, models.Model):
    """IF every condition in `when` holds THEN apply `then`. Data only: no user code is evaluated."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("rule set"))
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    when = models.JSONField(_("conditions"), default=dict, blank=True)
    then = models.JSONField(_("results"), default=dict)
    reason = models.CharField(_("reason shown on the complaint"), max_length=300, blank=True)
    reason_en = models.CharField(_("reason in English"), max_length=300, blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Applies only to fields no other rule has set.")
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["ruleset", "order", "id"]
        verbose_name = _("classification rule")
        verbose_name_plural = _("classification rules")
        constraints = [models.UniqueConstraint(fields=["ruleset", "code"], name="uniq_rule_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.display_name}"

    @property
    def display_reason(self) -> str:
        return pick(self.reason, self.reason_en)


class TermFeedback(models.Model):
    """How often agents kept or overturned a risk suggestion a term produced (learning from corrections)."""

    term = models.CharField(_("term"), max_length=60)
    risk = models.CharField(_("risk"), max_length=30)
    confirmed = models.PositiveIntegerField(_("confirmed"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("suggestion feedback")
        verbose_name_plural = _("suggestion feedback")
        constraints = [models.UniqueConstraint(fields=["term", "risk"], name="uniq_term_risk")]

    def __str__(self) -> str:
        return f"{self.term} → {self.risk}: +{self.confirmed}/-{self.rejected}"
