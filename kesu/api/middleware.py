"""Input checks that hold for every request, and the API's error shape for answers the routers never see.

- A NUL character in the path, a query parameter, a form field or a JSON body is refused with 400
  naming where it was (PostgreSQL cannot store or even compare it; SQLite would keep it).
- A body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413, not Django's 400 page.
- Under /api/v1/, every error answer is the JSON shape `{"error": {"code", "message", "fields"?}}`:
  an unknown path (404), a wrong method (405), Django's own 400/403/500 pages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from kesu.api.errors import STATUS_CODES
from kesu.core.errors import DomainError
from kesu.core.text import NUL, fields_with_nul, nul_message

API_PREFIX = "/api/v1/"
logger = logging.getLogger(__name__)


def status_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request is larger than %(mb)s MB.") % {"mb": settings.KESU_MAX_UPLOAD_BYTES // (1024 * 1024)},
        500: _("Something went wrong on the server. Nothing was changed; please try again."),
    }
    return messages.get(status, _("The request was refused."))


def error_json(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> JsonResponse:
    body: dict = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    return JsonResponse({"error": body}, status=status, json_dumps_params={"ensure_ascii": False})


def _nul_fields(request: HttpRequest) -> list[str]:
    """Where the request carries a NUL character: "path", query and form names, dotted JSON names."""
    found: list[str] = []
    if NUL in request.path_info:
        found.append("path")
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            found.append(key.replace(NUL, "") or "query")
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.content_type or ""
        if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            for key, values in request.POST.lists():
                if NUL in key or any(NUL in v for v in values):
                    found.append(key.replace(NUL, "") or "body")
            for key, uploaded in request.FILES.items():
                if NUL in (uploaded.name or ""):
                    found.append(key)
        elif content_type == "application/json" and request.body:
            try:
                data = json.loads(request.body)
            except ValueError:
                return found  # the API answers a body it cannot parse with its own 400
            found.extend(fields_with_nul(data))
    return list(dict.fromkeys(found))


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path_info.startswith(API_PREFIX) or request.path_info == API_PREFIX.rstrip("/")
        try:
            bad = _nul_fields(request)
        except RequestDataTooBig:
            return self._refuse(request, is_api, 413, "too_large", status_message(413), {})
        if bad:
            message = nul_message()
            return self._refuse(request, is_api, 400, "validation_error", message, {name: [message] for name in bad})
        response = self.get_response(request)
        if is_api and response.status_code >= 400 and not _is_json(response):
            return error_json(
                response.status_code,
                STATUS_CODES.get(response.status_code, "server_error" if response.status_code >= 500 else "error"),
                status_message(response.status_code),
            )
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not request.path_info.startswith(API_PREFIX):
            return None
        if isinstance(exc, RequestDataTooBig):
            return error_json(413, "too_large", status_message(413))
        if isinstance(exc, DomainError):
            return error_json(exc.http_status, exc.code, exc.message, exc.fields or None)
        return None

    @staticmethod
    def _refuse(request, is_api: bool, status: int, code: str, message: str, fields) -> HttpResponse:
        if is_api:
            return error_json(status, code, message, fields)
        text = message if not fields else f"{message} ({', '.join(fields)})"
        return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _is_json(response: HttpResponse) -> bool:
    return (response.get("Content-Type") or "").startswith("application/json")
