"""Filling a script's placeholders from a complaint, and finding scripts (in Chinese too).

The placeholder engine is the customer messages' one (kesu.channels.outbound.texts): the same names,
Chinese or English, `{{`/`}}` for a literal brace. The library adds {处理人} (alias {owner}): the owner's
display name; {客户称呼} is the customer's salutation; {预计时间} the expected first response (SLA clock)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kesu.channels.outbound import services as outbound
from kesu.channels.outbound import texts
from kesu.complaints.models import Complaint

from .models import Script, Situation

# The library's own names, rendered before the shared engine runs (name → canonical key).
EXTRA = {"处理人": "owner", "owner": "owner"}
EXTRA_HELP = {"owner": ("处理人", "owner", pgettext_lazy("placeholder", "the complaint owner's name"))}
_EXTRA_TOKEN = re.compile(r"\{\{|\}\}|\{(" + "|".join(map(re.escape, EXTRA)) + r")\}")
_HONORIFICS = ("先生", "女士", "小姐", "老师", "经理", "总")
_CJK = re.compile(r"[\u3400-\u9fff]")


def placeholder_list() -> str:
    return texts.placeholder_list() + " " + " ".join(f"{{{zh}}}" for zh, _en, _d in EXTRA_HELP.values())


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in texts.unknown_placeholders(text) if name not in EXTRA]


def salutation(complaint: Complaint, language: str) -> str:
    """How the customer is addressed: the name as given (张先生, 李女士, a company), else a polite default."""
    name = " ".join((complaint.customer.name or "").split())
    if name:
        return name
    with translation.override(language):
        return _("customer")


def owner_name(complaint: Complaint, language: str) -> str:
    owner = complaint.owner
    if owner is not None:
        return str(owner)
    with translation.override(language):
        return _("our customer service team")


def values_for(complaint: Complaint, language: str) -> dict[str, str]:
    with translation.override(language):
        values = outbound.values_for(
            complaint,
            language,
            due=outbound.local_time(outbound.first_response_due(complaint), language),
            solution=complaint.solution_detail or "",
            resolution=complaint.resolution_summary or "",
            reply=complaint.reject_reply or "",
        )
    values["customer"] = salutation(complaint, language)
    values["owner"] = owner_name(complaint, language)
    return values


def render_text(text: str, values: dict[str, str]) -> str:
    def extra(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group(0)  # {{ or }}: left for the shared engine
        return str(values.get(EXTRA[match.group(1)]) or "").replace("{", "{{").replace("}", "}}")

    return texts.render(_EXTRA_TOKEN.sub(extra, text), values).strip()


def render_script(script: Script, complaint: Complaint) -> str:
    return render_text(script.text, values_for(complaint, script.language))


# ── finding ─────────────────────────────────────────────────────────────────────────────────────────


def _bigrams(term: str) -> list[str]:
    return [term[i : i + 2] for i in range(len(term) - 1)] or [term]


def search_scripts(
    *,
    situation: str = "",
    type_code: str = "",
    channel: str = "",
    language: str = "",
    q: str = "",
    include_inactive: bool = False,
) -> list[Script]:
    """Active scripts, filtered; `q` matches title and text: every word as typed, else (Chinese) the scripts
    sharing most of its two-character pieces. A script for no type (or no channel) fits every one."""
    qs: QuerySet[Script] = Script.objects.all()
    if not include_inactive:
        qs = qs.filter(active=True)
    if situation:
        qs = qs.filter(situation=situation)
    if language:
        qs = qs.filter(language=language)
    rows = list(qs)
    if type_code:
        rows = [s for s in rows if not s.type_codes or type_code in s.type_codes]
    if channel:
        rows = [s for s in rows if not s.channels or channel in s.channels]
    terms = q.split()
    if not terms:
        return rows
    exact = Q()
    for term in terms:
        exact &= Q(title__icontains=term) | Q(text__icontains=term)
    ids = set(qs.filter(exact).values_list("id", flat=True))
    found = [s for s in rows if s.id in ids]
    if found or not _CJK.search(q):
        return found
    pieces = {p for term in terms for p in _bigrams(term) if _CJK.search(p)}
    scored = []
    for s in rows:
        haystack = f"{s.title}\n{s.text}"
        hits = sum(1 for p in pieces if p in haystack)
        if hits * 2 >= len(pieces):
            scored.append((-hits, s.situation, s.title, s))
    return [row[-1] for row in sorted(scored, key=lambda r: r[:3])]


# ── the picker in the reply box ─────────────────────────────────────────────────────────────────────

SITUATION_ORDER = [value for value, _label in Situation.choices]


@dataclass(frozen=True)
class Pick:
    """A script offered in the reply box: its text filled from the complaint, and why it is near the top."""

    script: Script
    preview: str
    for_type: bool  # written for the complaint's type (not for every type)
    for_channel: bool  # written for the reply's channel
    other_channel: bool  # written only for other channels (a phone script, say): offered last


def picker_scripts(
    complaint: Complaint, *, q: str = "", situation: str = "", channel: str = "", language: str = ""
) -> list[Pick]:
    """The scripts an agent may insert into a reply on `complaint`: those that fit its type (a script for another
    type is left out), the ones for its type and for the reply `channel` first, in the customer's `language`,
    each previewed with the complaint's values. A search (`q`) keeps its own order of relevance after that."""
    type_code = complaint.category.code if complaint.category_id else ""
    rows = search_scripts(situation=situation, type_code=type_code, language=language, q=q)
    values: dict[str, dict[str, str]] = {}
    picks = []
    for position, script in enumerate(rows):
        if script.language not in values:
            values[script.language] = values_for(complaint, script.language)
        for_type = bool(type_code and type_code in script.type_codes)
        for_channel = bool(channel and channel in script.channels)
        other = bool(channel and script.channels and channel not in script.channels)
        pick = Pick(script, render_text(script.text, values[script.language]), for_type, for_channel, other)
        order = SITUATION_ORDER.index(script.situation) if script.situation in SITUATION_ORDER else 99
        picks.append(((not for_type, not for_channel, other, position if q else order, position), pick))
    return [pick for _key, pick in sorted(picks, key=lambda row: row[0])]
