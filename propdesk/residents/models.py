"""Buildings, units, rooms and the people linked to them: one household, one file (§2)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
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
    accepts_messages = models.BooleanField(
        _("接收通知"),
        default=True,
        help_text=_("关闭后不再发送短信、微信和邮件通知(登录验证码除外);住户可在自助页面自行设置"),
    )
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


class PrivateFiles(FileSystemStorage):
    """Uploaded company files: on disk under ``settings.IMPORT_DIR`` (read when used, so tests
    can move it), never under MEDIA_ROOT and never given a URL — they hold residents' phones."""

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.IMPORT_DIR)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("company import files are not served")


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("检查中")
    CHECKED = "checked", _("已检查")
    APPLYING = "applying", _("导入中")
    APPLIED = "applied", _("已导入")
    #: The check or the apply stopped on an error that is not a problem of a row (a file that
    #: could not be read, a worker that died): ``error`` says what.
    FAILED = "failed", _("失败")


class CompanyImport(models.Model):
    """One company file uploaded on the console's import page (SPEC §2, onboarding): checked by
    a background task, then applied by another when an administrator says so. ``plan`` is the
    report of the last check or apply (``onboarding.report.plan_to_json``). The file is kept
    outside MEDIA_ROOT (it holds residents' phones): ``settings.IMPORT_DIR``."""

    company = models.ForeignKey(
        Company, models.PROTECT, related_name="imports", verbose_name=_("公司")
    )
    file = models.FileField(_("文件"), upload_to="%Y/%m/", max_length=255, storage=PrivateFiles())
    file_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    plan = models.JSONField(_("报告"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    uploaded_by = models.ForeignKey(
        "org.User", models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    checked_at = models.DateTimeField(_("检查完成时间"), null=True, blank=True)
    applied_by = models.ForeignKey(
        "org.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    applied_at = models.DateTimeField(_("导入完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公司数据导入")
        verbose_name_plural = pgettext_lazy("plural", "公司数据导入")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.APPLYING)

    @property
    def problem_count(self) -> int:
        """The problems the last check found (0 before there is a report)."""
        return sum(sheet["problem_count"] for sheet in (self.plan or {}).get("sheets", []))
