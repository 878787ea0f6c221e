"""Reading a company file as people really have it, streaming, and refusing clearly what
cannot be read.

Accepted: an ``.xlsx`` workbook (one sheet per kind); one ``.csv`` (one sheet, named by its file
name or recognised by its header); a ``.zip`` of such CSV files. CSV text is UTF-8 (with or
without the byte-order mark Excel writes), UTF-16 (Excel's “Unicode text”) or GB18030 — the
superset of GBK and GB2312 that Excel in China saves by default. Tried in that order: the
standard codecs decide, no guessing library (a strict UTF-8 decode of a GBK file fails within
the first few Chinese characters, while GB18030 decodes any byte sequence, so it comes last).

Refused, with a message saying what to do: an old ``.xls`` workbook, a password-protected one
(both are OLE compound files; an encrypted ``.xlsx`` holds an ``EncryptedPackage`` stream), a
file over ``settings.IMPORT_MAX_BYTES``, a sheet with content but no recognised header.

Workbooks are opened ``read_only`` and ``data_only``: rows stream from the file, and a formula
is read as the value Excel last calculated (a formula never calculated reads as blank). openpyxl
reads the workbook (sheets, shared strings, date styles); the rows of a sheet are read from its
XML (``xlsx_rows.sheet_rows``), giving the values openpyxl's ``iter_rows(values_only=True)`` gives
without building a dict and a rich-text object per cell: reading a group's 800,000 rows was
the largest cost of an import (benchmarks/results/onboarding.md).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from propdesk.core.errors import InvalidInput

from .columns import Column, Sheet, as_text, fold, header_words
from .sheets import SHEETS, sheet_names
from .xlsx_rows import WorkbookReader, sheet_rows

#: A file as given: a path, its bytes, or an open binary file (an upload).
Source = str | os.PathLike[str] | bytes | IO[bytes]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
#: How far down a sheet its header is looked for (title rows, notes above the header).
HEADER_SEARCH_ROWS = 20
#: A zip of CSV files may hold at most this many times the size limit once unpacked.
ZIP_RATIO = 20
_CHUNK = 1 << 20


class FileRefused(InvalidInput):
    """The file as a whole cannot be read; nothing in it was looked at further."""

    code = "file_refused"


@dataclass
class Table:
    """One sheet of the file: a worksheet, or one CSV file."""

    name: str
    sheet: Sheet
    header_row: int
    #: Position in the row → the column read there.
    positions: dict[int, Column]
    #: Column key → the header as written in the file.
    headers: dict[str, str]
    estimated_rows: int
    _open: Any

    def rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(row number as Excel shows it, the cells) of each non-blank row under the header."""
        header_row = self.header_row
        for number, cells in self._open():
            if number > header_row and _has_text(cells):
                yield number, cells


def _has_text(cells: tuple[Any, ...]) -> bool:
    return any(cell is not None and as_text(cell) for cell in cells)


