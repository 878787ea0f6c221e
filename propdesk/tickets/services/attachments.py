"""Attachments: photos, video, audio and documents, stored through Django's storage API.

Limits (settings): ``ATTACHMENT_MAX_BYTES`` per file, ``ATTACHMENT_MAX_PER_TICKET`` per ticket,
and a list of accepted types: the name's extension must be one of them and the content must be
that type (filetypes.matches, by content), so a renamed page or program is refused. Served with
``nosniff`` and, unless an image, as a download (:func:`attachment_response`).
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from typing import IO

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput
from propdesk.org.models import User

from ..choices import EventKind
from ..models import Attachment, Ticket
from .filetypes import ACCEPTED_TYPES, matches
from .guards import check_move, get_work_order, lock_ticket, record_event


def _check_file(upload: UploadedFile) -> tuple[str, str, int]:
    """The file's name, content type and size, once it is known to be one we accept."""
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
    if not matches(ext, upload):
        raise InvalidInput(_("文件“%(name)s”的内容与扩展名不符") % {"name": name}, field="file")
    return name, ACCEPTED_TYPES[ext][0], upload.size


def add_attachment(
    actor: User,
    ticket: Ticket,
    upload: UploadedFile,
    *,
    work_order: int | None = None,
    now: datetime | None = None,
) -> Attachment:
    """Store the file, then record it; if recording fails the stored file is removed again."""
    name, content_type, size = _check_file(upload)
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
                size=size,
                uploaded_by=actor,
                uploaded_at=at,
            )
            record_event(
                locked,
                EventKind.ATTACHMENT_ADDED,
                actor,
                at,
                work_order=order,
                data={"attachment_id": attachment.pk, "name": name, "size": size},
            )
    except BaseException:
        default_storage.delete(stored_name)
        raise
    return attachment


def attachment_response(attachment: Attachment, stored: IO[bytes]) -> FileResponse:
    """The stored file as browsers get it: an image shown in the page, anything else downloaded;
    never sniffed into another type (``nosniff``) and never run (a ``sandbox`` policy)."""
    image = attachment.content_type.startswith("image/")
    response = FileResponse(
        stored,
        content_type=attachment.content_type,
        as_attachment=not image,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
