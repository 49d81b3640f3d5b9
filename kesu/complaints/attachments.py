"""Evidence attachments (R-REC-4): checked by content, stored under their hash, read with permission."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.core.errors import DomainError, Forbidden, ValidationFailed

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


OFFICE_BY_SUFFIX = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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
    actor: User,
    now: dt.datetime,
    content: bytes,
    filename: str,
    source: str = EvidenceSource.CUSTOMER,
    captured_at: dt.datetime | None = None,
    description: str = "",
) -> Attachment:
    if actor.role not in HANDLING:
        raise Forbidden(_("Your role may not add evidence to complaints."))
    if complaint.status == Status.ARCHIVED:
        raise DomainError("read_only", _("Archived complaints are read-only."))
    if not content:
        raise ValidationFailed(_("The file is empty."), field="file")
    check_upload_size(len(content))
    kind = sniff_content_type(content[:512])
    if kind is None:
        raise DomainError(
            "unsupported_media_type",
            _("This kind of file is not accepted. Send photos, PDFs, Office documents, text, audio or video."),
            field="file",
        )
    name = (filename or "file").replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
    if kind == "application/zip":
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        kind = OFFICE_BY_SUFFIX.get(suffix, "application/zip")
    if source not in EvidenceSource.values:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": source, "choices": ", ".join(EvidenceSource.values)},
            field="source",
        )
    description = (description or "").strip()
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
