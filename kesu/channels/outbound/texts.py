"""The texts of the messages to customers: the defaults shipped in code, the placeholders, the rendering.

Placeholder syntax: a name in single braces, `{投诉编号}`, Chinese or its English alias (`{number}`), the same
in both languages' templates. `{{` and `}}` write a literal brace. An unknown name is refused when the
template is saved in the admin (and left as typed if it ever reaches rendering).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.translation import pgettext_lazy

# Which message (key) → its label in the admin. "_sms" keys are the short texts sent by SMS.
KEYS = {
    "acknowledgement": pgettext_lazy("message template", "Acknowledgement (e-mail)"),
    "acknowledgement_sms": pgettext_lazy("message template", "Acknowledgement (SMS)"),
    "solution_proposed": pgettext_lazy("message template", "Solution proposed (e-mail)"),
    "solution_proposed_sms": pgettext_lazy("message template", "Solution proposed (SMS)"),
    "resolved": pgettext_lazy("message template", "Resolved, please rate (e-mail)"),
    "resolved_sms": pgettext_lazy("message template", "Resolved, please rate (SMS)"),
    "rejected": pgettext_lazy("message template", "Not accepted, the reply (e-mail)"),
    "rejected_sms": pgettext_lazy("message template", "Not accepted, the reply (SMS)"),
    "reply": pgettext_lazy("message template", "Agent's reply (e-mail frame)"),
    "reply_sms": pgettext_lazy("message template", "Agent's reply (SMS frame)"),
}
KEY_CHOICES = list(KEYS.items())

# Canonical name → (Chinese placeholder, English alias, what it is).
PLACEHOLDERS: dict[str, tuple[str, str, object]] = {
    "customer": ("客户称呼", "customer", pgettext_lazy("placeholder", "the customer's name")),
    "number": ("投诉编号", "number", pgettext_lazy("placeholder", "the complaint number")),
    "title": ("投诉标题", "title", pgettext_lazy("placeholder", "the complaint's title")),
    "due": ("预计时间", "due", pgettext_lazy("placeholder", "the expected first response (SLA clock)")),
    "track_url": ("查询链接", "track_url", pgettext_lazy("placeholder", "the signed tracking link")),
    "solution": ("处理方案", "solution", pgettext_lazy("placeholder", "the proposed solution")),
    "resolution": ("处理结果", "resolution", pgettext_lazy("placeholder", "the resolution summary")),
    "rate_url": ("评价链接", "rate_url", pgettext_lazy("placeholder", "the signed rating link")),
    "reply": ("答复内容", "reply", pgettext_lazy("placeholder", "the reply given when not accepted")),
    "text": ("正文", "text", pgettext_lazy("placeholder", "the agent's message")),
    "company": ("公司名称", "company", pgettext_lazy("placeholder", "the organisation's name")),
}
_NAMES = {name: key for key, (zh, en, _d) in PLACEHOLDERS.items() for name in (zh, en)}
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\s]{1,30})\}")


def placeholder_list() -> str:
    return " ".join(f"{{{zh}}}" for zh, _en, _d in PLACEHOLDERS.values())


def unknown_placeholders(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) for m in _TOKEN.finditer(text) if m.group(1) and m.group(1) not in _NAMES))


def render(text: str, values: Mapping[str, str]) -> str:
    """`values` by canonical name (PLACEHOLDERS' keys); a known placeholder without a value becomes empty."""

    def one(match: re.Match) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        key = _NAMES.get(match.group(1))
        return match.group(0) if key is None else str(values.get(key) or "")

    return _TOKEN.sub(one, text)


# (key, language) → (subject, body). The subject gets "[number] " in front when it lacks the number.
DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    ("acknowledgement", "zh-hans"): (
        "我们已收到您的投诉",
        "尊敬的{客户称呼}：\n\n"
        "非常理解您的心情，我们已收到您的投诉，会尽快为您核实处理。\n\n"
        "投诉编号：{投诉编号}\n"
        "投诉事项：{投诉标题}\n"
        "预计首次响应时间：{预计时间}\n\n"
        "您可以随时通过以下链接查询处理进度、补充说明或上传凭证：\n{查询链接}\n\n"
        "如需补充信息，直接回复本邮件即可（请保留标题中的投诉编号）。\n\n"
        "{公司名称} 客户服务中心",
    ),
    ("acknowledgement", "en"): (
        "We have received your complaint",
        "Dear {customer},\n\n"
        "We understand how you feel. We have received your complaint and will look into it quickly.\n\n"
        "Complaint number: {number}\n"
        "About: {title}\n"
        "Expected first response: {due}\n\n"
        "Follow its progress, add details or upload evidence at any time here:\n{track_url}\n\n"
        "To add information, simply reply to this e-mail (keep the complaint number in the subject).\n\n"
        "{company} Customer Service",
    ),
    ("acknowledgement_sms", "zh-hans"): (
        "",
        "您的投诉已受理，编号{投诉编号}，预计{预计时间}前首次响应。查询进度：{查询链接}",
    ),
    ("acknowledgement_sms", "en"): (
        "",
        "Your complaint {number} is registered; first response expected by {due}. Track it: {track_url}",
    ),
    ("solution_proposed", "zh-hans"): (
        "关于您投诉的处理方案",
        "尊敬的{客户称呼}：\n\n"
        "针对您的投诉（编号 {投诉编号}），我们提出以下处理方案：\n\n{处理方案}\n\n"
        "请通过以下链接查看，并告诉我们您是否接受该方案：\n{查询链接}\n\n"
        "如有疑问，直接回复本邮件即可。\n\n"
        "{公司名称} 客户服务中心",
    ),
    ("solution_proposed", "en"): (
        "A solution to your complaint",
        "Dear {customer},\n\n"
        "For your complaint {number} we propose:\n\n{solution}\n\n"
        "Please open this link and tell us whether you accept it:\n{track_url}\n\n"
        "Questions? Simply reply to this e-mail.\n\n"
        "{company} Customer Service",
    ),
    ("solution_proposed_sms", "zh-hans"): (
        "",
        "您的投诉{投诉编号}处理方案：{处理方案}。请点击确认是否接受：{查询链接}",
    ),
    ("solution_proposed_sms", "en"): (
        "",
        "Complaint {number}, our proposal: {solution}. Accept or decline: {track_url}",
    ),
    ("resolved", "zh-hans"): (
        "您的投诉已处理完毕",
        "尊敬的{客户称呼}：\n\n"
        "您的投诉（编号 {投诉编号}）已处理完毕。\n\n处理结果：{处理结果}\n\n"
        "请花一分钟对本次处理进行评价，您的意见对我们非常重要：\n{评价链接}\n\n"
        "查询处理记录：{查询链接}\n\n"
        "{公司名称} 客户服务中心",
    ),
    ("resolved", "en"): (
        "Your complaint has been resolved",
        "Dear {customer},\n\n"
        "Your complaint {number} has been resolved.\n\nResolution: {resolution}\n\n"
        "Please take a minute to rate how we handled it:\n{rate_url}\n\n"
        "The whole record: {track_url}\n\n"
        "{company} Customer Service",
    ),
    ("resolved_sms", "zh-hans"): (
        "",
        "您的投诉{投诉编号}已处理完毕，请对本次处理进行评价：{评价链接}",
    ),
    ("resolved_sms", "en"): (
        "",
        "Your complaint {number} is resolved. Please rate our handling: {rate_url}",
    ),
    ("rejected", "zh-hans"): (
        "关于您投诉的答复",
        "尊敬的{客户称呼}：\n\n"
        "关于您的投诉（编号 {投诉编号}），经核实，答复如下：\n\n{答复内容}\n\n"
        "如有异议，可直接回复本邮件或通过以下链接补充说明：\n{查询链接}\n\n"
        "{公司名称} 客户服务中心",
    ),
    ("rejected", "en"): (
        "Our answer to your complaint",
        "Dear {customer},\n\n"
        "About your complaint {number}, after checking it we answer:\n\n{reply}\n\n"
        "If you disagree, reply to this e-mail or add details here:\n{track_url}\n\n"
        "{company} Customer Service",
    ),
    ("rejected_sms", "zh-hans"): (
        "",
        "关于您的投诉{投诉编号}：{答复内容} 详情：{查询链接}",
    ),
    ("rejected_sms", "en"): (
        "",
        "About your complaint {number}: {reply} Details: {track_url}",
    ),
    ("reply", "zh-hans"): (
        "关于您投诉的回复",
        "{正文}\n\n——\n投诉编号：{投诉编号}\n查询处理进度：{查询链接}\n"
        "如需补充，直接回复本邮件即可。\n{公司名称} 客户服务中心",
    ),
    ("reply", "en"): (
        "About your complaint",
        "{text}\n\n--\nComplaint number: {number}\nFollow its progress: {track_url}\n"
        "To add anything, simply reply to this e-mail.\n{company} Customer Service",
    ),
    ("reply_sms", "zh-hans"): ("", "{正文}（投诉{投诉编号}，进度：{查询链接}）"),
    ("reply_sms", "en"): ("", "{text} (complaint {number}, progress: {track_url})"),
}
