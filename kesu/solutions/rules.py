"""What the active playbook says about solutions and compensation (settings.compensation and
settings.solution_types), with the defaults used when it says nothing:

    solution_types:                       # R-SOL-1: offered in the propose form, per complaint type
      quality: [exchange, repair, refund, compensation, apology, process_change]
      default: [refund, exchange, repair, discount, gift, apology, compensation, process_change, other]
    compensation:
      approval_limits: {agent: "10.00", supervisor: "500.00", director: "5000.00", manager: null}
      approval_hours: 24                  # a pending request is a clock: decided within this many hours
      execution_hours: 72                 # an approved one: paid / shipped / done within this many hours
      finance_departments: [FIN]          # their handlers execute refunds, cash, vouchers and points
      logistics_departments: [LOG]        # their handlers ship goods and arrange free service
      ceiling: "50000.00"                 # a request above it needs the requester's confirmation

An approval limit edited in the admin (ApprovalLimit) overrides the playbook's for that role. Pure reading: no
writes.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from kesu.accounts.roles import Role
from kesu.complaints.models.complaint import SolutionType
from kesu.rules.playbooks import active_playbook

from .models import ApprovalLimit, Kind

# The ranks that approve compensation, lowest first: a request goes to the lowest whose limit covers it.
APPROVER_RANKS = (Role.AGENT, Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER)
DEFAULT_LIMITS: dict[str, Decimal | None] = {
    Role.AGENT: Decimal("10.00"),
    Role.SUPERVISOR: Decimal("500.00"),
    Role.DIRECTOR: Decimal("5000.00"),
    Role.MANAGER: None,  # no upper limit
}
# The administrator approves like the general manager's office; every other role grants nothing itself.
SAME_LIMIT_AS = {Role.ADMIN: Role.MANAGER}
DEFAULT_APPROVAL_HOURS = 24
DEFAULT_EXECUTION_HOURS = 72
DEFAULT_CEILING = Decimal("50000.00")
SETTINGS_KEYS = (
    "approval_limits",
    "approval_hours",
    "execution_hours",
    "finance_departments",
    "logistics_departments",
    "ceiling",
)
FINANCE_KINDS = frozenset({Kind.REFUND, Kind.CASH, Kind.VOUCHER, Kind.POINTS})
LOGISTICS_KINDS = frozenset({Kind.GOODS, Kind.SERVICE})


def settings_() -> dict[str, Any]:
    playbook = active_playbook()
    return dict((playbook.settings or {}).get("compensation") or {}) if playbook else {}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def limits(settings: dict[str, Any] | None = None) -> dict[str, Decimal | None]:
    """Each approving rank's limit: the admin's override, else the playbook's, else the default. None: no limit."""
    settings = settings_() if settings is None else settings
    out = dict(DEFAULT_LIMITS)
    for role, value in (settings.get("approval_limits") or {}).items():
        if role in out:
            out[role] = _decimal(value)
    for row in ApprovalLimit.objects.filter(role__in=list(out)):
        out[row.role] = row.max_amount
    return out


def limit_of(role: str, table: dict[str, Decimal | None]) -> Decimal:
    """The amount a role may approve; Decimal('Infinity') for no limit, 0 for roles that approve nothing."""
    role = SAME_LIMIT_AS.get(role, role)
    if role not in table:
        return Decimal(0)
    value = table[role]
    return Decimal("Infinity") if value is None else value


def covers(role: str, amount: Decimal, table: dict[str, Decimal | None]) -> bool:
    return amount <= limit_of(role, table)


def approver_role(amount: Decimal, table: dict[str, Decimal | None]) -> str:
    """The lowest rank allowed to approve this amount."""
    for role in APPROVER_RANKS:
        if covers(role, amount, table):
            return role
    return Role.MANAGER


def hours(key: str, default: int, settings: dict[str, Any] | None = None) -> int:
    settings = settings_() if settings is None else settings
    value = settings.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def department_codes(key: str, default: list[str], settings: dict[str, Any] | None = None) -> list[str]:
    settings = settings_() if settings is None else settings
    value = settings.get(key)
    return [str(v) for v in value] if isinstance(value, list) else default


