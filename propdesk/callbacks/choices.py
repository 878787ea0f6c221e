from django.db import models
from django.utils.translation import gettext_lazy as _

# The five levels belong to the request (a work order's on-site rating, a callback, a survey
# answer): defined with the tickets' choices, named here too for the callback code.
from propdesk.tickets.choices import SATISFIED_LEVELS, Satisfaction

__all__ = ["SATISFIED_LEVELS", "CallbackMethod", "Satisfaction"]


class CallbackMethod(models.TextChoices):
    PHONE = "phone", _("电话回访")
    VISIT = "visit", _("上门回访")
    LINK = "link", _("微信/短信链接")
