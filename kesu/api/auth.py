from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja.security import HttpBearer

from kesu.accounts.models import ApiToken, hash_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` → the token's active user, or 401."""

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        api_token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(token), revoked=False).first()
        if api_token is None or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > dt.timedelta(minutes=5):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user