class CompanyFile:
    """An opened company file: ``tables()`` in the order of SHEETS. Use as a context manager."""

    def __init__(self, source: Source, name: str = "") -> None:
        self._stack = ExitStack()
        self.name = name or _name_of(source)
        self.stream = self._stack.enter_context(_binary(source))
        self._check_size()
        self._kind = self._sniff()

    def __enter__(self) -> CompanyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _check_size(self) -> None:
        size = self.stream.seek(0, io.SEEK_END)
        self.stream.seek(0)
        limit = settings.IMPORT_MAX_BYTES
        if size > limit:
            raise FileRefused(
                _("文件太大(%(size)s MB),最大 %(limit)s MB;请分成几个文件导入")
                % {"size": round(size / 2**20, 1), "limit": round(limit / 2**20, 1)}
            )
        if size == 0:
            raise FileRefused(_("文件是空的"))

    def _sniff(self) -> str:
        head = self.stream.read(4096)
        self.stream.seek(0)
        if head.startswith(OLE_MAGIC):
            if _contains(self.stream, ENCRYPTED_PACKAGE):
                raise FileRefused(
                    _("工作簿设有密码(已加密),无法读取;请取消密码后另存为 .xlsx 再导入")
                )
            raise FileRefused(_("这是旧版 Excel 文件(.xls);请在 Excel 中另存为 .xlsx 再导入"))
        if head.startswith(b"PK"):
            try:
                self._zip = self._stack.enter_context(zipfile.ZipFile(self.stream))
            except zipfile.BadZipFile:
                raise FileRefused(_("文件已损坏,无法读取")) from None
            names = self._zip.namelist()
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "[Content_Types].xml" in names or not self._csv_members():
                raise FileRefused(_("不支持的文件格式;请使用 .xlsx 工作簿或 CSV 文件"))
            unpacked = sum(self._zip.getinfo(n).file_size for n in self._csv_members())
            if unpacked > ZIP_RATIO * settings.IMPORT_MAX_BYTES:
                raise FileRefused(_("压缩包解开后太大;请分成几个文件导入"))
            return "zip"
        if self.name.lower().endswith((".xls", ".et")):
            raise FileRefused(_("这是旧版 Excel 文件(.xls);请在 Excel 中另存为 .xlsx 再导入"))
        if self.name.lower().endswith((".xlsx", ".xlsm")):
            # A workbook is a zip: one that is not was cut short or is something else renamed.
            raise FileRefused(_("文件已损坏,无法读取"))
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileRefused(_("不支持的文件格式;请使用 .xlsx 工作簿或 CSV 文件"))
        return "csv"

    def _csv_members(self) -> list[str]:
        return [
            n
            for n in self._zip.namelist()
            if n.lower().endswith((".csv", ".txt")) and not n.startswith("__MACOSX/")
        ]

    def tables(self) -> list[Table]:
        """Every sheet of the file that has content, recognised, in the order of SHEETS."""
        if self._kind == "xlsx":
            found = self._workbook_tables()
        elif self._kind == "zip":
            found = [self._csv_table(n, lambda n=n: self._zip.open(n)) for n in self._csv_members()]
        else:
            found = [self._csv_table(self.name, lambda: _Unclosed(self.stream))]
        tables = [t for t in found if t is not None]
        by_sheet: dict[str, Table] = {}
        for table in tables:
            if table.sheet.key in by_sheet:
                raise FileRefused(
                    _("“%(a)s”和“%(b)s”都是%(sheet)s表;每种表只能有一张")
                    % {
                        "a": by_sheet[table.sheet.key].name,
                        "b": table.name,
                        "sheet": table.sheet.title,
                    }
                )
            by_sheet[table.sheet.key] = table
        return [by_sheet[s.key] for s in SHEETS if s.key in by_sheet]

    def _workbook_tables(self) -> list[Table | None]:
        self.stream.seek(0)
        try:
            reader = WorkbookReader(self.stream, read_only=True, data_only=True)
            reader.read()
            book = reader.wb
        except Exception:  # openpyxl raises many kinds for a damaged file: all say the same
            raise FileRefused(_("文件已损坏,无法读取")) from None
        self._stack.callback(book.close)
        tables = []
        for worksheet in book.worksheets:

            def open_rows(
                worksheet: Any = worksheet, book: Any = book
            ) -> Iterator[tuple[int, tuple[Any, ...]]]:
                # Every row in the XML is read: a wrong <dimension> cannot cut rows off.
                with worksheet._get_source() as source:
                    yield from sheet_rows(
                        source,
                        worksheet._shared_strings,
                        book.epoch,
                        book._date_formats,
                        book._timedelta_formats,
                    )

            estimate = worksheet.max_row or 0
            tables.append(_recognise(worksheet.title, open_rows, estimate))
        return tables

    def _csv_table(self, name: str, opener: Any) -> Table | None:
        with opener() as raw:
            encoding, lines = _encoding_of(raw, name)

        def open_rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
            with opener() as raw:
                text = io.TextIOWrapper(raw, encoding=encoding, newline="")
                sample = text.read(4096)
                delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
                rows = csv.reader(_chain(sample, text), delimiter=delimiter)
                for number, cells in enumerate(rows, start=1):
                    yield number, tuple(cells)

        return _recognise(Path(name).stem, open_rows, lines)