def finance_departments(settings: dict[str, Any] | None = None) -> list[str]:
    return department_codes("finance_departments", ["FIN"], settings)


def logistics_departments(settings: dict[str, Any] | None = None) -> list[str]:
    return department_codes("logistics_departments", ["LOG"], settings)


def ceiling(settings: dict[str, Any] | None = None) -> Decimal:
    """Above this a request is unusual for this organisation: the requester confirms it first."""
    settings = settings_() if settings is None else settings
    value = _decimal(settings.get("ceiling"))
    return value if value is not None and value > 0 else DEFAULT_CEILING


def _money_text(value: Any) -> bool:
    if isinstance(value, (bool, float)):
        return False
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return d.is_finite() and d >= 0 and d.as_tuple().exponent >= -2  # type: ignore[operator]


def validate(compensation: Any, fail, *, departments: set[str] | None = None) -> None:
    """Checks settings.compensation when a playbook is loaded (kesu.rules.playbooks); `fail(where, message)`
    raises. Amounts are decimal strings or whole numbers (a float is refused: 0.1 is not a price)."""
    if not isinstance(compensation, dict):
        fail("settings.compensation", "must be a mapping")
    unknown = sorted(set(compensation) - set(SETTINGS_KEYS))
    if unknown:
        fail(f"settings.compensation.{unknown[0]}", f"unknown key; the keys are {', '.join(SETTINGS_KEYS)}")
    table = compensation.get("approval_limits")
    if table is not None:
        if not isinstance(table, dict):
            fail("settings.compensation.approval_limits", "must be a mapping of role to amount")
        ranks = [str(r) for r in APPROVER_RANKS]
        for role, value in table.items():
            where = f"settings.compensation.approval_limits.{role}"
            if role not in ranks:
                fail(where, f"not an approving role; choose from {', '.join(ranks)}")
            if value is not None and not _money_text(value):
                fail(where, 'must be an amount in CNY such as "500.00" (at most two decimals, 0 or more), or null')
        known = [limit_of(r, {**DEFAULT_LIMITS, **{k: _decimal(v) for k, v in table.items()}}) for r in ranks]
        if known != sorted(known):
            fail("settings.compensation.approval_limits", "each higher role must approve at least as much")
    for key in ("approval_hours", "execution_hours"):
        value = compensation.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
            fail(f"settings.compensation.{key}", "must be a whole number of hours, 1 or more")
    for key in ("finance_departments", "logistics_departments"):
        value = compensation.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            fail(f"settings.compensation.{key}", "must be a list of department codes")
        missing = [v for v in value if departments is not None and v not in departments]
        if missing:
            fail(f"settings.compensation.{key}", f"department {missing[0]!r} is not listed under departments")
    value = compensation.get("ceiling")
    if value is not None and (not _money_text(value) or Decimal(str(value)) <= 0):
        fail("settings.compensation.ceiling", 'must be an amount in CNY above 0, such as "50000.00"')


def validate_solution_types(table: Any, fail) -> None:
    """settings.solution_types: complaint type code (or `default`) → a list of solution type codes."""
    if not isinstance(table, dict):
        fail("settings.solution_types", "must be a mapping of complaint type to a list of solution types")
    for code, chosen in table.items():
        if not isinstance(chosen, list) or not chosen:
            fail(f"settings.solution_types.{code}", "must be a list of solution types")
        for value in chosen:
            if value not in SolutionType.values:
                fail(
                    f"settings.solution_types.{code}",
                    f"unknown solution type {value!r}; choose from {', '.join(SolutionType.values)}",
                )


def solution_types(type_code: str | None) -> list[str]:
    """The solution types offered for a complaint of this type (R-SOL-1), in the playbook's order."""
    playbook = active_playbook()
    table = (playbook.settings or {}).get("solution_types") if playbook else None
    everything = list(SolutionType.values)
    if not isinstance(table, dict):
        return everything
    chosen = table.get(type_code or "") or table.get("default")
    if not isinstance(chosen, list):
        return everything
    return [v for v in chosen if v in everything] or everything
