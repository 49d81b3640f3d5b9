"""Reading an RFC 5322 message: headers, the text a person wrote, and the files attached. Pure functions.

Chinese mail is decoded the way Chinese mail clients write it, not the way its headers say: a part labelled
GB2312 is very often GBK (characters such as 镕 or 喆 that GB2312 lacks), so every GB label is read as GB18030,
which contains both. A part whose declared charset is missing, unknown or wrong is tried as UTF-8 and then as
GB18030 before anything is replaced. RFC 2047 encoded words (subjects, names, file names) and RFC 2231
parameters are decoded with the same rule.

The text shown to staff is what the customer wrote this time: quoted history ("-----原始邮件-----",
"在 … 写道：", "On … wrote:", "> " lines, the "发件人:/From:" header blocks Outlook, Foxmail and QQ mail put
above the quoted message) and signatures ("-- ", "发自我的iPhone", "Sent from my …") are cut off. The message
itself is kept whole as an attachment by the receiver, so nothing is lost.
"""

from __future__ import annotations

import email
import email.message
import email.utils
import hashlib
import html
import re
from dataclasses import dataclass, field
from email.header import decode_header
from html.parser import HTMLParser

# Every label of the GB family is read as GB18030, its superset; Big5 as Big5-HKSCS (its superset too).
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "us-ascii": "utf-8",  # ASCII is UTF-8; a mislabelled 8-bit body then still decodes
    "ascii": "utf-8",
}


def codec_for(charset: str | None) -> str | None:
    """The Python codec that reads text labelled `charset`, or None when the label is unknown."""
    if not charset:
        return None
    label = charset.strip().strip('"').lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        "".encode(label)
    except LookupError:
        return None
    return label


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text from bytes: the declared charset (GB labels as GB18030), else UTF-8, else GB18030, never failing."""
    tried = []
    for codec in (codec_for(charset), "utf-8", "gb18030"):
        if codec and codec not in tried:
            tried.append(codec)
            try:
                return data.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode(tried[0] if tried else "utf-8", errors="replace")


def decode_header_value(value: str | None) -> str:
    """A header's text: RFC 2047 encoded words decoded (with the GB rule), folding undone."""
    if value is None:
        return ""
    value = str(value)
    if "=?" not in value:
        # Raw 8-bit headers (non-standard, sent by some clients) reach us as surrogate escapes.
        text = value
        if any("\udc80" <= ch <= "\udcff" for ch in text):
            text = decode_bytes(text.encode("utf-8", "surrogateescape"))
        return _unfold(text)
    parts = []
    try:
        chunks = decode_header(value)
    except (ValueError, AssertionError):
        return _unfold(value)
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            parts.append(decode_bytes(chunk, charset) if charset else decode_bytes(chunk))
        else:
            parts.append(chunk)
    return _unfold("".join(parts))


