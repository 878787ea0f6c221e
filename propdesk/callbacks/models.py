"""Callbacks (回访) recorded against a ticket (SPEC §6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import SATISFIED_LEVELS, CallbackMethod, Satisfaction


class Callback(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, related_name="callbacks")
    method = models.CharField(_("回访方式"), max_length=20, choices=CallbackMethod.choices)
    satisfaction = models.CharField(_("满意度"), max_length=30, choices=Satisfaction.choices)
    comment = models.TextField(_("住户意见"), blank=True)
    resident_confirmation = models.CharField(_("住户确认"), max_length=100, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT)
    called_at = models.DateTimeField(_("回访时间"))

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = pgettext_lazy("plural", "回访记录")
        ordering = ["called_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_satisfaction_display()}"

    @property
    def is_satisfied(self) -> bool:
        return self.satisfaction in SATISFIED_LEVELS
