"""Routing (R-RT): the responsibility matrix, the owner choice, collaboration tasks, watchers, and the
major-complaint response of the active playbook (on-site team, leadership informed: R-ESC-1, R-ESC-4).

Called from complaints.actions inside the action's transaction; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.notifications.services import build, notify, send
from kesu.notifications.text import in_each_language, msg, pair, render_org
from kesu.rules.engine import Facts, matches
from kesu.rules.playbooks import active_playbook
from kesu.sla.calendar_store import default_calendar
from kesu.sla.calendars import due_at

from .choice import Candidate, Choice, choose_owner
from .models import HandlerProfile, Task, TaskKind, TaskStatus, Watcher

HANDLING_ROLES = [Role.AGENT, Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN, Role.QUALITY, Role.HANDLER]
ENDED = ["closed", "archived", "rejected"]
SATISFACTION_WINDOW_DAYS = 180


def candidates(department: Department, *, now: dt.datetime, roles: list[str] | None = None) -> list[Candidate]:
    """Active people of `department` who may own a complaint, with their load and past satisfaction."""
    since = now - dt.timedelta(days=SATISFACTION_WINDOW_DAYS)
    users = (
        User.objects.filter(is_active=True, departments=department, role__in=roles or HANDLING_ROLES)
        .annotate(
            open_load=Count("owned_complaints", filter=~Q(owned_complaints__status__in=ENDED), distinct=True),
            avg_sat=Avg(
                "owned_complaints__satisfaction",
                filter=Q(owned_complaints__satisfaction__isnull=False, owned_complaints__updated_at__gte=since),
            ),
            ratings=Count(
                "owned_complaints",
                filter=Q(owned_complaints__satisfaction__isnull=False, owned_complaints__updated_at__gte=since),
                distinct=True,
            ),
        )
        .order_by("id")
    )
    profiles = {p.user_id: p for p in HandlerProfile.objects.filter(user__in=[u.id for u in users])}
    result = []
    for u in users:
        profile = profiles.get(u.id)
        result.append(
            Candidate(
                user_id=u.id,
                label=str(u),
                open_load=u.open_load,
                max_open=profile.max_open if profile else None,
                skills=tuple(profile.skills) if profile else (),
                areas=tuple(profile.areas) if profile else (),
                avg_satisfaction=float(u.avg_sat) if u.avg_sat is not None else None,
                ratings=u.ratings,
            )
        )
    return result


def choose(complaint, department: Department, *, now: dt.datetime) -> tuple[User | None, dict[str, Any]]:
    """The owner for `complaint` in `department`, and the facts that explain the choice."""
    # Handlers of the responsible department first; front-desk roles only when it has none.
    pool = candidates(department, now=now, roles=[Role.HANDLER, Role.QUALITY]) or candidates(department, now=now)
    context = " ".join([complaint.store, complaint.customer.name, complaint.customer.company, complaint.place])
    choice: Choice = choose_owner(pool, type_code=complaint.type_code, context=context)
    if choice.candidate is None:
        return None, {}
    owner = User.objects.get(pk=choice.candidate.user_id)
    return owner, {**choice.facts, "candidates": len(pool)}


def explain(owner: User, facts: dict[str, Any]) -> str:
    parts = []
    if facts.get("skill"):
        parts.append(_("handles this type of complaint"))
    if facts.get("area"):
        parts.append(_("covers %(area)s") % {"area": facts["area"]})
    parts.append(_("%(n)s open complaints") % {"n": facts.get("open", 0)})
    if facts.get("satisfaction") is not None:
        parts.append(
            _("average satisfaction %(avg)s over %(n)s ratings") % {"avg": facts["satisfaction"], "n": facts["ratings"]}
        )
    return _("%(owner)s chosen among %(n)s: %(why)s.") % {
        "owner": owner,
        "n": facts.get("candidates", 1),
        "why": "; ".join(parts),
    }


def superiors(department: Department | None) -> list[User]:
    """Department head and the supervisors of the department (copied on its complaints)."""
    people: list[User] = []
    if department is not None:
        if department.head_id:
            people.append(department.head)
        people += list(User.objects.filter(is_active=True, role=Role.SUPERVISOR, departments=department))
    return list({p.pk: p for p in people}.values())


def watchers_for(complaint, department: Department | None) -> list[User]:
    """Copied on a dispatched complaint (seed 002 step 3: 抄送客服主管及部门负责人): the customer-service
    supervisors of whoever recorded it, and the responsible department's head and supervisors."""
    people = superiors(department)
    recorder = complaint.created_by
    if recorder is not None:
        people += list(
            User.objects.filter(is_active=True, role=Role.SUPERVISOR, departments__in=recorder.departments.all())
        )
    return list({p.pk: p for p in people if p.pk != complaint.owner_id}.values())


