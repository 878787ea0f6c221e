"""Buildings, units, rooms and the people linked to them: one household, one file (§2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.org.access import ScopedQuerySet
from propdesk.org.models import Company, Project

from . import phones
from .choices import ContactChannel, Relation, RoomUse

#: Kept under their old names: lists, API and look-ups import them from here.
phone_digits = phones.digits
mask_phone = phones.mask


class BuildingQuerySet(ScopedQuerySet["Building"]):
    scope_path = "project"


class Building(models.Model):
    project = models.ForeignKey(Project, models.PROTECT, related_name="buildings")
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("名称"), max_length=50)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = pgettext_lazy("plural", "楼栋")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="building_code_unique")
        ]
        ordering = ["project", "code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    building = models.ForeignKey(Building, models.PROTECT, related_name="units")
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = pgettext_lazy("plural", "单元")
        constraints = [
            models.UniqueConstraint(fields=["building", "code"], name="unit_code_unique")
        ]
        ordering = ["building", "code"]

    def __str__(self) -> str:
        return f"{self.building.name}{self.name}"


class RoomQuerySet(ScopedQuerySet["Room"]):
    scope_path = "project"


class Room(models.Model):
    """A household (房屋). ``project`` and ``building`` are kept here for fast lookups."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="rooms")
    building = models.ForeignKey(Building, models.PROTECT, related_name="rooms")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="rooms")
    number = models.CharField(_("房号"), max_length=20)
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    area = models.DecimalField(
        _("建筑面积(㎡)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    use = models.CharField(
        _("用途"), max_length=20, choices=RoomUse.choices, default=RoomUse.RESIDENTIAL
    )
    is_occupied = models.BooleanField(_("已入住"), default=True)

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = pgettext_lazy("plural", "房屋")
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="room_unique")]
        ordering = ["project", "building", "unit", "number"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """3栋2单元1101 — how staff and residents name a room."""
        return f"{self.building.name}{self.unit.name}{self.number}"


class ResidentQuerySet(ScopedQuerySet["Resident"]):
    scope_path = "residencies__room__project"
    scope_distinct = True


class Resident(models.Model):
    company = models.ForeignKey(Company, models.PROTECT, related_name="residents")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机"), max_length=20, blank=True, db_index=True)
    phone2 = models.CharField(_("备用电话"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("电子邮件"), blank=True)
    preferred_contact = models.CharField(
        _("首选联系方式"),
        max_length=20,
        choices=ContactChannel.choices,
        default=ContactChannel.PHONE,
    )
    contact_times = models.CharField(_("方便联系时间"), max_length=100, blank=True)
    notes = models.TextField(_("备注"), blank=True, help_text=_("如:独居老人、不用微信"))
    is_key_customer = models.BooleanField(_("重点客户"), default=False)
    rooms = models.ManyToManyField(Room, through="Residency", related_name="residents")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = pgettext_lazy("plural", "住户")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # One stored form per number, so that every way of typing it finds it (phones.py); a
        # phone that cannot be validated is kept as typed, never dropped.
        self.phone = phones.canonical(self.phone)
        self.phone2 = phones.canonical(self.phone2)
        super().save(*args, **kwargs)


class ResidencyQuerySet(ScopedQuerySet["Residency"]):
    scope_path = "room__project"


class Residency(models.Model):
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="residencies")
    room = models.ForeignKey(Room, models.PROTECT, related_name="residencies")
    relation = models.CharField(_("关系"), max_length=20, choices=Relation.choices)
    is_active = models.BooleanField(_("现住"), default=True)
    since = models.DateField(_("起始日期"), null=True, blank=True)

    objects = ResidencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("住户关系")
        verbose_name_plural = pgettext_lazy("plural", "住户关系")
        constraints = [
            models.UniqueConstraint(fields=["resident", "room"], name="residency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resident} – {self.room} ({self.get_relation_display()})"
