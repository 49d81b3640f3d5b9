"""The eight roles and what each is for. Who may do which action lives in complaints/states.py."""

from django.db import models
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    AGENT = "agent", pgettext_lazy("role", "Intake agent")
    SUPERVISOR = "supervisor", pgettext_lazy("role", "Supervisor")
    DIRECTOR = "director", pgettext_lazy("role", "Director")
    QUALITY = "quality", pgettext_lazy("role", "Quality engineer")
    HANDLER = "handler", pgettext_lazy("role", "Department handler")
    ARCHIVIST = "archivist", pgettext_lazy("role", "Archivist")
    MANAGER = "manager", pgettext_lazy("role", "General manager's office")
    ADMIN = "admin", pgettext_lazy("role", "Administrator")


# Roles that see every complaint of the organisation; the others see their departments' work.
ORG_WIDE_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.DIRECTOR, Role.ARCHIVIST, Role.MANAGER, Role.ADMIN})

# Roles allowed to see a customer's phone, e-mail and ID number unmasked (each view is logged).
UNMASK_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN})

# Review rank: a reviewer must hold at least the rank the complaint's level asks for.
REVIEW_RANK = {Role.SUPERVISOR: 1, Role.DIRECTOR: 2, Role.MANAGER: 3, Role.ADMIN: 3}
