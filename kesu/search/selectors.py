"""What the complaint list calls when a user searches: match, rank a page, mark the matches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from .backends import get_backend
from .highlight import highlights
from .phone import as_phone
from .tokens import parse_query

T = TypeVar("T")


def matching(qs: QuerySet, q: str) -> QuerySet:
    """`qs` narrowed to complaints matching every term of `q` (none when `q` has no letter, digit or
    Chinese character to search for). Never raises for odd input: the query is built from tokens."""
    terms = parse_query(q)
    if not terms:
        return qs.none()
    backend = get_backend()
    phones = [as_phone(t) for t in terms]
    if not any(phones):
        return backend.filter(qs, terms)
    # A whole phone number is in the index only as its hash token; the digits may also be an order or a
    # product code, so either reading matches.
    as_typed = backend.filter(qs.model.objects.all(), terms).values("pk")
    as_number = backend.filter(qs.model.objects.all(), [p or t for p, t in zip(phones, terms, strict=True)])
    return qs.filter(Q(pk__in=as_typed) | Q(pk__in=as_number.values("pk")))


def ranked(items: Sequence[T], q: str) -> list[T]:
    """One page of results ordered by relevance, the newest first among equals.

    Pages themselves stay in id order (newest first) so the keyset cursor means what it did: ranking the
    whole match set of a common word at a million complaints would cost a pass over every match per page."""
    terms = parse_query(q)
    scores = get_backend().scores(items, terms) if terms else {}
    return sorted(items, key=lambda i: (-scores.get(i.id, 0.0), -i.id))  # type: ignore[attr-defined]


def highlighted(c: Any, q: str) -> dict[str, str]:
    """The complaint's title and a description snippet, HTML-escaped, matches of `q` in <mark>."""
    return highlights(c.title, c.description, q)