def _recognise(name: str, open_rows: Any, estimate: int) -> Table | None:
    """The sheet ``name`` holds, from its name and its header row; None when it is empty."""
    head: list[tuple[Any, ...]] = []
    for _number, cells in open_rows():
        head.append(cells)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    if not any(as_text(cell) for cells in head for cell in cells):
        return None
    named = sheet_names().get(fold(name))
    candidates = [named] if named else list(SHEETS)
    best: tuple[int, int, Sheet, dict[int, Column]] | None = None
    for index, cells in enumerate(head):
        above = head[index - 1] if index else ()
        texts = [
            as_text(cell) or (as_text(above[i]) if i < len(above) else "")
            for i, cell in enumerate(cells)
        ]
        for sheet in candidates:
            positions = _positions(sheet, texts)
            complete = {c.key for c in sheet.required} <= {c.key for c in positions.values()}
            if complete and (best is None or len(positions) > best[0]):
                best = (len(positions), index + 1, sheet, positions)
        if best is not None:
            break
    if best is None and named:
        raise FileRefused(
            _("工作表“%(name)s”中找不到表头;表头须含:%(headers)s")
            % {"name": name, "headers": "、".join(str(c.header) for c in named.required)}
        )
    if best is None:
        raise FileRefused(
            _("工作表“%(name)s”不是已知的表,也找不到已知的表头;可导入的表:%(sheets)s")
            % {"name": name, "sheets": "、".join(str(s.title) for s in SHEETS)}
        )
    _count, header_row, sheet, positions = best
    headers_row = head[header_row - 1]
    headers = {
        column.key: as_text(headers_row[i]) if i < len(headers_row) else str(column.header)
        for i, column in positions.items()
    }
    return Table(
        name=name,
        sheet=sheet,
        header_row=header_row,
        positions=positions,
        headers={k: v or str(sheet.by_key[k].header) for k, v in headers.items()},
        estimated_rows=max(estimate - header_row, 0),
        _open=open_rows,
    )


def _positions(sheet: Sheet, texts: list[str]) -> dict[int, Column]:
    words = header_words(sheet)
    positions: dict[int, Column] = {}
    for i, text in enumerate(texts):
        column = words.get(fold(text)) if text else None
        if column is not None and column not in positions.values():
            positions[i] = column
    return positions


def _encoding_of(raw: IO[bytes], name: str) -> tuple[str, int]:
    """The encoding of a CSV file and its number of lines (for progress)."""
    head = raw.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        raw.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        try:
            while chunk := raw.read(_CHUNK):
                lines += decoder.decode(chunk).count("\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, lines
    raise FileRefused(_("“%(name)s”的文字编码无法识别;请另存为 UTF-8 或 .xlsx") % {"name": name})


def _chain(first: str, rest: IO[str]) -> Iterator[str]:
    """The lines of ``first`` followed by the rest of the text, for the csv reader."""
    yield from io.StringIO(first + rest.readline())
    yield from rest


def _contains(stream: IO[bytes], needle: bytes) -> bool:
    stream.seek(0)
    tail = b""
    while chunk := stream.read(_CHUNK):
        if needle in tail + chunk:
            stream.seek(0)
            return True
        tail = chunk[-len(needle) :]
    stream.seek(0)
    return False


class _Unclosed(io.BufferedIOBase):
    """The caller's stream, rewound, that a ``with`` block does not close."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        stream.seek(0)

    def read(self, size: int | None = -1) -> bytes:
        return self._stream.read(-1 if size is None else size)

    def read1(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._stream.seek(offset, whence)

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        pass  # the stream is the caller's


def _name_of(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return str(getattr(source, "name", "") or "")


class _binary:
    """``source`` as a seekable binary stream, closed afterwards only if opened here."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.opened: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        if isinstance(self.source, bytes):
            return io.BytesIO(self.source)
        if isinstance(self.source, str | os.PathLike):
            self.opened = open(self.source, "rb")  # closed in __exit__
            return self.opened
        if not self.source.seekable():
            raise FileRefused(_("文件无法读取"))
        self.source.seek(0)
        return self.source

    def __exit__(self, *exc: object) -> None:
        if self.opened is not None:
            self.opened.close()
