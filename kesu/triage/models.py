from django.db import models
from django.utils.translation import gettext_lazy as _


class TriageModel(models.Model):
    """One trained version of the learned type suggester, with what it was trained and judged on.

    `retrain_triage` (and the worker) trains a candidate and evaluates it beside the active version on the same
    held-back examples; the candidate becomes the active version only if it is not worse. Candidates that lost are
    kept, without their parameters, so the report shows every attempt and why it was decided so.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created at"))
    active = models.BooleanField(_("active"), default=False)
    took_over_at = models.DateTimeField(_("took over at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    # {"shipped": n, "corrections": n, "by_type": {...}}: the examples it was fitted on.
    training = models.JSONField(_("training counts"), default=dict, blank=True)
    # {"held_back": n, "candidate": {...figures}, "previous": {...figures} | null}: on the same held-back examples.
    evaluation = models.JSONField(_("evaluation"), default=dict, blank=True)
    decision = models.CharField(_("decision"), max_length=300, blank=True)
    # The serialised model (kesu.triage.linear: JSON of vocabulary, idf and coefficients, plus the blend weights);
    # empty for a candidate that did not take over.
    params = models.JSONField(_("parameters"), null=True, blank=True)
    data_fingerprint = models.CharField(_("development set fingerprint"), max_length=64, blank=True)
    # The last triage event whose decision it learned from: the worker retrains only when newer ones exist.
    last_event_id = models.BigIntegerField(_("last triage event learned from"), default=0)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("triage model version")
        verbose_name_plural = _("triage model versions")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_triage_model")
        ]

    def __str__(self) -> str:
        return f"v{self.version}"
