"""Domain errors: one exception type whose code the edges map to an HTTP status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses. Nothing was changed when it is raised.

    code     machine-readable: validation_error, not_found, forbidden, conflict, invalid_transition …
    message  human-readable, already translated
    field    the input field at fault, if one is
    fields   several fields at fault: {"field": ["message", …]}
    """

    status_by_code = {
        "validation_error": 400,
        "not_found": 404,
        "forbidden": 403,
        "conflict": 409,
        "version_conflict": 409,
        "invalid_transition": 409,
        "read_only": 409,
        "idempotency_mismatch": 422,
        "unprocessable": 422,
        "too_large": 413,
        "unsupported_media_type": 415,
        "rate_limited": 429,
    }

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields: dict[str, list[str]] = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        if field:
            self.fields.setdefault(field, []).append(self.message)

    @property
    def http_status(self) -> int:
        return self.status_by_code.get(self.code, 400)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


class NotFound(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("not_found", message)


class Forbidden(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("forbidden", message)


class ValidationFailed(DomainError):
    def __init__(self, message: str, *, field: str | None = None, fields=None) -> None:
        super().__init__("validation_error", message, field=field, fields=fields)