def add_watchers(complaint, users, *, reason: str, now: dt.datetime) -> None:
    Watcher.objects.bulk_create(
        [Watcher(complaint=complaint, user=u, reason=reason, created_at=now) for u in users if u is not None],
        ignore_conflicts=True,
    )


def task_due(now: dt.datetime, *, hours: int | None = None, working_days: int | None = None) -> dt.datetime:
    calendar = default_calendar()
    if working_days:
        return due_at(calendar, now, mode="working_days", days=working_days)
    return due_at(calendar, now, mode="calendar", minutes=int((hours or 24) * 60))


def create_collaboration_tasks(complaint, departments, *, actor, now: dt.datetime) -> list[Task]:
    """One task per collaborating department for this round, owned by its least-loaded handler."""
    playbook = active_playbook()
    days = int(playbook.setting("collaboration_task_working_days", 1)) if playbook else 1
    # Whether the complaint waits for these tasks before it can be resolved is the playbook's call.
    required = bool(playbook.setting("collaboration_tasks_required", True)) if playbook else False
    existing = set(
        Task.objects.filter(complaint=complaint, kind=TaskKind.COLLABORATION, round=complaint.round)
        .exclude(status=TaskStatus.CANCELLED)
        .values_list("department_id", flat=True)
    )
    tasks = []
    for dept in departments:
        if dept.id in existing or dept.id == complaint.department_id:
            continue
        owner, _facts = choose(complaint, dept, now=now)
        title = msg(
            gettext_noop("%(department)s: support the handling of %(number)s"),
            department=dept.names,
            number=complaint.number,
        )
        tasks.append(
            Task(
                complaint=complaint,
                kind=TaskKind.COLLABORATION,
                title=render_org(title)[:200],
                text={"title": title},
                department=dept,
                owner=owner,
                required=required,
                due_at=task_due(now, working_days=days),
                round=complaint.round,
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
        )
    Task.objects.bulk_create(tasks)
    for task in tasks:
        notify(
            [task.owner, *superiors(task.department)],
            kind="task_assigned",
            complaint=complaint,
            key=f"task:{complaint.pk}:{task.department_id}:{complaint.round}",
            now=now,
            title=msg(gettext_noop("%(number)s: your department is asked to collaborate"), number=complaint.number),
            body=complaint.title,
        )
    return tasks


def open_required_tasks(complaint) -> list[Task]:
    return list(
        Task.objects.filter(
            complaint=complaint,
            round=complaint.round,
            required=True,
            status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS],
        ).select_related("department", "owner")
    )


def major_rule() -> dict[str, Any]:
    playbook = active_playbook()
    return playbook.setting("major", {}) if playbook else {}


def is_major(complaint, *, rule: dict | None = None) -> bool:
    rule = major_rule() if rule is None else rule
    if not rule:
        return False
    facts = Facts(
        amount=complaint.amount,
        flags=frozenset(complaint.flags or []),
        type_code=complaint.type_code,
        severity=complaint.severity,
        priority=complaint.priority,
        level=complaint.level,
        repeat_count=complaint.repeat_count,
    )
    return matches(rule.get("when", {}), facts)[0]