def _unfold(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def _clean(text: str) -> str:
    """No NUL or other control characters (tabs and newlines kept), Windows line ends made plain."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)


# ---------------------------------------------------------------------------------------------
# HTML → text, for mail with no plain-text part


class _TextOfHtml(HTMLParser):
    _BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self.skip += 1
        elif tag == "blockquote":
            self.quote += 1
            self.out.append("\n")
        elif tag in self._BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.out.append("\n")
        elif tag in self._BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if self.skip:
            return
        data = re.sub(r"\s+", " ", data)
        if self.quote:
            # Quoted history in HTML mail is a <blockquote>: marked as "> " lines, the quote stripper cuts them.
            data = "\n".join("> " + line for line in data.split("\n"))
        self.out.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextOfHtml()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # a broken page is still text
        return html.unescape(re.sub(r"<[^>]+>", " ", markup))
    lines = [line.strip() for line in "".join(parser.out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# ---------------------------------------------------------------------------------------------
# Quoted history and signatures

# A line that starts the quoted message: everything from it on is history.
_HISTORY_LINES = [
    re.compile(
        r"^\s*-{2,}\s*(原始邮件|原始信件|Original Message|Forwarded message|转发邮件|回复的原邮件)\s*-{2,}\s*$", re.I
    ),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above "发件人:/From:"
    re.compile(r"^\s*-{10,}\s*$"),
]
# An attribution line: "在 2026年11月20日 10:00，张三 <a@b.com> 写道：", "张三 于2026年11月20日周五 写道：",
# "On … wrote:".
_ATTRIBUTION = re.compile(r"(写道|wrote)\s*[:：]\s*$", re.I)
_ATTRIBUTION_START = re.compile(r"^\s*(在|On\s)", re.I)
# Header blocks above the quoted message (Outlook, Foxmail, QQ mail, NetEase): "发件人: …" then "发送时间:" …
_BLOCK_FIRST = re.compile(r"^\s*\**\s*(发件人|From)\s*\**\s*[:：]", re.I)
_BLOCK_NEXT = re.compile(
    r"^\s*\**\s*(发送时间|发送日期|时间|日期|Sent|Date|收件人|To|抄送|Cc|主题|Subject)\s*\**\s*[:：]", re.I
)
# Signatures: "-- " (RFC 3676) and what phones and mail apps add.
_SIGNATURE = re.compile(
    r"^\s*(--\s*|—— *|发自我的\s*\S.*|发自\s*(网易邮箱|QQ邮箱|手机|我的).*|来自\s*(网易|QQ|139|我的).*|"
    r"Sent from my .*|Sent from .* for (Windows|iOS|Android)|Get Outlook for .*|从我的\s*\S+\s*发送)\s*$",
    re.I,
)


def strip_quoted(text: str) -> str:
    """What the sender wrote this time: quoted history and signatures cut off, empty lines at the ends
    removed. When that leaves nothing (a reply written below the quote), the text without its "> " lines."""
    lines = text.split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        if any(p.match(line) for p in _HISTORY_LINES):
            cut = i
            break
        if _ATTRIBUTION.search(line) and (_ATTRIBUTION_START.match(line) or "于" in line or "@" in line or i > 0):
            cut = i
            # "On Mon, 20 Nov 2026, Zhang <zs@example.com>\n wrote:" — the attribution began on the line before.
            if i > 0 and _ATTRIBUTION_START.match(lines[i - 1]) and not _ATTRIBUTION_START.match(line):
                cut = i - 1
            break
        if _BLOCK_FIRST.match(line) and any(_BLOCK_NEXT.match(n) for n in lines[i + 1 : i + 4]):
            cut = i
            break
        if _SIGNATURE.match(line) and len(line.strip()) <= 40:
            cut = i
            break
    kept = [line for line in lines[:cut] if not line.lstrip().startswith(">")]
    result = "\n".join(kept).strip()
    if not result:
        result = "\n".join(
            line for line in lines if not line.lstrip().startswith(">") and not _ATTRIBUTION.search(line)
        ).strip()
    return re.sub(r"\n{3,}", "\n\n", result)


# ---------------------------------------------------------------------------------------------
# The message


@dataclass
class MailFile:
    name: str
    content: bytes
    declared_type: str


@dataclass
class ParsedMail:
    message_id: str
    from_name: str
    from_address: str
    subject: str
    in_reply_to: list[str]
    references: list[str]
    text: str  # what the sender wrote this time
    full_text: str  # the whole body as text
    files: list[MailFile] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # the headers the loop rules read, lower-cased names
    content_type: str = ""
    size: int = 0

    @property
    def thread_ids(self) -> list[str]:
        """The ids this mail answers, nearest first: In-Reply-To, then References from the last one back."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


LOOP_HEADERS = (
    "auto-submitted",
    "precedence",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response",
    "x-autogenerated",
    "list-id",
    "return-path",
    "sender",
)

_MSGID = re.compile(r"<[^<>\s]+>")


def message_ids(value: str | None) -> list[str]:
    """The <ids> in an In-Reply-To or References header, in order."""
    return _MSGID.findall(str(value or ""))


def content_key(raw: bytes) -> str:
    """The key of a message without a Message-ID: the same bytes fetched twice get the same key."""
    return f"<sha256.{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id>"


def _filename(part: email.message.Message) -> str:
    for header in ("content-disposition", "content-type"):
        for param in ("filename", "name"):
            value = part.get_param(param, header=header)
            if value is None:
                continue
            if isinstance(value, tuple):  # RFC 2231: (charset, language, text as Latin-1)
                charset, _language, text = value
                try:
                    raw = text.encode("latin-1")
                except UnicodeEncodeError:
                    return text
                return decode_bytes(raw, charset)
            return decode_header_value(email.utils.collapse_rfc2231_value(value))
    return ""


def _part_text(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        return ""
    text = decode_bytes(payload, part.get_content_charset())
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return _clean(text)


def _walk(message: email.message.Message, plain: list[str], markup: list[str], files: list[MailFile]) -> None:
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        disposition = (part.get("content-disposition") or "").split(";", 1)[0].strip().lower()
        name = _filename(part)
        if kind in ("text/plain", "text/html") and disposition != "attachment" and not name:
            (plain if kind == "text/plain" else markup).append(_part_text(part))
            continue
        if kind == "message/rfc822":
            # A forwarded mail: kept as a file of its own (the whole original is kept anyway).
            inner = part.get_payload()
            content = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
            if content:
                files.append(MailFile(name or "forwarded.eml", content, kind))
            continue
        content = part.get_payload(decode=True) or b""
        if not content:
            continue
        if not name:
            name = "file"
        files.append(MailFile(name, content, kind))


def parse(raw: bytes) -> ParsedMail:
    message = email.message_from_bytes(raw)
    display, address = email.utils.parseaddr(decode_header_value(message.get("from")))
    if not address:
        _n, address = email.utils.parseaddr(str(message.get("from") or ""))
    plain: list[str] = []
    markup: list[str] = []
    files: list[MailFile] = []
    if message.get_content_type() == "multipart/report":
        # A delivery report: its parts are the report, not a customer's files.
        pass
    else:
        _walk(message, plain, markup, files)
    body = "\n\n".join(t for t in plain if t.strip()) or "\n\n".join(t for t in markup if t.strip())
    ids = message_ids(message.get("message-id"))
    headers = {name: decode_header_value(message.get(name)) for name in LOOP_HEADERS if message.get(name) is not None}
    return ParsedMail(
        message_id=ids[0] if ids else content_key(raw),
        from_name=_clean(display).strip().strip('"').strip(),
        from_address=address.strip().lower(),
        subject=_clean(decode_header_value(message.get("subject"))).replace("\n", " ").strip(),
        in_reply_to=message_ids(message.get("in-reply-to")),
        references=message_ids(message.get("references")),
        text=strip_quoted(body),
        full_text=body.strip(),
        files=files,
        headers=headers,
        content_type=message.get_content_type(),
        size=len(raw),
    )


def parse_headers(raw: bytes) -> ParsedMail:
    """Only what the headers say (for a message too large to read whole)."""
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw[:65536] else raw.split(b"\n\n", 1)[0]
    parsed = parse(head[:65536] + b"\n\n")
    parsed.size = len(raw)
    if parsed.message_id.endswith("@no-message-id>"):
        parsed.message_id = content_key(raw)
    return parsed


_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|sv|答复|回复|转发)\s*[:：]\s*|\[[A-Z][A-Z0-9]{0,9}-\d{8}-\d{5,}\]\s*)+", re.I
)


def title_of(subject: str) -> str:
    """A complaint title from a subject: "Re:/回复:/转发:" prefixes and "[KS-…]" number tags removed."""
    return _REPLY_PREFIX.sub("", subject or "").strip()
