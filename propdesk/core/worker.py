"""What ``propdesk worker`` does before it starts taking tasks, contributed by each app from its
``AppConfig.ready()`` so that core names no domain: the SLA domain reconciles its clocks and
books its sweeps, notify books delivery, stats the monthly reports, callbacks the daily repair
sampling. Each step is idempotent: several workers may start at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: ``step(reconcile)`` does its part and returns a line for the terminal, or None.
#: ``reconcile`` is False under ``--no-reconcile`` (skip the slow catch-up, book only).
Step = Callable[[bool], "str | None"]


@dataclass(frozen=True)
class StartStep:
    order: int
    name: str
    step: Step


_steps: dict[str, StartStep] = {}


def on_start(name: str, step: Step, *, order: int) -> None:
    _steps[name] = StartStep(order, name, step)


def start_steps() -> list[StartStep]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))
