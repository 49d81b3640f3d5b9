"""Evidence attachments (R-REC-4): checked by content, stored under their hash, read with permission."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.core.errors import DomainError, Forbidden, ValidationFailed
from kesu.core.text import check_text

from .events import record_event
from .models import Attachment, Complaint
from .models.attachment import EvidenceSource
from .states import HANDLING, Status

# Magic bytes → content type. Only what evidence really is: photos, scans, documents, chat exports,
# voice and video recordings.
_SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"BM", 0, "image/bmp"),
    (b"%PDF-", 0, "application/pdf"),
    (b"PK\x03\x04", 0, "application/zip"),
    (b"ID3", 0, "audio/mpeg"),
    (b"#!AMR", 0, "audio/amr"),
]


def sniff_content_type(head: bytes) -> str | None:
    for magic, offset, kind in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1"):
            return "image/heic"
        if brand.startswith(b"M4A"):
            return "audio/mp4"
        return "video/mp4"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character may be cut at the end of the sample.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return None
    if "\x00" in text:
        return None
    return "text/plain"


# A mail kept as evidence (an e-mail complaint's original message): headers first, as RFC 5322 writes them.
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_MAIL_HEADER = re.compile(rb"^(from|to|subject|date|message-id|mime-version|received|return-path|delivered-to):", re.I)


def looks_like_mail(head: bytes) -> bool:
    """Whether `head` (the first KB or so) is an RFC 5322 message's header: every line a "Name: value" line or
    its continuation, the first a header line, at least one the name of a mail header. Any body charset."""
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    for line in lines:
        if line == b"":
            break
        if not (_HEADER_LINE.match(line) or line[:1] in (b" ", b"\t")):
            return False
    return any(_MAIL_HEADER.match(line) for line in lines)


def content_kind(content: bytes, name: str) -> str | None:
    """The sniffed type of a file: its magic bytes, or for a name ending .eml an RFC 5322 message."""
    if _suffix(name) == ".eml" and looks_like_mail(content[:4096]):
        return "message/rfc822"
    return sniff_content_type(content[:512])


OFFICE_BY_SUFFIX = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# What a name's suffix promises, as the sniffed types that keep the promise. A file whose name promises one
# kind and whose bytes are another is refused: the evidence list would call a web page a "photo". Photos
# keep their promise with any raster image (phones name a PNG screenshot .jpg); SVG is markup, never a photo.
_IMAGES = {"image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp", "image/heic"}
_AUDIO_VIDEO = {"audio/mpeg", "audio/amr", "audio/wav", "audio/mp4", "video/mp4"}
KINDS_BY_SUFFIX: dict[str, frozenset[str]] = {
    suffix: frozenset(kinds)
    for suffixes, kinds in [
        (".jpg .jpeg .jfif .png .gif .bmp .webp .heic .heif", _IMAGES),
        (".pdf", {"application/pdf"}),
        (".zip .docx .xlsx", {"application/zip"}),
        (".mp3 .amr .wav .m4a .mp4 .mov .m4v .3gp", _AUDIO_VIDEO),
        (".txt .csv .log .json", {"text/plain"}),
        (".eml", {"message/rfc822"}),
    ]
    for suffix in suffixes.split()
}
# A declared Content-Type of these families is a promise too (a browser derives it from the name).
_DECLARED_FAMILIES = {"image": _IMAGES, "audio": _AUDIO_VIDEO, "video": _AUDIO_VIDEO}


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_claimed_type(name: str, kind: str, declared_type: str = "") -> None:
    """Refuse (415, naming the file) what is not the kind its name or its declared type claims."""
    promised = KINDS_BY_SUFFIX.get(_suffix(name))
    declared = (declared_type or "").split(";", 1)[0].strip().lower()
    if declared == "application/pdf":
        declared_kinds: set[str] | None = {"application/pdf"}
    else:
        declared_kinds = _DECLARED_FAMILIES.get(declared.split("/", 1)[0])
    if (promised is not None and kind not in promised) or (declared_kinds is not None and kind not in declared_kinds):
        raise DomainError(
            "unsupported_media_type",
            _("“%(name)s” is not what its name or type says: its content is %(kind)s.") % {"name": name, "kind": kind},
            field="file",
        )


def clean_file_name(filename: str) -> str:
    """The name without its folders, at most 200 characters, keeping its suffix."""
    name = (filename or "file").replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    if len(name) > 200:
        suffix = _suffix(name)
        suffix = suffix if len(suffix) <= 10 else ""
        name = name[: 200 - len(suffix)] + suffix
    return name


def check_upload_size(size: int | None) -> None:
    """Refuse a file over the limit before its bytes are read (413)."""
    if size and size > settings.KESU_MAX_UPLOAD_BYTES:
        raise DomainError(
            "too_large",
            _("The file is larger than %(mb)s MB.") % {"mb": settings.KESU_MAX_UPLOAD_BYTES // (1024 * 1024)},
            field="file",
        )


def do_add_attachment(
    complaint: Complaint,
    *,
    actor: User | None,
    now: dt.datetime,
    content: bytes,
    filename: str,
    source: str = EvidenceSource.CUSTOMER,
    captured_at: dt.datetime | None = None,
    description: str = "",
    declared_type: str = "",
) -> Attachment:
    # actor None: the customer's own upload, through a public channel (the form, the tracking page, e-mail).
    if actor is not None and actor.role not in HANDLING:
        raise Forbidden(_("Your role may not add evidence to complaints."))
    if complaint.status == Status.ARCHIVED:
        raise DomainError("read_only", _("Archived complaints are read-only."))
    if complaint.is_read_only:  # merged into another complaint
        raise DomainError("read_only", _("Merged complaints are read-only: work on the complaint it was merged into."))
    if not content:
        raise ValidationFailed(_("The file is empty."), field="file")
    check_upload_size(len(content))
    kind = content_kind(content, clean_file_name(filename))
    if kind is None:
        raise DomainError(
            "unsupported_media_type",
            _("This kind of file is not accepted. Send photos, PDFs, Office documents, text, audio or video."),
            field="file",
        )
    name = check_text(clean_file_name(filename), "file")
    check_claimed_type(name, kind, declared_type)
    if kind == "application/zip":
        kind = OFFICE_BY_SUFFIX.get(_suffix(name), "application/zip")
    if source not in EvidenceSource.values:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": source, "choices": ", ".join(EvidenceSource.values)},
            field="source",
        )
    description = check_text((description or "").strip(), "description")
    if len(description) > 200:
        raise ValidationFailed(_("At most %(max)s characters.") % {"max": 200}, field="description")
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        attachment = Attachment(
            complaint=complaint,
            original_name=name,
            content_type=kind,
            size=len(content),
            sha256=digest,
            source=source,
            captured_at=captured_at,
            description=description,
            uploaded_by=actor,
            uploaded_at=now,
        )
        attachment.file.save(digest, ContentFile(content), save=False)
        attachment.save()
        record_event(
            complaint,
            actor=actor,
            now=now,
            action="attachment_added",
            from_status=complaint.status,
            to_status=complaint.status,
            data={
                "attachment": attachment.id,
                "name": name,
                "content_type": kind,
                "size": len(content),
                "source": source,
            },
        )
    return attachment
