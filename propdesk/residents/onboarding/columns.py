"""Columns of the company workbook and how a cell is read and written (the sheets themselves
are declared in ``sheets``).

Headers, sheet names and fixed values (roles, relations, 是/否 …) are written in the active
language (Chinese by default) and read in any language of ``settings.LANGUAGES``, so a workbook
exported by an English-speaking administrator imports anywhere. Fixed values are also read by
their stored code (``owner``, ``agent``).

A blank cell leaves the stored value as it is (a new row gets the default): a file never wipes
what it does not mention. Required columns must be filled on every row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from propdesk.core.exports import FORMULA_STARTS
from propdesk.core.fits import does_not_fit


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # identifiers: full-width folded, 1201.0 read as 1201
    BOOL = "bool"
    DECIMAL = "decimal"
    INTEGER = "integer"
    DATE = "date"
    CHOICE = "choice"
    PHONE = "phone"  # read by the caller through residents.phones
    CODES = "codes"  # several codes in one cell: SZHY、GZLY
    EMAIL = "email"


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    note: Promise
    example: str = ""
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    #: The model field the value is stored in: its length is checked by core.fits.
    field: models.Field | None = None
    #: Other headers people write for this column (untranslated, any language).
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)  # one object per sheet: hashed by identity
class Sheet:
    key: str
    title: Promise
    columns: tuple[Column, ...]
    by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {c.key: c for c in self.columns})

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


# -- reading a cell ---------------------------------------------------------------------------

_INTEGRAL_FLOAT = re.compile(r"^(-?\d+)\.0+$")
_SEPARATORS = re.compile(r"[、,,;;/\s]+")


def fold(text: str) -> str:
    """A header or fixed value as compared: full-width folded, no spaces, no required mark."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s*]+", "", text).lower()


def as_text(value: object) -> str:
    """What a cell says, as text: 1201.0 (a number in Excel) is 1201; dates are ISO dates."""
    if type(value) is str:  # most cells: the same as the last branch, asked first
        text = value.strip()
        return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    # The apostrophe core.exports puts before formula-like text in a CSV is not part of it.
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def code(value: object) -> str:
    """An identifier: full-width characters folded, ``1201.0`` (as a CSV writes a number)
    read as ``1201``."""
    text = as_text(value)
    if not text.isascii():  # NFKC leaves ASCII as it is: most codes are read without it
        text = unicodedata.normalize("NFKC", text).strip()
    integral = _INTEGRAL_FLOAT.match(text) if "." in text else None
    return integral.group(1) if integral else text


class CellProblem(ValueError):
    """A cell that cannot be read; its message is shown to the user."""


def _yes_no() -> dict[str, bool]:
    words = {"y": True, "yes": True, "true": True, "1": True, "√": True, "✓": True}
    words |= {"n": False, "no": False, "false": False, "0": False, "×": False, "✗": False}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            words[fold(_("是"))] = True
            words[fold(_("否"))] = False
    return words


@cache
def _choice_words(choices: type[models.TextChoices]) -> dict[str, str]:
    words: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in choices.choices:
                words[fold(str(label))] = value
    for value in choices.values:
        words[fold(value)] = value
    return words


@cache
def _bool_words() -> dict[str, bool]:
    return _yes_no()


def read(column: Column, value: object) -> object:
    """The value of a non-blank cell for ``column``; CellProblem when it cannot be read."""
    reader = _READERS.get(column.kind)
    found = reader(column, value) if reader else as_text(value)
    if column.field is not None:
        # A text within its column's length fits (core.fits' rule), asked only otherwise.
        limit = _text_limit(column.field)
        if limit and type(found) is str and len(found) <= limit:
            return found
        problem = does_not_fit(column.field, found)
        if problem:
            raise CellProblem(problem)
    return found


@cache
def _text_limit(field: models.Field) -> int:
    """The length a text column holds; 0 for any other column."""
    return (field.max_length or 0) if isinstance(field, models.CharField) else 0


def _bool(column: Column, value: object) -> bool:
    if isinstance(value, bool):
        return value
    found = _bool_words().get(fold(as_text(value)))
    if found is None:
        raise CellProblem(_("请填“是”或“否”"))
    return found


def _choice(column: Column, value: object) -> str:
    assert column.choices is not None
    found = _choice_words(column.choices).get(fold(as_text(value)))
    if found is None:
        labels = "、".join(str(label) for label in column.choices.labels)
        raise CellProblem(_("不是可选的值,可选:%(labels)s") % {"labels": labels})
    return found


def _decimal(column: Column, value: object) -> Decimal:
    text = code(value).replace("㎡", "").replace("m²", "").replace("平方米", "").replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellProblem(_("须为数字")) from None
    if not number.is_finite() or number < 0:
        raise CellProblem(_("须为不小于 0 的数字"))
    return number.quantize(Decimal("0.01"))


def _integer(column: Column, value: object) -> int:
    text = code(value)
    if not re.fullmatch(r"-?\d{1,4}", text):
        raise CellProblem(_("须为整数"))
    return int(text)


def _date(column: Column, value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = code(value).replace("/", "-").replace(".", "-")
    text = re.sub(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$", r"\1-\2-\3", text)
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        raise CellProblem(_("须为日期,如 2020-05-01")) from None


def _codes(column: Column, value: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code(part) for part in _SEPARATORS.split(as_text(value)) if part))


def _email(column: Column, value: object) -> str:
    # Full-width letters and ＠ as an input method types them, folded first.
    text = unicodedata.normalize("NFKC", as_text(value)).strip()
    try:
        validate_email(text)
    except ValidationError:
        raise CellProblem(_("电子邮件格式不正确")) from None
    return text


_READERS: dict[Kind, Callable[[Column, object], object]] = {
    Kind.CODE: lambda column, value: code(value),
    Kind.PHONE: lambda column, value: code(value),
    Kind.BOOL: _bool,
    Kind.CHOICE: _choice,
    Kind.DECIMAL: _decimal,
    Kind.INTEGER: _integer,
    Kind.DATE: _date,
    Kind.CODES: _codes,
    Kind.EMAIL: _email,
}


def written(column: Column, value: object) -> object:
    """How a stored value is written into a cell of ``column`` (export, template)."""
    if value is None or value == "":
        return None
    if column.kind == Kind.BOOL:
        return _("是") if value else _("否")
    if column.kind == Kind.CHOICE and column.choices is not None:
        return str(column.choices(str(value)).label)
    if column.kind == Kind.CODES and isinstance(value, tuple | list):
        return "、".join(value)
    if column.kind == Kind.DECIMAL and isinstance(value, Decimal):
        return float(value)
    return value


@cache
def header_words(sheet: Sheet) -> dict[str, Column]:
    """Every way a header of ``sheet`` is written (each language, the aliases) → its column."""
    words: dict[str, Column] = {}
    for column in sheet.columns:
        for alias in column.aliases:
            words.setdefault(fold(alias), column)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for column in sheet.columns:
                words[fold(str(column.header))] = column
    return words
