"""What an e-mail or a robot message says: rendered from a delivery's payload, in the organisation's
language (settings.LANGUAGE_CODE, 简体中文 by default), with the complaint number, title and a link."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kesu.core.links import absolute

from .models import Notification, WebhookKind
from .signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, dingtalk_sign, feishu_sign, generic_signature

BODY_LIMIT = 1000  # characters of the notification body a robot message carries (robots cap at 4–20 KB)


def complaint_url(number: str) -> str:
    return absolute(reverse("web:complaint", args=[number]))


def message_of(n: Notification, complaint) -> dict:
    """The payload stored on a delivery: everything the message needs, so sending reads nothing else."""
    return {
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "created_at": n.created_at.isoformat(),
        "complaint": (
            {"number": complaint.number, "title": complaint.title, "url": complaint_url(complaint.number)}
            if complaint is not None
            else None
        ),
    }


def _org_language():
    return translation.override(settings.LANGUAGE_CODE)


def _facts(msg: dict) -> list[tuple[str, str]]:
    c = msg.get("complaint")
    if not c:
        return []
    return [(_("Complaint number"), c["number"]), (_("Complaint title"), c["title"])]


def subject(msg: dict) -> str:
    with _org_language():
        title = msg["title"]
        c = msg.get("complaint")
        if c and c["number"] not in title:
            title = f"{c['number']} {title}"
        subject = f"{pgettext('e-mail subject prefix', '[Complaints]')} {title}"
    return " ".join(subject.split())[:250]


def email_text(msg: dict) -> str:
    with _org_language():
        lines = [msg["title"], ""]
        if msg.get("body"):
            lines += [msg["body"], ""]
        lines += [f"{label}: {value}" for label, value in _facts(msg)]
        c = msg.get("complaint")
        if c:
            lines.append(f"{_('Open the complaint')}: {c['url']}")
        lines += ["", "-- ", _("You receive this e-mail because e-mail notifications are on in your settings.")]
    return "\n".join(lines) + "\n"


def email_html(msg: dict) -> str:
    with _org_language():
        c = msg.get("complaint")
        parts = [
            format_html("<h3>{}</h3>", msg["title"]),
            linebreaks(msg.get("body") or "", autoescape=True),
            format_html_join("", "<p><b>{}</b>: {}</p>", _facts(msg)),
        ]
        if c:
            parts.append(format_html('<p><a href="{}">{}</a></p>', c["url"], _("Open the complaint")))
        parts.append(
            format_html(
                '<p style="color:#888">{}</p>',
                _("You receive this e-mail because e-mail notifications are on in your settings."),
            )
        )
    return "<html><body>" + "".join(str(p) for p in parts) + "</body></html>"


_MARKDOWN_SAFE = str.maketrans({"[": "［", "]": "］", "*": "＊", "#": "＃", "`": "｀", "<": "＜", ">": "＞"})


def _md(text: str) -> str:
    """Customer-written text in a robot's markdown: shown as typed, never as links or markup."""
    return (text or "").translate(_MARKDOWN_SAFE)


def _short(text: str) -> str:
    text = text or ""
    return text if len(text) <= BODY_LIMIT else text[: BODY_LIMIT - 1] + "…"


def markdown(msg: dict) -> str:
    """WeCom and DingTalk markdown: a bold title, the facts as a quote, the body, a link."""
    with _org_language():
        lines = [f"#### {_md(msg['title'])}"]
        lines += [f"> {label}: {_md(value)}" for label, value in _facts(msg)]
        if msg.get("body"):
            lines += ["", _md(_short(msg["body"]))]
        c = msg.get("complaint")
        if c:
            lines += ["", f"[{_('Open the complaint')}]({c['url']})"]
    return "\n".join(lines)


def plain(msg: dict) -> str:
    with _org_language():
        lines = [msg["title"]]
        lines += [f"{label}: {value}" for label, value in _facts(msg)]
        if msg.get("body"):
            lines.append(_short(msg["body"]))
        c = msg.get("complaint")
        if c:
            lines.append(f"{_('Open the complaint')}: {c['url']}")
    return "\n".join(lines)


def webhook_request(
    kind: str, *, url: str, secret: str, msg: dict, delivery_key: str, now: dt.datetime
) -> tuple[str, bytes, dict[str, str]]:
    """(URL, raw JSON body, extra headers) of the POST for a webhook of this kind."""
    headers: dict[str, str] = {}
    if kind == WebhookKind.WECOM:
        body: dict = {"msgtype": "markdown", "markdown": {"content": markdown(msg)}}
    elif kind == WebhookKind.DINGTALK:
        body = {"msgtype": "markdown", "markdown": {"title": msg["title"][:100], "text": markdown(msg)}}
        if secret:
            ts = int(now.timestamp() * 1000)
            url += ("&" if "?" in url else "?") + urlencode({"timestamp": ts, "sign": dingtalk_sign(secret, ts)})
    elif kind == WebhookKind.FEISHU:
        body = {"msg_type": "text", "content": {"text": plain(msg)}}
        if secret:
            ts = int(now.timestamp())
            body = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **body}
    else:
        body = {"id": delivery_key, **msg}
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    if kind == WebhookKind.GENERIC:
        ts = str(int(now.timestamp()))
        headers = {
            TIMESTAMP_HEADER: ts,
            SIGNATURE_HEADER: generic_signature(secret, ts, raw),
            "X-Kesu-Event": msg["kind"],
            "X-Kesu-Delivery": delivery_key,
        }
    return url, raw, headers
