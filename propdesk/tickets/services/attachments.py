"""Attachments: photos, video, audio and documents, stored through Django's storage API.

Limits (settings): ``ATTACHMENT_MAX_BYTES`` per file, ``ATTACHMENT_MAX_PER_TICKET`` per ticket,
and a list of accepted types checked by extension *and* by the file's first bytes, so a
renamed executable is refused.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput
from propdesk.org.models import User

from ..choices import EventKind
from ..models import Attachment, Ticket
from .guards import check_move, get_work_order, lock_ticket, record_event

ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0",)
#: extension → (content type, accepted leading bytes; None when the format has no signature)
ACCEPTED_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".heic": ("image/heic", None),
    ".mp4": ("video/mp4", None),
    ".mov": ("video/quicktime", None),
    ".mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    ".m4a": ("audio/mp4", None),
    ".amr": ("audio/amr", (b"#!AMR",)),
    ".wav": ("audio/wav", (b"RIFF",)),
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".doc": ("application/msword", OLE),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
    ),
    ".xls": ("application/vnd.ms-excel", OLE),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".txt": ("text/plain", None),
}
#: RIFF is a container: bytes 8–12 say what is inside, so a WAV renamed .webp is refused.
RIFF_FORMS = {".webp": b"WEBP", ".wav": b"WAVE"}
#: Formats without a fixed signature must at least not look like a program (compared in lower
#: case, after any byte-order mark and leading blanks).
FORBIDDEN_PREFIXES = tuple(
    p.lower() for p in (b"MZ", b"\x7fELF", b"#!/", b"<?php", b"<script", b"<html")
)
LEADING_BLANKS = b"\xef\xbb\xbf \t\r\n"


def _check_file(upload: UploadedFile) -> tuple[str, str]:
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ACCEPTED_TYPES:
        raise InvalidInput(
            _("不支持的文件类型“%(ext)s”,可上传:%(ok)s")
            % {"ext": ext or name, "ok": " ".join(sorted(ACCEPTED_TYPES))},
            field="file",
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise InvalidInput(
            _("文件“%(name)s”太大(%(size).1f MB),上限 %(limit).0f MB")
            % {"name": name, "size": (upload.size or 0) / 1048576, "limit": limit / 1048576},
            field="file",
        )
    if upload.size == 0:
        raise InvalidInput(_("文件“%(name)s”是空的") % {"name": name}, field="file")
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    content_type, signatures = ACCEPTED_TYPES[ext]
    if (signatures is not None and not head.startswith(signatures)) or (
        ext in RIFF_FORMS and head[8:12] != RIFF_FORMS[ext]
    ):
        raise InvalidInput(_("文件“%(name)s”的内容与扩展名不符") % {"name": name}, field="file")
    if signatures is None and head.lstrip(LEADING_BLANKS).lower().startswith(FORBIDDEN_PREFIXES):
        raise InvalidInput(_("文件“%(name)s”不是可接受的附件") % {"name": name}, field="file")
    return name, content_type


def add_attachment(
    actor: User,
    ticket: Ticket,
    upload: UploadedFile,
    *,
    work_order: int | None = None,
    now: datetime | None = None,
) -> Attachment:
    """Store the file, then record it; if recording fails the stored file is removed again."""
    name, content_type = _check_file(upload)
    at = clock.resolve(now)
    local = timezone.localtime(at)
    stored_name = default_storage.save(
        f"attachments/{local:%Y/%m}/{uuid.uuid4().hex}{os.path.splitext(name)[1].lower()}",
        upload,
    )
    try:
        with transaction.atomic():
            locked = lock_ticket(ticket)
            check_move(actor, locked, "attach")
            if locked.attachments.count() >= settings.ATTACHMENT_MAX_PER_TICKET:
                raise InvalidInput(
                    _("每条诉求最多 %(n)s 个附件") % {"n": settings.ATTACHMENT_MAX_PER_TICKET},
                    field="file",
                )
            order = get_work_order(locked, work_order) if work_order is not None else None
            attachment = Attachment.objects.create(
                ticket=locked,
                work_order=order,
                file=stored_name,
                original_name=name,
                content_type=content_type,
                size=upload.size,
                uploaded_by=actor,
                uploaded_at=at,
            )
            record_event(
                locked,
                EventKind.ATTACHMENT_ADDED,
                actor,
                at,
                work_order=order,
                data={"attachment_id": attachment.pk, "name": name, "size": upload.size},
            )
    except BaseException:
        default_storage.delete(stored_name)
        raise
    return attachment
