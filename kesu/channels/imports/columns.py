"""The columns an old complaint sheet may have, the headers each is known by, and the words its cells use.

The first two names of each field are the documented headers (Chinese, English: API.md "Channels"); the others
are variants found in old 投诉记录表. A header is compared without spaces, case, a trailing "*" or "(必填)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    name: str
    header: str  # the documented Chinese header, what a report names when the sheet lacks the column
    english: str
    label: object  # translated, for the mapping page
    aliases: tuple[str, ...] = ()
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field(
        "received_at",
        "受理时间",
        "received_at",
        _("Received at"),
        (
            "受理日期",
            "投诉时间",
            "投诉日期",
            "来电时间",
            "登记时间",
            "登记日期",
            "接收时间",
            "反馈时间",
            "反馈日期",
            "日期",
            "时间",
            "received",
            "date",
        ),
        required=True,
    ),
    Field(
        "customer_name",
        "客户名称",
        "customer_name",
        _("Customer name"),
        ("客户姓名", "客户", "姓名", "投诉人", "投诉人姓名", "顾客", "顾客姓名", "联系人", "customer", "name"),
    ),
    Field(
        "phone",
        "联系电话",
        "phone",
        _("Phone"),
        ("电话", "手机", "手机号", "手机号码", "电话号码", "联系方式", "客户电话", "mobile", "tel", "telephone"),
    ),
    Field("email", "邮箱", "email", _("E-mail"), ("电子邮箱", "邮件", "电子邮件", "e-mail", "mail")),
    Field("title", "标题", "title", _("Title"), ("主题", "投诉标题", "投诉主题", "摘要", "subject")),
    Field(
        "description",
        "投诉内容",
        "description",
        _("Description"),
        (
            "内容",
            "问题描述",
            "投诉描述",
            "投诉详情",
            "详细描述",
            "描述",
            "情况说明",
            "问题",
            "投诉问题",
            "content",
            "details",
        ),
        required=True,
    ),
    Field(
        "type_code",
        "投诉类型",
        "type_code",
        _("Complaint type"),
        ("类型", "投诉类别", "类别", "分类", "问题类型", "问题分类", "type", "category"),
    ),
    Field("product", "产品", "product", _("Product"), ("产品名称", "商品", "商品名称", "品名")),
    Field("product_model", "型号", "product_model", _("Model"), ("规格型号", "产品型号", "规格", "model")),
    Field(
        "product_code",
        "产品编码",
        "product_code",
        _("Product code"),
        ("产品代码", "物料编码", "商品编码", "货号", "sku"),
    ),
    Field("batch_no", "批号", "batch_no", _("Batch / lot no."), ("批次", "批次号", "生产批号", "batch", "lot")),
    Field("order_no", "订单号", "order_no", _("Order no."), ("订单编号", "单号", "order", "order_number")),
    Field("store", "门店", "store", _("Store / site"), ("网点", "店铺", "门店名称")),
    Field("channel", "渠道", "channel", _("Channel"), ("来源", "投诉渠道", "受理渠道", "投诉方式", "source")),
    Field("status", "状态", "status", _("Status"), ("处理状态", "结案状态", "是否结案", "当前状态")),
    Field("closed_at", "结案时间", "closed_at", _("Closed at"), ("结案日期", "关闭时间", "完成时间", "closed")),
    Field(
        "legacy_number",
        "原编号",
        "legacy_number",
        _("Legacy number"),
        ("编号", "投诉编号", "原单号", "原投诉编号", "工单号", "legacy_no", "number", "ticket"),
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = tuple(f.name for f in FIELDS if f.required)


def header_key(text: str) -> str:
    text = re.sub(r"[（(][^)）]*[)）]", "", str(text or ""))  # 联系电话(必填)
    text = re.sub(r"[\s_*：:#\-]+", "", text).lower()
    return text


_PRIMARY = {header_key(n): f.name for f in FIELDS for n in (f.header, f.english)}
_ALIASES = {header_key(n): f.name for f in FIELDS for n in f.aliases}


def guess_columns(headers: list[str]) -> dict[int, str]:
    """{column index: field} for the headers that are known. Each field is read from one column: a documented
    header wins over a variant (受理时间 over 日期), otherwise the leftmost column."""
    taken: dict[str, int] = {}
    for table in (_PRIMARY, _ALIASES):
        for index, header in enumerate(headers):
            name = table.get(header_key(header))
            if name and name not in taken and index not in taken.values():
                taken[name] = index
    return {index: name for name, index in sorted(taken.items(), key=lambda item: item[1])}


def column_map_from_saved(headers: list[str], saved: dict[str, str]) -> dict[int, str]:
    """A saved mapping ({header: field}) applied to this file's headers; headers it does not name are guessed."""
    mapping = guess_columns(headers)
    by_key = {header_key(h): f for h, f in saved.items()}
    for index, header in enumerate(headers):
        name = by_key.get(header_key(header))
        if name is None:
            continue
        for other, field_name in list(mapping.items()):
            if field_name == name or other == index:
                del mapping[other]
        if name in FIELD_BY_NAME:
            mapping[index] = name
    return dict(sorted(mapping.items()))


# --- what the cells say ------------------------------------------------------------------------------------------

# Status words → the state an imported complaint takes: closed, archived, or new (still open).
STATUS_WORDS = {
    "closed": ("closed", "已结案", "结案", "已关闭", "关闭", "已完成", "完成", "已解决", "已处理", "done", "是"),
    "archived": ("archived", "已归档", "归档"),
    "new": (
        "new",
        "open",
        "pending",
        "新建",
        "新",
        "待处理",
        "未处理",
        "处理中",
        "跟进中",
        "未结案",
        "已受理",
        "受理",
        "否",
    ),
}
_STATUS = {header_key(w): state for state, words in STATUS_WORDS.items() for w in words}

CHANNEL_WORDS = {
    "phone": ("电话", "热线", "来电", "400", "400热线", "客服电话", "phone", "hotline", "tel"),
    "email": ("邮件", "电子邮件", "邮箱", "email", "e-mail", "mail"),
    "web": ("网站", "官网", "网页", "在线表单", "网上", "web", "website", "form"),
    "store": ("门店", "到店", "现场", "来访", "柜台", "store", "visit"),
    "chat": ("在线客服", "在线", "微信", "企业微信", "公众号", "小程序", "app", "chat", "wechat"),
    "social": ("微博", "抖音", "小红书", "社交媒体", "网络舆情", "social"),
    "letter": ("信函", "来信", "传真", "书面", "letter", "fax"),
    "regulator": ("12315", "12345", "市场监管", "监管转办", "市监局", "消协", "regulator"),
    "api": ("api", "系统", "其他系统"),
}
_CHANNEL = {header_key(w): code for code, words in CHANNEL_WORDS.items() for w in words}
DEFAULT_CHANNEL = "phone"


def status_of(text: str) -> str | None:
    """ "closed" | "archived" | "new" for a status cell (empty: new), None for a word not known."""
    if not text.strip():
        return "new"
    return _STATUS.get(header_key(text))


def channel_of(text: str) -> str | None:
    """A channel code for a channel cell (its code, its Chinese name or a common word), None if unknown."""
    from kesu.complaints.models import Channel

    key = header_key(text)
    if key in _CHANNEL:
        return _CHANNEL[key]
    for choice in Channel:
        if key in (choice.value, header_key(str(choice.label))):
            return choice.value
    return None
