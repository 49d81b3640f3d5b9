"""Editing rules makes a new rule-set version; earlier versions stay as they were."""

from __future__ import annotations

from django.db import transaction

from .models import Rule, RuleSet

COPIED = ("code", "name", "name_en", "order", "when", "then", "reason", "reason_en", "is_default", "enabled")


@transaction.atomic
def next_version(ruleset: RuleSet, *, actor=None, note: str = "", leave_out: str | None = None) -> RuleSet:
    """A copy of `ruleset`'s rules (less the rule `leave_out`) as the playbook's new active version."""
    playbook = ruleset.playbook
    top = RuleSet.objects.select_for_update().filter(playbook=playbook).order_by("-version").first()
    RuleSet.objects.filter(playbook=playbook, active=True).update(active=False)
    new = RuleSet.objects.create(
        playbook=playbook, version=(top.version if top else 0) + 1, active=True, created_by=actor, note=note[:200]
    )
    rules = ruleset.rules.all() if leave_out is None else ruleset.rules.exclude(code=leave_out)
    Rule.objects.bulk_create(
        [Rule(ruleset=new, **{k: getattr(r, k) for k in COPIED}) for r in rules.order_by("order", "id")]
    )
    return new
