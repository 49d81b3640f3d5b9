"""Reference data other systems need to fill a complaint: types and departments."""

from ninja import Router, Schema

from kesu.accounts.models import Department
from kesu.complaints.models import Category

router = Router(tags=["reference"])


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None
    department: str | None


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None


@router.get("/types", response=list[CategoryOut], summary="Complaint types (the category tree)")
def list_types(request):
    return [
        {
            "code": c.code,
            "name": c.name,
            "name_en": c.name_en,
            "parent": c.parent.code if c.parent else None,
            "department": c.department.code if c.department else None,
        }
        for c in Category.objects.filter(active=True).select_related("parent", "department")
    ]


@router.get("/departments", response=list[DepartmentOut], summary="Departments")
def list_departments(request):
    return [
        {"code": d.code, "name": d.name, "name_en": d.name_en, "parent": d.parent.code if d.parent else None}
        for d in Department.objects.filter(active=True).select_related("parent")
    ]
