"""What the active playbook says about CAPAs (settings.capa), e.g. manufacturing:

    capa:
      required_when:                      # any entry whose every condition holds requires CAPA before close
        - {type_in: [quality], severity_in: [A]}
        - {type_in: [quality], severity_in: [B], responsibility_in: [internal]}
      remind_before_minutes: 1440         # the CAPA due date is a clock: reminded this long before,
      escalate_on_breach: true            # the complaints escalated when it is missed,
      penalty_amount: "50.00"             # and the owner assessed (考核), where the playbook says so
      penalty_rule: 纠正措施未按期完成

Pure reading of the settings: no writes.
"""

from __future__ import annotations

from typing import Any

from kesu.rules.playbooks import active_playbook

CONDITIONS = ("type_in", "severity_in", "responsibility_in")


def capa_settings() -> dict[str, Any]:
    playbook = active_playbook()
    return dict((playbook.settings or {}).get("capa") or {}) if playbook else {}


def validate(capa: Any, fail) -> None:
    """Checks settings.capa when a playbook is loaded (kesu.rules.playbooks)."""
    if not isinstance(capa, dict):
        fail("settings.capa", "must be a mapping")
    for i, when in enumerate(capa.get("required_when") or []):
        if not isinstance(when, dict) or set(when) - set(CONDITIONS):
            fail(f"settings.capa.required_when[{i}]", f"conditions are any of {', '.join(CONDITIONS)}")
        for key, values in when.items():
            if not isinstance(values, list):
                fail(f"settings.capa.required_when[{i}].{key}", "must be a list")
    minutes = capa.get("remind_before_minutes")
    if minutes is not None and (not isinstance(minutes, int) or minutes < 0):
        fail("settings.capa.remind_before_minutes", "must be a whole number, 0 or more")


def requires_capa(complaint, *, responsibility: str = "", settings: dict[str, Any] | None = None) -> bool:
    settings = capa_settings() if settings is None else settings
    facts = {
        "type_in": complaint.category.code if complaint.category_id else None,
        "severity_in": complaint.severity or None,
        "responsibility_in": responsibility or None,
    }
    for when in settings.get("required_when") or []:
        if all(facts.get(key) in values for key, values in when.items()):
            return True
    return False
