"""Batched writes of an apply: ``bulk_create`` and ``bulk_update`` a few thousand rows at a
time, inside the one transaction of the apply (engine). In a dry run, or once any problem has
been found, nothing is built or written: the checks go on so that every problem is reported.

``bulk_create`` neither calls ``save()`` nor sends ``pre_save``: what those do for PropDesk's
models is done by the checkers instead — phones stored in their canonical form
(``phones.canonical``), lengths checked by ``core.fits.does_not_fit`` cell by cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models

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
