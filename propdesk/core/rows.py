"""New rows written with one ``INSERT … VALUES … RETURNING id`` whose text is kept per model and
row count: what a registration writes (the ticket, its events, clocks, timers, outbox rows).

``Model.objects.create()`` and ``bulk_create()`` compile their INSERT anew for every call: the
query, each field's value prepared through the compiler, then on PostgreSQL an ``UNNEST`` of
arrays psycopg dumps in Python. Measured on a registration (issue 22, cProfile): the ORM's
INSERT path was about a third of the worker's CPU for seven statements. Here the statement is
built once per (model, columns, rows), and each value goes to the driver as the model holds it
where the driver writes it as the column reads it (text, numbers, booleans, dates, ids), else
through the field's own ``pre_save`` and ``get_db_prep_save`` as Django does — the same rows,
the same constraints checked by the database.

What ``save()`` does besides and is kept: ``auto_now``/``auto_now_add`` (``pre_save``), the
column-fit check of PropDesk's models (core.fits, which the ``pre_save`` signal runs on a save;
no other receiver listens to these models), the new ids set on the objects, and the objects
marked as saved. Not for models with multi-table inheritance or ``db_default`` (none here).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection, models

from .fits import check_fits

if TYPE_CHECKING:
    from django_tasks import Task
    from django_tasks_db.models import DBTaskResult

M = TypeVar("M", bound=models.Model)

#: How each value goes to the driver: as the model holds it (psycopg writes it as PostgreSQL
#: reads the column), a time as held when it is aware (else made aware through the field, with
#: Django's warning, as a save() does), or through the field's pre_save and get_db_prep_save.
HELD, TIME, FIELD = 0, 1, 2
_SENT_AS_HELD = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.DecimalField,
    models.DateField,
    models.ForeignKey,
    models.UUIDField,  # PostgreSQL's own uuid type, which psycopg writes from a UUID
)
#: The statements whose conversion to PostgreSQL's placeholders is kept (core.pgcursor): a
#: registration's are well under this; a bulk write of thousands of rows is converted anew.
_KEPT_PARAMS = 2000


def _how(field: models.Field, vendor: str) -> int:
    if vendor != "postgresql" or getattr(field, "auto_now", False):
        return FIELD
    if getattr(field, "auto_now_add", False):
        return FIELD
    if isinstance(field, models.DateTimeField):
        return TIME
    return HELD if isinstance(field, _SENT_AS_HELD) else FIELD


@cache
def _columns(model: type[models.Model], vendor: str) -> tuple[Any, ...]:
    """(the pk field when the database makes it, [(attname, how, field)], the quoted column
    list)."""
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    generated = isinstance(pk, models.AutoField)
    fields = [f for f in meta.concrete_fields if not (generated and f.primary_key)]
    prepared = [(f.attname, _how(f, vendor), f) for f in fields]
    quote = connection.ops.quote_name
    return (
        pk if generated else None,
        prepared,
        ", ".join(quote(f.column) for f in fields),
    )


@lru_cache(maxsize=512)
def _statement(model: type[models.Model], vendor: str, rows: int, ignore_conflicts: bool) -> str:
    returning, prepared, columns = _columns(model, vendor)
    row = "(" + ", ".join(["%s"] * len(prepared)) + ")"
    # Names from the model's own meta, quoted; the values are parameters.
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
    sql += ", ".join([row] * rows)
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    elif returning is not None:
        sql += f" RETURNING {connection.ops.quote_name(returning.column)}"
    return sql


def insert_rows(objects: Sequence[M], *, ignore_conflicts: bool = False) -> list[M]:
    """Write new ``objects`` (all of one model) in one statement and return them, with their new
    ids — except with ``ignore_conflicts``, where a row that breaks a unique rule is skipped
    (as ``bulk_create(ignore_conflicts=True)``, which sets no ids either)."""
    if not objects:
        return list(objects)
    model = type(objects[0])
    _, prepared, _ = _columns(model, connection.vendor)
    # As many rows per statement as the backend takes parameters: bulk_create's own limit
    # (SQLite's 999), and the 65,535 of PostgreSQL's protocol, which bulk_create's UNNEST avoids.
    fields = [field for _name, _how, field in prepared]
    size = max(1, min(connection.ops.bulk_batch_size(fields, objects), 65535 // len(fields)))
    for start in range(0, len(objects), size):
        _insert(model, objects[start : start + size], ignore_conflicts)
    return list(objects)


def _insert(model: type[M], objects: Sequence[M], ignore_conflicts: bool) -> None:
    vendor = connection.vendor
    returning, prepared, _ = _columns(model, vendor)
    own = model.__module__.startswith("propdesk.")
    params: list[Any] = []
    add = params.append
    for obj in objects:
        held = obj.__dict__
        for name, how, field in prepared:
            value = held[name]
            if how == FIELD or (
                how == TIME and value is not None and getattr(value, "tzinfo", None) is None
            ):
                value = field.get_db_prep_save(field.pre_save(obj, True), connection)
            add(value)
        if own:
            check_fits(obj)
    sql = _statement(model, vendor, len(objects), ignore_conflicts)
    if vendor == "postgresql" and len(params) <= _KEPT_PARAMS:  # pragma: no cover
        from .pgcursor import keep_converted  # psycopg's: not imported on SQLite

        keep_converted(sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning is not None and not ignore_conflicts:
            for obj, (new_id,) in zip(objects, cursor.fetchall(), strict=True):
                setattr(obj, returning.attname, new_id)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def task_row(
    task: Task, args: list, *, run_after: datetime | None = None, task_id: uuid.UUID | None = None
) -> DBTaskResult:
    """The row ``task.using(run_after=…).enqueue(*args)`` writes with the database backend —
    not written, so that several go in one INSERT: a registration writes up to eleven timers
    and a task, a reconcile may repair thousands. (The backend's enqueue is one INSERT per
    task; what it adds is a check of the task, done when it is defined, and a debug log.)"""
    from django_tasks_db.models import DBTaskResult, get_date_max

    run_after = run_after or task.run_after
    return DBTaskResult(
        id=task_id or uuid.uuid4(),
        args_kwargs={"args": args, "kwargs": {}},
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        backend_name=task.backend,
        # "As soon as possible" is stored as the far future, as the backend's pre_save does
        # (insert_rows sends no signals).
        run_after=run_after if run_after is not None else get_date_max(),
    )
