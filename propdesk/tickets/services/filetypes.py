"""What an uploaded file really is, by its content (puremagic's signature database), never by
its name alone: the name's extension says what the sender claims, the content must agree.

- Binary formats: puremagic lists the formats whose signatures the first bytes match; the
  claimed one must be among them (an HTML page named ``.jpg`` or ``.heic`` is not).
- Word and Excel documents (``.docx``/``.xlsx``) are ZIP files: the archive must open and hold
  ``[Content_Types].xml`` and the ``word/`` (``xl/``) part, so a plain ZIP is not a ``.docx``.
- Plain text (``.txt``) has no signature: it must read as text (UTF-8, UTF-16 with a byte-order
  mark, or GB18030) without control characters, and not be markup or a script (no ``<html``,
  ``<script``, ``<?php``, ``#!`` …), which a browser or a shell would run.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO

import puremagic

JPEG = frozenset({".jpg", ".jpeg", ".jfif", ".jpe"})
#: Compound (OLE) files: puremagic names every one by all the formats that use the container.
OLE = frozenset({".doc", ".xls"})
TEXT = "text"

#: extension → (content type served, what the content must be: puremagic's extensions, or a
#: ZIP part that must be inside, or TEXT)
ACCEPTED_TYPES: dict[str, tuple[str, frozenset[str] | str]] = {
    ".jpg": ("image/jpeg", JPEG),
    ".jpeg": ("image/jpeg", JPEG),
    ".png": ("image/png", frozenset({".png"})),
    ".gif": ("image/gif", frozenset({".gif"})),
    ".webp": ("image/webp", frozenset({".webp"})),
    ".heic": ("image/heic", frozenset({".heic", ".heif"})),
    ".mp4": ("video/mp4", frozenset({".mp4", ".m4v"})),
    ".mov": ("video/quicktime", frozenset({".mov", ".qt"})),
    ".mp3": ("audio/mpeg", frozenset({".mp3", ".mpga"})),
    ".m4a": ("audio/mp4", frozenset({".m4a", ".f4a"})),
    ".amr": ("audio/amr", frozenset({".amr"})),
    ".wav": ("audio/wav", frozenset({".wav"})),
    ".pdf": ("application/pdf", frozenset({".pdf"})),
    ".doc": ("application/msword", OLE),
    ".xls": ("application/vnd.ms-excel", OLE),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    ".txt": ("text/plain", TEXT),
}
#: HEIF brands of photos (an iPhone's ``heic``; some phones write ``mif1`` first): puremagic
#: knows the photo only by its first brand, so the compatible ones are read as well.
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
#: Matches this close to the best one count as well (an ID3 tag is also a Sprint ringtone's).
CLOSE = 0.2
#: How much of the file is read to recognise it.
HEAD = 64 * 1024
#: Text that a browser would take for a page, or a system for a program.
MARKUP = re.compile(rb"^\s*(<[!?a-z/]|#!)|<(script|html|body|iframe|svg|object|embed)\b", re.I)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def matches(ext: str, upload: IO[bytes]) -> bool:
    """Whether the content of ``upload`` is a file of the accepted type ``ext``."""
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    expected = ACCEPTED_TYPES[ext][1]
    if expected == TEXT:
        return _is_plain_text(head, complete=len(head) < HEAD)
    found = _signatures(head)
    if isinstance(expected, str):  # an Office Open XML document: a ZIP with its parts
        return ".docx" in found and _zip_holds(upload, expected)
    if ext == ".heic" and not found & expected:
        return _heif_brands(head) & HEIF_BRANDS != frozenset()
    return bool(found & expected)


def _signatures(head: bytes) -> frozenset[str]:
    """The formats whose signatures ``head`` matches best: a WAV is also a "RIFF" file, which
    puremagic lists for WebP too, with less confidence (a shorter match)."""
    try:
        found = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return frozenset()
    best = max((m.confidence for m in found), default=0)
    return frozenset(
        m.extension.lower() for m in found if m.extension and m.confidence >= best - CLOSE
    )


def _zip_holds(upload: IO[bytes], part: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)


def _heif_brands(head: bytes) -> frozenset[bytes]:
    """The major and compatible brands of an ISO media file's ``ftyp`` box (none otherwise)."""
    if head[4:8] != b"ftyp":
        return frozenset()
    size = int.from_bytes(head[:4], "big")
    box = head[8 : min(size, 256)]
    return frozenset(box[i : i + 4] for i in range(0, len(box) - 3, 4) if i != 4)


def _is_plain_text(head: bytes, *, complete: bool) -> bool:
    if _signatures(head) & {".html", ".htm", ".xhtml", ".svg", ".xml", ".php", ".js", ".sh"}:
        return False
    text = _decode(head, complete=complete)
    if text is None or CONTROL.search(text):
        return False
    return not MARKUP.search(text.encode("utf-8"))


def _decode(head: bytes, *, complete: bool) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        # A read cut in the middle of a character: drop the few bytes of the last one.
        for cut in (0,) if complete else (0, 1, 2, 3):
            try:
                return (head[: len(head) - cut] if cut else head).decode(encoding)
            except UnicodeDecodeError:
                continue
    return None
