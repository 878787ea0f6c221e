"""A row is checked against its columns before it is saved: text longer than its column, or a
number with more digits than its column holds, is InvalidInput naming the field.

SQLite stores a longer text anyway; PostgreSQL refuses it with a DataError, as it refuses a
decimal past its precision: a 500 on PostgreSQL only (schemathesis found ``place``,
``contact_name`` and ``client_ref`` of a new ticket, and ``claimed_amount`` of 1e30). Checked
for every model of PropDesk at ``pre_save`` (connected in CoreConfig.ready): services run in a
transaction, so a refusal leaves nothing half-written, and the console and the API say the same.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache

from django.db import models
from django.utils.translation import gettext as _

from .errors import InvalidInput


@cache
def _limited(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The fields of ``model`` a value can be too long or too large for (text with a length,
    decimals): the others always fit, and a registration checks a few dozen rows."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if (isinstance(f, models.CharField) and f.max_length) or isinstance(f, models.DecimalField)
    )


def check_fits(instance: models.Model) -> None:
    """InvalidInput for the first field of ``instance`` its column cannot hold."""
    held = instance.__dict__
    for field in _limited(type(instance)):
        problem = does_not_fit(field, held.get(field.attname))
        if problem:
            raise InvalidInput(problem, field=field.name)


def does_not_fit(field: models.Field, value: object) -> str:
    """Why ``value`` does not fit the column of ``field``; empty when it fits. The one rule,
    also asked cell by cell by the company import (residents.onboarding), which writes in bulk
    without ``pre_save``."""
    if value is None:
        return ""
    if isinstance(field, models.CharField) and field.max_length:
        if isinstance(value, str) and len(value) > field.max_length:
            return _("最多 %(max_length)s 个字") % {"max_length": field.max_length}
    elif isinstance(field, models.DecimalField) and not _fits_decimal(value, field):
        return _("数值超出范围")
    return ""


def _fits_decimal(value, field: models.DecimalField) -> bool:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return True  # not ours to judge: the field's own conversion says what is wrong
    if not number.is_finite():
        return False
    whole_digits = field.max_digits - field.decimal_places
    return abs(number) < Decimal(10) ** whole_digits


def check_before_save(sender, instance, raw=False, **kwargs) -> None:
    """The ``pre_save`` receiver: PropDesk's own models only, and never for fixtures (raw)."""
    if not raw and sender.__module__.startswith("propdesk."):
        check_fits(instance)
