"""One interface to the search engines: the database's own index (default) or an OpenSearch cluster.

`SEARCH_BACKEND` chooses ("database" | "opensearch"); `SEARCH_URL` set alone means OpenSearch there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from ..tokens import Term


class SearchBackend(Protocol):
    name: str

    def filter(self, qs: QuerySet, terms: list[Term]) -> QuerySet:
        """`qs` narrowed to the complaints matching every term."""

    def scores(self, items: Sequence[Any], terms: list[Term]) -> dict[int, float]:
        """Relevance of these complaints (a page, loaded with their customer) for the terms, by id:
        higher is better."""

    def index(self, complaints: Iterable[Any]) -> int:
        """Bring these complaints up to date in the index (the database keeps its own: nothing to do)."""

    def rebuild(self) -> None:
        """Build the whole index again from the complaints' search_text / fields."""


def backend_name() -> str:
    name = getattr(settings, "SEARCH_BACKEND", "") or ("opensearch" if getattr(settings, "SEARCH_URL", "") else "")
    return name or "database"


@cache
def _backend(name: str) -> SearchBackend:
    if name == "database":
        from .database import DatabaseBackend

        return DatabaseBackend()
    if name == "opensearch":
        from .opensearch import OpenSearchBackend

        return OpenSearchBackend.from_settings()
    raise ImproperlyConfigured(f"SEARCH_BACKEND must be 'database' or 'opensearch', not {name!r}.")


def get_backend() -> SearchBackend:
    return _backend(backend_name())
