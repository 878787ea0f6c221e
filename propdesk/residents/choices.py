from django.db import models
from django.utils.translation import gettext_lazy as _


class Relation(models.TextChoices):
    OWNER = "owner", _("业主")
    TENANT = "tenant", _("租户")
    FAMILY = "family", _("家庭成员")
    OTHER = "other", _("其他")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    EMAIL = "email", _("电子邮件")
    VISIT = "visit", _("上门")


class RoomUse(models.TextChoices):
    """What a room is used for (the company workbook's 用途 column)."""

    RESIDENTIAL = "residential", _("住宅")
    SHOP = "shop", _("商铺")
    OFFICE = "office", _("办公")
    PARKING = "parking", _("车位")
    STORAGE = "storage", _("储藏室")
    OTHER = "other", _("其他")
