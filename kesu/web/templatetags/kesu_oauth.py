"""The sign-in buttons of the enabled WeCom / DingTalk providers, for the login page."""

from __future__ import annotations

from django import template

from kesu.accounts.oauth import enabled_providers

register = template.Library()


@register.inclusion_tag("web/_oauth_buttons.html", takes_context=True)
def oauth_buttons(context, next_url: str = ""):
    from kesu.web.oauth_views import in_app

    request = context.get("request")
    providers = enabled_providers()
    return {
        "providers": [{"provider": p, "in_app": request is not None and in_app(request, p.kind)} for p in providers],
        "next": next_url,
    }
