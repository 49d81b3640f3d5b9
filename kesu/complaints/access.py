"""Who may see which complaint (数据权限). Every read of a complaint goes through here.

Org-wide roles (agent, supervisor, director, archivist, manager, admin) see every complaint.
Handlers and quality engineers see complaints of their departments, those their departments
collaborate on, and those they own or recorded. Anything else is "not found", exactly like a
complaint that does not exist, so its existence is not revealed.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from kesu.core.errors import NotFound

from .models import Complaint


def scope_q(user) -> Q | None:
    """The filter for `user`'s data scope; None means the whole organisation."""
    if not user or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_whole_organisation:
        return None
    dept_ids = user.department_ids()
    through = Complaint.collaborators.through
    collaborating = through.objects.filter(complaint_id=OuterRef("pk"), department_id__in=dept_ids)
    return Q(department_id__in=dept_ids) | Q(Exists(collaborating)) | Q(owner=user) | Q(created_by=user)


def complaints_visible_to(user) -> QuerySet[Complaint]:
    qs = Complaint.objects.all()
    q = scope_q(user)
    return qs if q is None else qs.filter(q)


def access_complaint(user, number: str) -> Complaint:
    """The complaint with this number if `user` may see it; NotFound if missing OR out of scope."""
    complaint = (
        complaints_visible_to(user)
        .select_related("customer", "category", "owner", "department", "created_by", "reviewed_by")
        .filter(number=number)
        .first()
    )
    if complaint is None:
        raise NotFound(_("Complaint %(number)s was not found.") % {"number": number})
    return complaint
