from django.db import connection
from ninja import NinjaAPI

from . import errors
from .auth import BearerToken
from .routers import (
    alerts,
    cases,
    collaboration,
    compensations,
    complaints,
    customers,
    followers,
    imports,
    inbound,
    letters,
    links,
    messages,
    preferences,
    public,
    quality,
    reference,
    reports,
    scripts,
    service_orders,
    surveys,
    triage,
    workbench,
    workspace,
)
from .routers import report_exports as report_exports_router

api = NinjaAPI(
    title="kesu API",
    version="1",
    description="Customer complaint management (客诉管理). See API.md for the contract.",
    auth=BearerToken(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
# The workspace router goes first: its /complaints/bulk must not be read as a complaint number.
api.add_router("", workspace.router)
api.add_router("", complaints.router)
api.add_router("", reference.router)
api.add_router("", workbench.router)
api.add_router("", collaboration.router)
api.add_router("", preferences.router)
api.add_router("", triage.router)
api.add_router("", alerts.router)
api.add_router("", cases.router)
api.add_router("", reports.router)
api.add_router("", report_exports_router.router)
api.add_router("", public.router)
api.add_router("", inbound.router)
api.add_router("", messages.router)
api.add_router("", imports.router)
api.add_router("", quality.router)
api.add_router("", compensations.router)
api.add_router("", scripts.router)
api.add_router("", letters.router)
api.add_router("", service_orders.router)
api.add_router("", surveys.router)
api.add_router("", followers.router)
api.add_router("", links.router)
api.add_router("", customers.router)


@api.get("/health", auth=None, tags=["system"], summary="Liveness and database check")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:
        database = "error"
    status = 200 if database == "ok" else 503
    return api.create_response(
        request, {"status": "ok" if database == "ok" else "degraded", "database": database}, status=status
    )
