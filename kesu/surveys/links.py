"""The survey's two links: the public one (no token, anonymous surveys only) and each customer's personal one.

A personal token names the survey and the recipient and nothing else; it is signed with the site's secret and
a salt of its own (a tracking or rating token is never accepted as one) and expires after
KESU_SURVEY_LINK_DAYS (default 180)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "kesu.survey-link"


def max_age() -> int:
    return int(getattr(settings, "KESU_SURVEY_LINK_DAYS", 180)) * 24 * 3600


def token_for(recipient) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"s": recipient.survey_id, "r": recipient.pk})


def read_token(token: str) -> tuple[int, int] | None:
    """(survey id, recipient id), or None when the token is forged, damaged or expired."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age())
        return int(data["s"]), int(data["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def absolute(path: str) -> str:
    return settings.KESU_BASE_URL.rstrip("/") + path


def public_path(survey) -> str:
    return reverse("web:survey_public", args=[survey.pk])


def public_url(survey) -> str | None:
    """The link without a token: only anonymous surveys have one."""
    return absolute(public_path(survey)) if survey.anonymous else None


def personal_url(recipient) -> str:
    return absolute(reverse("web:survey_personal", args=[token_for(recipient)]))
