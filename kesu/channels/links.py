"""The signed link that opens a customer's tracking page without typing the number and phone.

Every message to the customer carries it (issue 12: "a signed link in every message"). The token names the
complaint and nothing else; it is signed with the site's secret key and a salt of its own, so a rating
token or a session cookie can never be replayed as one, and it expires (KESU_TRACK_LINK_DAYS, default 90).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from kesu.core.links import base_url

TRACK_SALT = "kesu.track-link"


def max_age() -> int:
    return int(getattr(settings, "KESU_TRACK_LINK_DAYS", 90)) * 24 * 3600


def track_token(complaint) -> str:
    return signing.TimestampSigner(salt=TRACK_SALT).sign_object({"n": complaint.number})


def read_track_token(token: str) -> str | None:
    """The complaint number the token was made for, or None when it is forged, damaged or expired."""
    try:
        data = signing.TimestampSigner(salt=TRACK_SALT).unsign_object(token, max_age=max_age())
    except (signing.BadSignature, TypeError, ValueError):
        return None
    number = data.get("n") if isinstance(data, dict) else None
    return number if isinstance(number, str) else None


def track_path(complaint) -> str:
    return reverse("web:track_link", args=[track_token(complaint)])


def track_url(complaint) -> str:
    """The absolute link for messages, from the address customers reach the site at (kesu.core.links)."""
    return base_url() + track_path(complaint)
