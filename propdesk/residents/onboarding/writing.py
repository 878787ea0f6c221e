"""Batched writes of an apply: ``bulk_create`` (on PostgreSQL ``COPY``, see copy_create) and
``bulk_update`` a few thousand rows at a time, inside the one transaction of the apply
(engine). In a dry run, or once any problem has been found, nothing is built or written: the
checks go on so that every problem is reported.

``bulk_create`` neither calls ``save()`` nor sends ``pre_save``: what those do for PropDesk's
models is done by the checkers instead — phones stored in their canonical form
(``phones.canonical``), lengths checked by ``core.fits.does_not_fit`` cell by cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import connection, models

if TYPE_CHECKING:
    from .engine import Context

M = TypeVar("M", bound=models.Model)

BATCH = 2000


class Batch(Generic[M]):
    """Rows of one model to create and to update. ``refs`` are the foreign-key columns that
    may hold a placeholder id (a row created earlier in the same import)."""

    def __init__(
        self,
        ctx: Context,
        model: type[M],
        *,
        update_fields: Sequence[str] = (),
        refs: Sequence[str] = (),
        size: int = BATCH,
    ) -> None:
        self.ctx = ctx
        self.model = model
        self.update_fields = list(update_fields)
        self.refs = list(refs)
        self.size = size
        self.created: list[tuple[int | None, M]] = []
        self.updated: list[M] = []
        #: Called after each flush: a later batch (rooms after units) flushes what it needs.
        self.before: list[Batch[Any]] = []
        self.after_create: list[Callable[[list[tuple[int | None, M]]], None]] = []

    def create(self, ref: int | None, make: Callable[[], M]) -> None:
        if self.ctx.writing:
            self.created.append((ref, make()))
            if len(self.created) >= self.size:
                self.flush()

    def update(self, make: Callable[[], M]) -> None:
        if self.ctx.writing:
            self.updated.append(make())
            if len(self.updated) >= self.size:
                self.flush()

    def flush(self) -> None:
        for batch in self.before:
            batch.flush()
        if not self.ctx.writing:
            self.created.clear()
            self.updated.clear()
            return
        ids = self.ctx.ids
        if self.created:
            objects = [obj for _ref, obj in self.created]
            for obj in objects:
                for name in self.refs:
                    value = getattr(obj, name)
                    if value is not None and value < 0:
                        setattr(obj, name, ids.resolve(value))
            if connection.vendor == "postgresql":
                copy_create(self.model, objects)
            else:
                self.model._default_manager.bulk_create(objects, batch_size=self.size)
            for ref, obj in self.created:
                if ref is not None:
                    assert obj.pk is not None, "bulk_create returns ids (PostgreSQL, SQLite 3.35+)"
                    ids.real[ref] = obj.pk
            for hook in self.after_create:
                hook(self.created)
            self.created.clear()
        if self.updated:
            for obj in self.updated:
                for name in self.refs:
                    value = getattr(obj, name)
                    if value is not None and value < 0:
                        setattr(obj, name, ids.resolve(value))
            self.model._default_manager.bulk_update(
                self.updated, self.update_fields, batch_size=self.size
            )
            self.updated.clear()


#: Fields whose value, as the checkers put it in the model, COPY sends as it is (psycopg
#: writes str, int, bool, Decimal, date and None as PostgreSQL reads them for the column).
_SENT_AS_HELD = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.DecimalField,
    models.DateField,
    models.ForeignKey,
)


def copy_create(model: type[M], objects: list[M]) -> None:  # pragma: no cover - PostgreSQL only
    """``bulk_create(objects)`` on PostgreSQL with ``COPY``: their ids are drawn from the
    table's sequence first, then each row is sent as the model holds it; a field of another
    kind, or one filled on saving (``auto_now_add``), goes through its ``pre_save`` and
    ``get_db_prep_save`` as in bulk_create. Measured on a group's 1.3 million rows:
    bulk_create's own work per row (each field of each object prepared and compiled into an
    INSERT … UNNEST, then psycopg's arrays dumped in Python) took the apply over its 3
    minutes; COPY's rows are formatted by psycopg in C. The database checks the same
    constraints and foreign keys.

    Left out of the coverage floor, which is measured on the SQLite run: the PostgreSQL run of
    ``make test`` imports every company file of the onboarding tests through it."""
    if not objects:
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    prepared = [
        (
            f.attname,
            None
            if isinstance(f, _SENT_AS_HELD)
            and not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
            else f,
        )
        for f in fields
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [pk, *fields])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, new_id in zip(objects, ids, strict=True):
                obj.pk = new_id
                held = obj.__dict__
                copy.write_row(
                    [new_id]
                    + [
                        held[name]
                        if field is None
                        else field.get_db_prep_save(field.pre_save(obj, True), connection)
                        for name, field in prepared
                    ]
                )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
