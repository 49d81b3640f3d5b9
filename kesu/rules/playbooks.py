"""Playbooks: declarative presets in playbooks/*.yaml, loaded into the database (R-CLS-2).

`load(name)` makes that playbook the active one: its departments and types (with the responsibility
matrix), a new rule-set version when its rules differ from the active version, and its SLA clocks.
Loading the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kesu.accounts.models import Department
from kesu.sla.calendars import Mode

from .engine import RuleError, RuleSpec, validate_rule
from .models import Playbook, Rule, RuleSet

PLAYBOOK_DIR = Path(settings.BASE_DIR) / "playbooks"
CLOCK_EVENTS = {
    # events that start clocks
    "create",
    "acknowledge",
    "triage",
    "classified",
    "assign",
    "start",
    "propose_solution",
    "customer_accepted",
    "reopen",
    # events that stop them
    "resolve",
    "note",
    "customer_update",
    "initial_report",
    "customer_response",
    "close",
    "reject",
    # the investigation (kesu.quality): a containment row recorded; 8D milestones done
    "containment",
    "8d_d3_done",
    "8d_d4_d5_done",
    "8d_d8_done",
}


class PlaybookError(ValueError):
    pass


@dataclass
class LoadResult:
    playbook: Playbook
    changed: bool
    ruleset_version: int


def available() -> list[str]:
    return sorted(p.stem for p in PLAYBOOK_DIR.glob("*.yaml"))


def read(name: str) -> dict[str, Any]:
    path = PLAYBOOK_DIR / f"{name}.yaml"
    if name not in available():
        raise PlaybookError(f"unknown playbook {name!r}; choose one of: {', '.join(available())}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PlaybookError(f"{name}.yaml: not valid YAML: {exc}") from None
    validate(data, name)
    return data


def validate(data: Any, name: str) -> None:
    def fail(where: str, message: str) -> None:
        raise PlaybookError(f"{name}.yaml: {where}: {message}")

    if not isinstance(data, dict):
        fail("top level", "must be a mapping")
    for key in ("code", "name", "categories", "rules", "clocks"):
        if key not in data:
            fail(key, "missing")
    departments = {d["code"] for d in data.get("departments", [])}
    for i, cat in enumerate(data["categories"]):
        for key in ("code", "name"):
            if not cat.get(key):
                fail(f"categories[{i}].{key}", "missing")
        for code in [cat.get("department"), *cat.get("collaborators", [])]:
            if code and code not in departments:
                fail(f"categories[{i}]", f"department {code!r} is not listed under departments")
    seen = set()
    for i, rule in enumerate(data["rules"]):
        if not rule.get("code"):
            fail(f"rules[{i}].code", "missing")
        if rule["code"] in seen:
            fail(f"rules[{i}].code", f"duplicate {rule['code']!r}")
        seen.add(rule["code"])
        try:
            validate_rule(rule.get("when", {}), rule.get("then"))
        except RuleError as exc:
            fail(f"rules[{i}] ({rule['code']}).{exc.field}", str(exc))
    _validate_settings(data.get("settings") or {}, departments, fail)
    for i, clock in enumerate(data["clocks"]):
        where = f"clocks[{i}] ({clock.get('code')})"
        if not clock.get("code") or not clock.get("name"):
            fail(where, "code and name are required")
        for event in [*clock.get("start_on", []), *clock.get("stop_on", [])]:
            if event not in CLOCK_EVENTS:
                fail(where, f"unknown event {event!r}")
        if not clock.get("start_on") or not clock.get("stop_on"):
            fail(where, "start_on and stop_on are required")
        mode = clock.get("mode", Mode.CALENDAR)
        if mode not in Mode.ALL:
            fail(where, f"mode must be one of {', '.join(Mode.ALL)}")
        if mode == Mode.WORKING_DAYS and not clock.get("days"):
            fail(where, "working_days clocks need days")
        if mode != Mode.WORKING_DAYS and not clock.get("minutes"):
            fail(where, "clocks need minutes")
        try:
            validate_rule(clock.get("applies", {}), {"level": 1})
        except RuleError as exc:
            fail(f"{where}.applies", str(exc))


def _validate_settings(settings_: dict[str, Any], departments: set[str], fail) -> None:
    from kesu.accounts.roles import Role

    roles = set(Role.values)
    for level, role in (settings_.get("reviewers") or {}).items():
        if str(level) not in ("1", "2", "3") or role not in roles:
            fail(f"settings.reviewers.{level}", f"needs a level 1–3 and a role ({', '.join(sorted(roles))})")
    for level, tier in (settings_.get("tiers") or {}).items():
        for role in tier.get("notify_roles", []):
            if role not in roles:
                fail(f"settings.tiers.{level}", f"unknown role {role!r}")
    major = settings_.get("major")
    if major:
        try:
            validate_rule(major.get("when", {}), {"level": 1})
        except RuleError as exc:
            fail("settings.major.when", str(exc))
        for role in major.get("notify_roles", []):
            if role not in roles:
                fail("settings.major.notify_roles", f"unknown role {role!r}")
        for member in major.get("onsite_team", []):
            if not member.get("role") or member.get("department") not in departments:
                fail("settings.major.onsite_team", f"{member!r} needs a role and a listed department")
    if settings_.get("capa") is not None:
        from kesu.quality.rules import validate as validate_capa

        validate_capa(settings_["capa"], fail)
    if settings_.get("service") is not None:
        from kesu.service.rules import validate as validate_service

        validate_service(settings_["service"], fail)
    if settings_.get("compensation") is not None or settings_.get("solution_types") is not None:
        from kesu.solutions import rules as solution_rules

        if settings_.get("compensation") is not None:
            solution_rules.validate(settings_["compensation"], fail, departments=departments)
        if settings_.get("solution_types") is not None:
            solution_rules.validate_solution_types(settings_["solution_types"], fail)
    for key in ("repeat_window_days", "revisit_after_days", "collaboration_task_working_days"):
        value = settings_.get(key)
        if value is not None and (not isinstance(value, int) or value < 0):
            fail(f"settings.{key}", "must be a whole number, 0 or more")


def _fingerprint(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _rule_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "code": r["code"],
            "name": r.get("name", r["code"]),
            "name_en": r.get("name_en", ""),
            "order": i * 10,
            "when": r.get("when", {}) or {},
            "then": r["then"],
            "reason": r.get("reason", ""),
            "reason_en": r.get("reason_en", ""),
            "is_default": bool(r.get("default", False)),
            "enabled": True,
        }
        for i, r in enumerate(data["rules"])
    ]


RULE_FIELDS = ("code", "name", "name_en", "order", "when", "then", "reason", "reason_en", "is_default", "enabled")


def _ruleset_rows(ruleset: RuleSet) -> list[dict[str, Any]]:
    return [{k: getattr(r, k) for k in RULE_FIELDS} for r in ruleset.rules.order_by("order", "id")]


CLOCK_FIELDS = (
    "code",
    "name",
    "name_en",
    "order",
    "start_on",
    "stop_on",
    "applies",
    "mode",
    "minutes",
    "days",
    "remind_before_minutes",
    "recurring",
    "escalate_on_breach",
    "penalty_amount",
    "penalty_rule",
    "penalty_rule_en",
)


def _clock_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "code": c["code"],
            "name": c["name"],
            "name_en": c.get("name_en", ""),
            "order": i * 10,
            "start_on": list(c["start_on"]),
            "stop_on": list(c["stop_on"]),
            "applies": c.get("applies", {}) or {},
            "mode": c.get("mode", Mode.CALENDAR),
            "minutes": int(c.get("minutes", 0)),
            "days": int(c.get("days", 0)),
            "remind_before_minutes": int(c.get("remind_before_minutes", 0)),
            "recurring": bool(c.get("recurring", False)),
            "escalate_on_breach": bool(c.get("escalate_on_breach", False)),
            "penalty_amount": Decimal(str(c["penalty_amount"])) if c.get("penalty_amount") is not None else None,
            "penalty_rule": c.get("penalty_rule", ""),
            "penalty_rule_en": c.get("penalty_rule_en", ""),
        }
        for i, c in enumerate(data["clocks"])
    ]


def _existing_clock_rows(playbook: Playbook) -> list[dict[str, Any]]:
    return list(playbook.clocks.order_by("order", "id").values(*CLOCK_FIELDS))


@transaction.atomic
def load(name: str, *, actor=None) -> LoadResult:
    from kesu.complaints.models import Category

    data = read(name)
    fingerprint = _fingerprint(data)
    playbook = Playbook.objects.select_for_update().filter(code=data["code"]).first()
    active_ruleset = playbook.rulesets.filter(active=True).first() if playbook else None
    rows = _rule_rows(data)
    rules_differ = active_ruleset is None or _ruleset_rows(active_ruleset) != rows
    if playbook and playbook.active and playbook.source_hash == fingerprint and not rules_differ:
        return LoadResult(playbook, False, active_ruleset.version)

    Playbook.objects.filter(active=True).exclude(code=data["code"]).update(active=False)
    if playbook is None:
        playbook = Playbook(code=data["code"])
    playbook.name = data["name"]
    playbook.name_en = data.get("name_en", "")
    playbook.settings = data.get("settings", {}) or {}
    playbook.source_hash = fingerprint
    playbook.loaded_at = timezone.now()
    playbook.active = True
    playbook.save()

    # Departments and the type tree with its responsibility matrix. A department that exists keeps the names
    # it has (the admin may have renamed it); one without an English name gets the file's.
    for dept in data.get("departments", []):
        obj, created = Department.objects.get_or_create(
            code=dept["code"], defaults={"name": dept["name"], "name_en": dept.get("name_en", "")}
        )
        changed = []
        if not created and not obj.active:
            obj.active = True
            changed.append("active")
        if not created and not obj.name_en and dept.get("name_en"):
            obj.name_en = dept["name_en"]
            changed.append("name_en")
        if changed:
            obj.save(update_fields=changed)
    departments = {d.code: d for d in Department.objects.all()}
    codes = []
    for order, cat in enumerate(data["categories"]):
        category, _created = Category.objects.update_or_create(
            code=cat["code"],
            defaults={
                "name": cat["name"],
                "name_en": cat.get("name_en", ""),
                "department": departments.get(cat.get("department")),
                "sort_order": order,
                "active": True,
                "parent": None,
            },
        )
        category.collaborating_departments.set([departments[c] for c in cat.get("collaborators", [])])
        codes.append(cat["code"])
    Category.objects.exclude(code__in=codes).update(active=False)

    # Rules: a new version only when they differ from the active one.
    if rules_differ:
        version = (playbook.rulesets.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        playbook.rulesets.filter(active=True).update(active=False)
        ruleset = RuleSet.objects.create(
            playbook=playbook, version=version, active=True, created_by=actor, note=f"loaded from {name}.yaml"
        )
        Rule.objects.bulk_create([Rule(ruleset=ruleset, **row) for row in rows])
    else:
        ruleset = active_ruleset

    # Clocks: updated in place when they differ from the file, matched by code and the variant's place
    # among its code's variants, so running deadlines keep their (now updated) definition; only a clock
    # the file no longer has is removed.
    clock_rows = _clock_rows(data)
    if _existing_clock_rows(playbook) != clock_rows:
        _replace_clocks(playbook, clock_rows)
    return LoadResult(playbook, True, ruleset.version)


def _variant_keys(rows) -> list[tuple[str, int]]:
    seen: dict[str, int] = {}
    keys = []
    for row in rows:
        code = row["code"] if isinstance(row, dict) else row.code
        keys.append((code, seen.get(code, 0)))
        seen[code] = seen.get(code, 0) + 1
    return keys


def _replace_clocks(playbook: Playbook, rows: list[dict[str, Any]]) -> None:
    from kesu.sla.models import ClockDefinition

    existing = list(playbook.clocks.order_by("order", "id"))
    by_key = dict(zip(_variant_keys(existing), existing, strict=True))
    keep = set()
    for key, row in zip(_variant_keys(rows), rows, strict=True):
        current = by_key.get(key)
        if current is None:
            ClockDefinition.objects.create(playbook=playbook, **row)
            continue
        for field, value in row.items():
            setattr(current, field, value)
        current.save()
        keep.add(current.pk)
    ClockDefinition.objects.filter(pk__in=[c.pk for c in existing if c.pk not in keep]).delete()


def active_playbook() -> Playbook | None:
    return Playbook.objects.filter(active=True).first()


def active_rules() -> tuple[RuleSet | None, list[RuleSpec]]:
    """The active playbook's active rule set and its enabled rules in order: one query (two without rules)."""
    rows = list(
        Rule.objects.filter(ruleset__active=True, ruleset__playbook__active=True, enabled=True)
        .select_related("ruleset__playbook")
        .order_by("order", "id")
    )
    if rows:
        ruleset = rows[0].ruleset
    else:
        ruleset = RuleSet.objects.filter(active=True, playbook__active=True).select_related("playbook").first()
        if ruleset is None:
            return None, []
    specs = [
        RuleSpec(
            code=r.code, name=r.name, when=r.when or {}, then=r.then or {}, reason=r.reason, is_default=r.is_default
        )
        for r in rows
    ]
    return ruleset, specs
