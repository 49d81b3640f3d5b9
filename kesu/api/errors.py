"""Every API error has one JSON shape: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kesu.core.errors import DomainError

# The error `code` for each HTTP status, shared by the routers' handlers and the middleware under /api/v1.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
}


def error_response(api: NinjaAPI, request, status: int, code: str, message: str, fields=None):
    body: dict = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


def _field_name(loc) -> str:
    # ninja reports ("body", "payload", "customer", "phone"); callers know it as "customer.phone".
    # Only the leading element is the location: a file part's loc is ("file", "file").
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "form", "file", "cookie"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ("payload", "filters", "data", "body_in"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return error_response(api, request, exc.http_status, exc.code, exc.message, exc.fields or None)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_field_name(err.get("loc", ())), []).append(err.get("msg", _("Invalid value.")))
        return error_response(api, request, 400, "validation_error", _("Please correct the marked fields."), fields)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return error_response(api, request, 401, "unauthenticated", _("A valid API token is required."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return error_response(api, request, exc.status_code, STATUS_CODES.get(exc.status_code, "error"), str(exc))
