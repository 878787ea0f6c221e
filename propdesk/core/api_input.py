"""Values the database cannot store are refused before any API view runs.

Pydantic accepts text and numbers that no database column holds: a lone UTF-16 surrogate
(``"\\ud800"`` in JSON) that neither psycopg nor SQLite can encode, a NUL character that
PostgreSQL refuses in text, integers beyond 64 bits, and dates of year 1 or 9999 that overflow
once a time zone or a day is added (clock.FIRST_DAY..LAST_DAY). Each was a 500, possibly after
part of the work was written. ``refuse_unstorable`` wraps every operation
of the API (``api.add_decorator``): it walks the validated arguments — path, query, form and
body, whatever their schema — and answers 422 naming the first such field, before the view
calls any service.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from pydantic import BaseModel

from propdesk.core.clock import FIRST_DAY, LAST_DAY

#: The range of a 64-bit signed integer: PostgreSQL's bigint and SQLite's INTEGER.
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1


def problem_of(value: Any) -> str | None:
    """Why ``value`` (a scalar) cannot be stored, in words, or None when it can."""
    if isinstance(value, str):
        if "\x00" in value:
            return _("不能包含空字符(\\x00)")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return _("含有无效字符(单独的 UTF-16 代理码位),请检查输入法或复制来源")
        return None
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        if not FIRST_DAY <= day <= LAST_DAY:
            return _("日期应在 %(first)s 到 %(last)s 之间") % {"first": FIRST_DAY, "last": LAST_DAY}
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            return _("数值超出范围")
        return None
    if isinstance(value, float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            return _("应为有限的数字")
        if isinstance(value, Decimal) and not value.is_finite():
            return _("应为有限的数字")
    return None


def _walk(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    problem = problem_of(value)
    if problem is not None:
        yield path, problem
    elif isinstance(value, UploadedFile):
        yield from _walk(value.name, path)
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from _walk(getattr(value, name), (*path, field.alias or name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            key_problem = problem_of(key)
            if key_problem is not None:
                yield (*path, repr(key)), key_problem
            else:
                yield from _walk(item, (*path, key))
    elif isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))


def unstorable(arguments: Mapping[str, Any]) -> list[dict]:
    """The problems in a view's validated arguments, as ninja's error dicts.

    A schema or object argument (a body, or query parameters gathered in a schema) stands for
    its fields, so the field named is the one the caller sent: ``description``, not
    ``payload.description``.
    """
    errors = []
    for name, value in arguments.items():
        path: tuple = () if isinstance(value, BaseModel | Mapping) else (name,)
        for loc, message in _walk(value, path):
            errors.append({"loc": loc, "type": "unstorable", "msg": message})
    return errors


def refuse_unstorable(view: Callable) -> Callable:
    """An operation decorator (mode "operation": after ninja's validation, before the view)."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        errors = unstorable(kwargs)
        if errors:
            raise ValidationError(errors)
        return view(request, *args, **kwargs)

    return guarded
