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
no other receiver listens to these models: django_tasks_db's own sets ``run_after``, which
``task_row`` does), the refusal of an object already written or pointing at one not saved,
the new ids set on the objects, and the objects marked as saved. Not for models with
multi-table inheritance or ``db_default`` (none here).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection, models

from .fits import check_fits

if TYPE_CHECKING:
    from django_tasks import Task
    from django_tasks_db.models import DBTaskResult

M = TypeVar("M", bound=models.Model)

#: How each value goes to the driver. Sent as the model holds it when both the field is one
#: of these exact classes (a subclass may prepare its values itself: core.sealed encrypts) and
#: the value is of the plain type beside it — psycopg writes it as PostgreSQL reads the column.
#: Anything else (a lazy string, "5" for a number, a datetime for a date, a naive time, an
#: unsaved object's missing id) goes through the field's pre_save and get_db_prep_save, as
#: save() does. Times are sent as held only when aware.
_TIME: tuple[type, ...] = (datetime,)
_AS_HELD: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.DecimalField: (Decimal,),
    models.DateField: (date,),
    models.DateTimeField: _TIME,
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.UUIDField: (uuid.UUID,),  # PostgreSQL's own uuid type
}
#: Always through the field: filled on saving (auto_now, auto_now_add).
FIELD: tuple[type, ...] = ()
#: The statements whose conversion to PostgreSQL's placeholders is kept (core.pgcursor): a
#: registration's are under this (its largest, the timers, about 210); a sweep's events in
#: batches of any size are converted anew, as psycopg converts them, so that the cache holds
#: small statements only (one of 2,000 parameters takes about 400 kB).
_KEPT_PARAMS = 500


def _how(field: models.Field, vendor: str) -> tuple[type, ...]:
    """The plain types of ``field``'s values sent as held; FIELD for none."""
    if vendor != "postgresql":
        return FIELD  # SQLite's adapters are Django's: every value through its field
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return FIELD
    if type(field) is models.ForeignKey:  # the id of the row it points at
        return _AS_HELD.get(type(field.target_field), FIELD)
    return _AS_HELD.get(type(field), FIELD)


@cache
def _columns(model: type[models.Model], vendor: str) -> tuple[Any, ...]:
    """(the pk field when the database makes it, [(attname, plain types, field)], the quoted
    column list, the foreign keys)."""
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
        [f for f in fields if f.is_relation and f.many_to_one],
    )


@lru_cache(maxsize=256)
def _statement(model: type[models.Model], vendor: str, rows: int, ignore_conflicts: bool) -> str:
    returning, prepared, columns, _ = _columns(model, vendor)
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
    """Write new ``objects`` (all of one model) and return them, with their new ids — except
    with ``ignore_conflicts``, where a row that breaks a unique rule is skipped (as
    ``bulk_create(ignore_conflicts=True)``, which sets no ids either). One statement, or as
    few as the backend's parameter limit allows; every object is checked before the first.

    Refused, as save() refuses them: an object that already has its database-made id (it is
    written already: events are immutable), and one pointing at an object not yet saved."""
    if not objects:
        return list(objects)
    model = type(objects[0])
    returning, prepared, _, relations = _columns(model, connection.vendor)
    own = model.__module__.startswith("propdesk.")
    for obj in objects:
        if returning is not None and getattr(obj, returning.attname) is not None:
            raise ValueError(f"{model.__name__} {obj.pk} is written already")
        for relation in relations:
            if relation.is_cached(obj):
                related = relation.get_cached_value(obj)
                if related is not None and related.pk is None:
                    raise ValueError(
                        f"{model.__name__}.{relation.name}: the {type(related).__name__} "
                        "it points at is not saved yet"
                    )
                if related is not None and getattr(obj, relation.attname) is None:
                    setattr(obj, relation.attname, related.pk)  # saved since: as save() does
        if own:
            check_fits(obj)
    # As many rows per statement as the backend takes parameters: bulk_create's own limit
    # (SQLite's 999), and the 65,535 of PostgreSQL's protocol, which bulk_create's UNNEST avoids.
    fields = [field for _name, _how, field in prepared]
    size = max(1, min(connection.ops.bulk_batch_size(fields, objects), 65535 // len(fields)))
    for start in range(0, len(objects), size):
        _insert(model, objects[start : start + size], ignore_conflicts)
    return list(objects)


def _insert(model: type[M], objects: Sequence[M], ignore_conflicts: bool) -> None:
    vendor = connection.vendor
    returning, prepared, _, _ = _columns(model, vendor)
    params: list[Any] = []
    add = params.append
    for obj in objects:
        held = obj.__dict__
        for name, plain, field in prepared:
            value = held[name]
            if value is not None and type(value) in plain:
                if plain is not _TIME or value.tzinfo is not None:
                    add(value)
                    continue
            elif value is None and plain:
                add(None)
                continue
            add(field.get_db_prep_save(field.pre_save(obj, True), connection))
    if len(params) > _KEPT_PARAMS:  # a bulk write: its text is not kept either
        sql = _statement.__wrapped__(model, vendor, len(objects), ignore_conflicts)
    else:
        sql = _statement(model, vendor, len(objects), ignore_conflicts)
        if vendor == "postgresql":  # pragma: no cover - PostgreSQL only
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
