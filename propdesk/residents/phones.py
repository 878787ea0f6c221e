"""Phone numbers, read once in one place: what residents and agents type, as it is stored, shown
and looked up (SPEC §2, §3 item 4).

Numbers are read with ``phonenumbers`` (Google's libphonenumber metadata) for region CN: mobiles,
landlines with their area code, 400/800 numbers and extensions (“转 801”, “-801”, “ext 801”).

The stored, canonical form is the one a Chinese agent dials and reads back:

- a Chinese number in its national form, digits only: ``13812345678``, ``075512345678``
  (``+86 755 1234 5678``, ``0755-12345678`` and ``(0755)1234 5678`` are all this one number);
- with an extension after a hyphen: ``075512345678-801``;
- a number of another country in E.164: ``+85291234567``.

A phone that cannot be validated (``abc``, a number missing a digit, a local number without
its area code) is never dropped: it is kept as typed and carries a warning wherever it is
shown, so the contact can be put right later. Whether a stored phone was validated is read
from the stored text itself (a canonical form validates again), so no column records it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.utils.translation import gettext as _

from propdesk.core.errors import InvalidInput

REGION = "CN"
#: The width of the phone columns (Resident.phone, phone2; Ticket.contact_phone).
MAX_LENGTH = 20
#: Between a canonical number and its extension.
EXTENSION_SEPARATOR = "-"
#: Chinese ways of saying "extension", turned into one phonenumbers reads.
_EXTENSION_WORDS = re.compile(r"(?<=\d)\s*(?:转分机|分机号?|转|ext\.?|x)\s*(?=\d)", re.IGNORECASE)
#: "0755-12345678-801": a trailing group after a complete landline is its extension.
_TRAILING_GROUP = re.compile(r"^(.*\d)\s*[-—–]\s*(\d{1,6})$")
_CANONICAL_WITH_EXTENSION = re.compile(r"^(\+?\d+)-(\d+)$")


@dataclass(frozen=True)
class PhoneResult:
    """A phone as typed and as read.

    ``canonical`` is what is stored and compared: the canonical form when ``valid``, else what
    was typed (trimmed); empty only when nothing was typed.
    """

    raw: str
    canonical: str
    valid: bool
    #: The number written for reading (138 1234 5678, 0755 1234 5678), without the extension.
    written: str = ""
    e164: str = ""
    extension: str = ""
    is_mobile: bool = False

    @property
    def display(self) -> str:
        """How the number is shown in full: 0755 1234 5678 转 801; as typed when not valid."""
        if not self.valid:
            return self.raw
        if self.extension:
            return _("%(number)s 转 %(extension)s") % {
                "number": self.written,
                "extension": self.extension,
            }
        return self.written

    @property
    def blank(self) -> bool:
        return not self.raw

    @property
    def warning(self) -> str:
        """What staff are told about a phone kept unvalidated; empty when there is nothing to
        say (a valid or a blank phone)."""
        if self.valid or self.blank:
            return ""
        # Without the number: the warning is shown beside a masked phone too.
        return _("号码未能核实,已按原样保存,请向来电人确认")


def _read(text: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _with_trailing_extension(text: str) -> phonenumbers.PhoneNumber | None:
    match = _TRAILING_GROUP.match(text)
    if not match:
        return None
    number = _read(match.group(1))
    if number is None or number.extension:
        return None
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.FIXED_LINE:
        return None  # mobiles have no extensions: "138-1234-5678-9" is a typo, not a line
    number.extension = match.group(2)
    return number


_CN_METADATA = phonenumbers.PhoneMetadata.metadata_for_region(REGION)
#: What ``phonenumbers.parse`` strips from the front of a national number (0, carrier codes).
_NATIONAL_PREFIX = re.compile(_CN_METADATA.national_prefix_for_parsing or "0")
_MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


def _clean_mobile(raw: str) -> PhoneResult | None:
    """A mobile typed as its 11 digits (most of a company file's phones), read without
    ``phonenumbers.parse`` and ``format_number``, in about a seventh of the time (a group's
    file has 500,000 of them), with the same result: what parse would read it as (nothing to
    strip in front, no country code, no extension) and its type by libphonenumber's own
    metadata. None when the full reading is needed. test_phones checks that every 11-digit
    number starting with 1 reads as the full reading reads it."""
    if len(raw) != 11 or not raw.isdigit() or not raw.isascii() or raw[0] != "1":
        return None
    if _NATIONAL_PREFIX.match(raw):
        return None
    number = phonenumbers.PhoneNumber(country_code=86, national_number=int(raw))
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return None
    return PhoneResult(
        raw=raw,
        canonical=raw,
        valid=True,
        written=f"{raw[:3]} {raw[3:7]} {raw[7:]}",
        e164=f"+86{raw}",
        is_mobile=True,
    )


@lru_cache(maxsize=4096)
def normalise(raw: str | None) -> PhoneResult:
    """Read a phone as typed; never raises, never loses what was typed."""
    raw = " ".join((raw or "").split())
    if not raw:
        return PhoneResult(raw="", canonical="", valid=False)
    clean = _clean_mobile(raw)
    if clean is not None:
        return clean
    return _read_typed(raw)


def _read_typed(raw: str) -> PhoneResult:
    """``normalise`` of a non-blank phone, whitespace collapsed, by phonenumbers."""
    text = _EXTENSION_WORDS.sub(" ext. ", unicodedata.normalize("NFKC", raw))
    number = _read(text) or _with_trailing_extension(text)
    if number is None:
        return PhoneResult(raw=raw, canonical=raw, valid=False)
    extension = number.extension or ""
    main = phonenumbers.PhoneNumber(
        country_code=number.country_code,
        national_number=number.national_number,
        italian_leading_zero=number.italian_leading_zero,
        number_of_leading_zeros=number.number_of_leading_zeros,
    )
    e164 = phonenumbers.format_number(main, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.region_code_for_number(main) == REGION:
        national = phonenumbers.format_number(main, phonenumbers.PhoneNumberFormat.NATIONAL)
        canonical = re.sub(r"\D", "", national)
        written = national
    else:
        canonical = e164
        written = phonenumbers.format_number(main, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if extension:
        canonical = f"{canonical}{EXTENSION_SEPARATOR}{extension}"
    kind = phonenumbers.number_type(main)
    return PhoneResult(
        raw=raw,
        canonical=canonical,
        valid=True,
        written=written,
        e164=e164,
        extension=extension,
        is_mobile=kind
        in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE),
    )


def clean(raw: str | None, field: str, label: str | None = None) -> PhoneResult:
    """``normalise``, refusing only what cannot be stored at all (longer than the column)."""
    result = normalise(raw)
    if len(result.canonical) > MAX_LENGTH:
        raise InvalidInput(
            _("%(label)s“%(raw)s”太长,最多 %(n)s 个字符")
            % {"label": label or _("电话"), "raw": result.raw, "n": MAX_LENGTH},
            field=field,
        )
    return result


def canonical(raw: str | None) -> str:
    """What to store for a phone as typed (see the module's note)."""
    return normalise(raw).canonical


def warning(stored: str | None) -> str:
    """The warning for a stored phone that was kept unvalidated; empty for a valid one."""
    return normalise(stored).warning


def digits(value: str | None) -> str:
    """Digits only, without a +86 / 0086 prefix, so 138-1234-5678 finds 13812345678: what a
    look-up by the last digits ("尾号 5678") compares."""
    found = re.sub(r"\D", "", value or "")
    for prefix in ("0086", "86"):
        if found.startswith(prefix) and len(found) - len(prefix) == 11:
            found = found[len(prefix) :]
    return found


def mask(value: str | None) -> str:
    """138****5678: lists show phones masked (SPEC §2); an extension stays readable
    (075*****5678-801)."""
    if not value:
        return ""
    with_extension = _CANONICAL_WITH_EXTENSION.match(value)
    if with_extension:
        return f"{mask(with_extension.group(1))}{EXTENSION_SEPARATOR}{with_extension.group(2)}"
    if len(value) <= 4:
        return "*" * len(value)
    if len(value) < 8:
        return value[:1] + "*" * (len(value) - 3) + value[-2:]
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