def respond_to_major(complaint, *, actor, now: dt.datetime, rule: dict | None = None) -> dict[str, Any] | None:
    """A major complaint (A-class, urgent or level 3, by playbook): leadership informed at once (五清楚一报告)
    and the on-site team formed as tasks. Once per complaint and round (`Complaint.major_round`)."""
    if complaint.major_round == complaint.round:
        return None
    rule = major_rule() if rule is None else rule
    if not rule or not is_major(complaint, rule=rule):
        return None
    from kesu.complaints.models import Complaint

    complaint.major_round = complaint.round
    Complaint.objects.filter(pk=complaint.pk).update(major_round=complaint.round)
    leaders = list(
        User.objects.filter(is_active=True)
        .filter(Q(departments__code__in=rule.get("notify_departments", [])) | Q(role__in=rule.get("notify_roles", [])))
        .distinct()
    )
    notify(
        leaders,
        kind="major_complaint",
        complaint=complaint,
        key=f"major:{complaint.pk}:{complaint.round}",
        now=now,
        title=msg(
            gettext_noop("Major complaint %(number)s: %(title)s"), number=complaint.number, title=complaint.title
        ),
        body=msg(
            gettext_noop("Customer: %(customer)s. Severity %(severity)s, priority %(priority)s, level %(level)s."),
            customer=complaint.customer.name,
            severity=complaint.severity or "-",
            priority=complaint.priority or "-",
            level=complaint.level or "-",
        ),
    )
    team = []
    hours = int(rule.get("onsite_hours", 24))
    departments = {
        d.code: d for d in Department.objects.filter(code__in=[m["department"] for m in rule.get("onsite_team", [])])
    }
    for member in rule.get("onsite_team", []):
        dept = departments.get(member["department"])
        owner = None
        if dept is not None:
            owner = (
                User.objects.filter(is_active=True, departments=dept, role__in=member.get("roles", HANDLING_ROLES))
                .order_by("id")
                .first()
            ) or dept.head
        role = pair(member["role"], member.get("role_en", ""))
        title = msg(gettext_noop("On site: %(role)s"), role=role)
        team.append(
            Task(
                complaint=complaint,
                kind=TaskKind.ONSITE,
                title=render_org(title)[:200],
                text={"title": title, "role": role},
                role_label=member["role"],
                department=dept,
                owner=owner,
                due_at=task_due(now, hours=hours),
                round=complaint.round,
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
        )
    Task.objects.bulk_create(team)
    # The team's departments collaborate on the complaint, so its members see what they are sent to.
    complaint.collaborators.add(*[d for d in departments.values() if d.id != complaint.department_id])
    notify(
        [t.owner for t in team],
        kind="onsite_team",
        complaint=complaint,
        key=f"onsite:{complaint.pk}:{complaint.round}",
        now=now,
        title=msg(gettext_noop("%(number)s: you are on the on-site team"), number=complaint.number),
        body=complaint.title,
    )
    return {"notified": sorted(u.username for u in leaders), "onsite_team": [t.role_label for t in team]}


class TierPeople:
    """Whom the playbook tells when a complaint reaches a level (its handling tier, R-ESC-1): for each of the
    tier's roles, its holders in the complaint's department (all its holders when there are none), and the
    members of the tier's departments. Read once and cached, so a sweep escalating thousands of
    complaints asks the database once per level and department."""

    def __init__(self) -> None:
        playbook = active_playbook()
        self.tiers = playbook.setting("tiers", {}) if playbook else {}
        self._cache: dict[tuple[int, int | None], list[User]] = {}

    def __call__(self, level: int, department_id: int | None = None) -> list[User]:
        key = (level, department_id)
        if key not in self._cache:
            tier = self.tiers.get(str(level)) or self.tiers.get(level) or {}
            people: list[User] = []
            for role in tier.get("notify_roles", []):
                holders = User.objects.filter(is_active=True, role=role)
                nearby = list(holders.filter(departments=department_id).distinct()) if department_id else []
                people += nearby or list(holders)
            if tier.get("notify_departments"):
                people += list(
                    User.objects.filter(is_active=True, departments__code__in=tier["notify_departments"]).distinct()
                )
            self._cache[key] = list({p.pk: p for p in people}.values())
        return self._cache[key]


def tier_people(level: int, department_id: int | None = None) -> list[User]:
    return TierPeople()(level, department_id)


def trigger_words(trigger: str) -> str:
    """Why a complaint moved up a tier, in the reader's words (never the code)."""
    words = {
        "intake": _("as recorded"),
        "triage": _("on classification"),
        "manual": _("escalated by hand"),
        "sla_breach": _("a deadline was missed"),
        "dissatisfied": _("the customer is dissatisfied"),
    }
    return str(words.get(trigger, _("escalated")))


def tier_notifications(
    complaint, *, old_level: int | None, now: dt.datetime, reason: str, trigger: str, people: TierPeople
) -> list:
    """The unsent notifications for a complaint that moved up a tier (once per level and round)."""
    level = complaint.level or 1
    if old_level is not None and level <= old_level:
        return []
    return build(
        [*people(level, complaint.department_id), complaint.owner],
        kind="escalation",
        complaint=complaint,
        key=f"tier:{complaint.pk}:{complaint.round}:{level}",
        now=now,
        title=msg(gettext_noop("%(number)s is now a level-%(level)s complaint"), number=complaint.number, level=level),
        body=(
            msg(
                gettext_noop("%(reason)s (%(why)s)"),
                reason=reason,
                why=in_each_language(lambda: trigger_words(trigger)),
            )
            if reason
            else msg("%(why)s", why=in_each_language(lambda: trigger_words(trigger).capitalize()))
        ),
    )


def notify_tier(complaint, *, old_level: int | None, now: dt.datetime, reason: str, trigger: str) -> None:
    """A complaint moved up a tier: the new tier's people (and the owner) are told, once per level and round."""
    send(
        tier_notifications(complaint, old_level=old_level, now=now, reason=reason, trigger=trigger, people=TierPeople())
    )


def playbook_reviewers() -> dict:
    """The active playbook's {level: reviewer role} (read once per list, see reviewer_rank)."""
    playbook = active_playbook()
    return dict(playbook.setting("reviewers", {})) if playbook else {}


def reviewer_rank(level: int | None, *, reviewers: dict | None = None) -> int | None:
    """The review rank the playbook asks for at this level (None: the built-in default)."""
    from kesu.accounts.roles import REVIEW_RANK

    if reviewers is None:
        reviewers = playbook_reviewers()
    role = reviewers.get(str(level or 1)) or reviewers.get(level or 1)
    return REVIEW_RANK.get(role) if role else None
