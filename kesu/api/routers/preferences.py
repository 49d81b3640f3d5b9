"""The user's own notification preferences: in-app always, e-mail on or off."""

from __future__ import annotations

from ninja import Router, Schema
from pydantic import Field

from kesu.notifications.services import preferences_of, set_preferences

from ..schemas.common import Body

router = Router()


class PreferencesOut(Schema):
    in_app: bool = Field(description="always true: the inbox in the application")
    email: bool = Field(description="notifications also arrive by e-mail")
    email_address: str | None = Field(description="where e-mails go (set by an administrator)")
    email_mode: str = Field(description="each | hourly | daily: one e-mail per notification, or a digest")


class PreferencesIn(Body):
    email: bool
    email_mode: str | None = Field(None, description="each | hourly | daily (unchanged when left out)")


@router.get(
    "/me/notification-preferences", response=PreferencesOut, tags=["notifications"], summary="My notification channels"
)
def get_preferences(request):
    return preferences_of(request.user)


@router.put(
    "/me/notification-preferences", response=PreferencesOut, tags=["notifications"], summary="Choose my channels"
)
def put_preferences(request, payload: PreferencesIn):
    return set_preferences(request.user, email=payload.email, email_mode=payload.email_mode)
