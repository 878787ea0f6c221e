"""Attachments (SPEC §3): photos, video, audio and documents, checked by content (not by name
or a few leading bytes), within the size and count limits, stored through the storage API and
never left behind by a refusal; served with nosniff, and as a download unless an image."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound, OutOfScope
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind, Status

from .helpers import (  # noqa: F401
    assert_one_event,
    event_mark,
    fast_passwords,
    fresh,
    refused,
    ticket_in,
)

LATER = timedelta(hours=1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
PDF = b"%PDF-1.7\n" + b"x" * 40
ZIP = b"PK\x03\x04" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 30
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 30
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 30
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 30
HEIC_MIF1 = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic" + b"\x00" * 30
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 30
M4A = b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A isommp42" + b"\x00" * 30
AMR = b"#!AMR\n" + b"\x3c\x00" * 20
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 40
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def office(*parts: str) -> bytes:
    """A ZIP holding these parts (a .docx holds [Content_Types].xml and word/…)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


DOCX = office("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = office("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        pytest.param("电梯按钮.png", PNG, "image/png", id="png"),
        pytest.param("IMG_0001.JPG", JPEG, "image/jpeg", id="jpeg-upper-case"),
        pytest.param("检测报告.pdf", PDF, "application/pdf", id="pdf"),
        pytest.param("处理方案.docx", DOCX, DOCX_TYPE, id="docx"),
        pytest.param(
            "费用.xlsx",
            XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            id="xlsx",
        ),
        pytest.param("旧方案.doc", OLE, "application/msword", id="doc"),
        pytest.param("旧台账.xls", OLE, "application/vnd.ms-excel", id="xls"),
        pytest.param("IMG_0002.HEIC", HEIC, "image/heic", id="heic"),
        pytest.param("photo.heic", HEIC_MIF1, "image/heic", id="heic-brand-mif1"),
        pytest.param("动图.gif", b"GIF89a" + b"\x00" * 20, "image/gif", id="gif"),
        pytest.param("视频.mov", MOV, "video/quicktime", id="mov"),
        pytest.param("语音.m4a", M4A, "audio/mp4", id="m4a"),
        pytest.param("语音.amr", AMR, "audio/amr", id="amr"),
        pytest.param("录音.mp3", MP3, "audio/mpeg", id="mp3"),
        pytest.param("说明gbk.txt", "电梯12楼停运".encode("gb18030"), "text/plain", id="txt-gbk"),
        pytest.param("说明16.txt", "电梯<3>号".encode("utf-16"), "text/plain", id="txt-utf16"),
        pytest.param("录音.wav", WAV, "audio/wav", id="wav"),
        pytest.param("photo.webp", WEBP, "image/webp", id="webp"),
        pytest.param("现场.mp4", MP4, "video/mp4", id="mp4"),
        pytest.param("说明.txt", "电梯12楼停运".encode(), "text/plain", id="txt"),
    ],
)
def test_an_accepted_file_is_stored_and_recorded(world, now, media, name, content, content_type):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER
    mark = event_mark()

    attachment = services.add_attachment(world.agent, ticket, upload(name, content), now=at)

    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        name,
        content_type,
        len(content),
    )
    assert (attachment.uploaded_by, attachment.uploaded_at) == (world.agent, at)
    assert attachment.file.name.startswith("attachments/2026/09/")
    with default_storage.open(attachment.file.name) as stored:
        assert stored.read() == content
    assert stored_files(media) == [attachment.file.name]
    assert list(fresh(ticket).attachments.all()) == [attachment]
    event = assert_one_event(
        mark, ticket, kind=EventKind.ATTACHMENT_ADDED, actor=world.agent, at=at
    )
    assert event.data == {"attachment_id": attachment.pk, "name": name, "size": len(content)}


def test_an_attachment_can_belong_to_a_work_order(world, now, media):
    ticket = ticket_in(world, now, "in_progress")

    attachment = services.add_attachment(
        world.handler, ticket, upload("完工照片.jpg", JPEG), work_order=1, now=now + LATER
    )

    assert attachment.work_order.sequence == 1
    assert fresh(ticket).status == Status.IN_PROGRESS


def test_the_stored_name_is_not_the_uploaded_one(world, now, media):
    ticket = ticket_in(world, now, "registered")

    attachment = services.add_attachment(
        world.agent, ticket, upload("../../etc/passwd.png", PNG), now=now + LATER
    )

    assert attachment.original_name == "passwd.png"
    assert "passwd" not in attachment.file.name
    assert stored_files(media) == [attachment.file.name]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("photo.jpg", PNG, id="png-named-jpg"),
        pytest.param("report.pdf", ZIP, id="zip-named-pdf"),
        pytest.param("photo.png", b"GIF89a" + b"\x00" * 20, id="gif-named-png"),
        pytest.param("录音.webp", WAV, id="wav-named-webp"),
        pytest.param("photo.wav", WEBP, id="webp-named-wav"),
        pytest.param("setup.mp4", b"MZ\x90\x00" + b"\x00" * 40, id="windows-program-named-mp4"),
        pytest.param("notes.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 40, id="linux-program-txt"),
        pytest.param("readme.txt", b"#!/bin/sh\nrm -rf /\n", id="shell-script-txt"),
        pytest.param("page.txt", b"<SCRIPT>alert(1)</SCRIPT>", id="script-txt"),
        pytest.param("page.txt", b"\xef\xbb\xbf  <html><body></body></html>", id="bom-html-txt"),
        pytest.param("shell.heic", b"<?php system($_GET['c']); ?>", id="php-named-heic"),
        pytest.param("page.txt", HTML, id="html-named-txt"),
        pytest.param("photo.jpg", HTML, id="html-named-jpg"),
        pytest.param("IMG_0003.heic", HTML, id="html-named-heic"),
        pytest.param("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>', id="svg-png"),
        pytest.param("note.txt", b"  <svg onload=alert(1)>", id="svg-named-txt"),
        pytest.param("处理方案.docx", ZIP, id="zip-header-named-docx"),
        pytest.param("处理方案.docx", office("a.txt", "b/c.txt"), id="plain-zip-named-docx"),
        pytest.param("处理方案.docx", XLSX, id="workbook-named-docx"),
        pytest.param("费用.xlsx", DOCX, id="document-named-xlsx"),
        pytest.param("photo.heic", MP4, id="video-named-heic"),
        pytest.param("notes.txt", b"\x00\x01\x02binary" * 10, id="binary-named-txt"),
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(world, now, media, name, content):
    ticket = ticket_in(world, now, "registered")

    refused(
        InvalidInput,
        lambda: services.add_attachment(world.agent, ticket, upload(name, content), now=now),
        ticket,
        field="file",
    )
    assert stored_files(media) == []


@pytest.mark.parametrize("name", ["virus.exe", "script.js", "archive.zip", "noextension"])
def test_a_file_of_a_type_not_accepted_is_refused(world, now, media, name):
    ticket = ticket_in(world, now, "registered")

    refused(
        InvalidInput,
        lambda: services.add_attachment(world.agent, ticket, upload(name, PNG), now=now),
        ticket,
        field="file",
    )
    assert stored_files(media) == []


def test_an_empty_file_is_refused(world, now, media):
    ticket = ticket_in(world, now, "registered")

    refused(
        InvalidInput,
        lambda: services.add_attachment(world.agent, ticket, upload("empty.png", b""), now=now),
        ticket,
        field="file",
    )
    assert stored_files(media) == []


def test_a_file_up_to_the_size_limit_is_accepted_and_one_byte_more_is_refused(world, now, media):
    ticket = ticket_in(world, now, "registered")
    exactly = PNG + b"\x00" * (100 - len(PNG))

    with override_settings(ATTACHMENT_MAX_BYTES=100):
        services.add_attachment(world.agent, ticket, upload("ok.png", exactly), now=now)
        refused(
            InvalidInput,
            lambda: services.add_attachment(
                world.agent, ticket, upload("big.png", exactly + b"\x00"), now=now
            ),
            ticket,
            field="file",
        )

    assert len(stored_files(media)) == 1


def test_a_ticket_takes_no_more_attachments_than_the_limit(world, now, media):
    ticket = ticket_in(world, now, "registered")

    with override_settings(ATTACHMENT_MAX_PER_TICKET=2):
        for n in range(2):
            services.add_attachment(world.agent, ticket, upload(f"{n}.png", PNG), now=now)
        refused(
            InvalidInput,
            lambda: services.add_attachment(world.agent, ticket, upload("3.png", PNG), now=now),
            ticket,
            field="file",
        )

    assert len(stored_files(media)) == 2
    assert fresh(ticket).attachments.count() == 2


def test_a_refused_attachment_leaves_no_file_behind(world, now, media):
    closed = ticket_in(world, now, "closed")
    open_ticket = ticket_in(world, now, "dispatched")

    refused(
        InvalidTransition,
        lambda: services.add_attachment(world.agent, closed, upload("late.png", PNG), now=now),
        closed,
    )
    refused(
        OutOfScope,
        lambda: services.add_attachment(
            world.outsider, open_ticket, upload("peek.png", PNG), now=now
        ),
        open_ticket,
    )
    refused(
        NotFound,
        lambda: services.add_attachment(
            world.agent, open_ticket, upload("wo.png", PNG), work_order=9, now=now
        ),
        open_ticket,
        field="work_order",
    )

    assert stored_files(media) == []


def test_images_are_shown_and_other_files_downloaded_never_sniffed(world, now, media, client):
    ticket = ticket_in(world, now, "dispatched")
    photo = services.add_attachment(world.agent, ticket, upload("现场.png", PNG), now=now)
    report = services.add_attachment(world.agent, ticket, upload("检测报告.pdf", PDF), now=now)
    note = services.add_attachment(world.agent, ticket, upload("说明.txt", b"hello"), now=now)
    client.force_login(world.agent)

    def get(attachment):
        answer = client.get(f"/api/v1/tickets/{ticket.number}/attachments/{attachment.pk}")
        assert answer.status_code == 200
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert answer["Content-Security-Policy"] == "sandbox"
        return answer

    shown = get(photo)
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline;")
    for attachment, content_type in ((report, "application/pdf"), (note, "text/plain")):
        answer = get(attachment)
        assert answer["Content-Type"] == content_type
        assert answer["Content-Disposition"].startswith("attachment;")
