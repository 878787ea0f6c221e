"""Company → region → project, departments at any level, staff with a role and a scope (§1, §2)."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .access import ScopedQuerySet
from .choices import SINGLE_OFFICERS, DepartmentKind, OfficerTitle, Role, ScopeLevel

project_code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,11}$",
    _("项目编码须为 2–12 位大写字母或数字,以字母开头"),
)


class Company(models.Model):
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("公司")
        verbose_name_plural = pgettext_lazy("plural", "公司")

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    company = models.ForeignKey(Company, models.PROTECT, related_name="regions")
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("地区公司")
        verbose_name_plural = pgettext_lazy("plural", "地区公司")

    def __str__(self) -> str:
        return self.name


class ProjectQuerySet(ScopedQuerySet["Project"]):
    scope_path = "pk"


class Project(models.Model):
    region = models.ForeignKey(Region, models.PROTECT, related_name="projects")
    company = models.ForeignKey(Company, models.PROTECT, related_name="projects")
    code = models.CharField(
        _("项目编码"), max_length=12, unique=True, validators=[project_code_validator]
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在管"), default=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = pgettext_lazy("plural", "项目")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.region_id and self.company_id and self.region.company_id != self.company_id:
            raise ValidationError({"region": _("地区公司不属于该公司")})


class Department(models.Model):
    """A department of a project, of a region company, or of HQ (when both are empty)."""

    company = models.ForeignKey(Company, models.PROTECT, related_name="departments")
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="departments"
    )
    project = models.ForeignKey(
        Project, models.PROTECT, null=True, blank=True, related_name="departments"
    )
    code = models.CharField(_("编码"), max_length=30)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=30, choices=DepartmentKind.choices)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = pgettext_lazy("plural", "部门")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="department_code_unique")
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        if self.project_id:
            return f"{self.project.name} {self.name}"
        return self.name

    def serves_project(self, project: Project) -> bool:
        """A project department serves its project; region and HQ departments serve all below."""
        if self.project_id:
            return self.project_id == project.pk
        if self.region_id:
            return self.region_id == project.region_id
        return self.company_id == project.company_id


class User(AbstractUser):
    """A member of staff. Residents are not users; they are records in ``residents``."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, default=Role.AGENT)
    company = models.ForeignKey(Company, models.PROTECT, null=True, blank=True)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="members"
    )
    scope_level = models.CharField(
        _("数据范围"), max_length=20, choices=ScopeLevel.choices, default=ScopeLevel.PROJECTS
    )
    scope_region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, verbose_name=_("范围:地区公司")
    )
    scope_projects = models.ManyToManyField(
        Project, blank=True, related_name="staff", verbose_name=_("范围:项目")
    )
    #: Consecutive failed logins at any way in; reset by a successful one (org.logins.sign_in).
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = pgettext_lazy("plural", "员工")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.scope_level == ScopeLevel.REGION and not self.scope_region_id:
            raise ValidationError({"scope_region": _("地区范围须指定地区公司")})
        if self.scope_level in (ScopeLevel.REGION, ScopeLevel.COMPANY) and not self.company_id:
            raise ValidationError({"company": _("须指定所属公司")})

    @property
    def project_ids(self) -> frozenset[int]:
        """Ids of the projects this user may see and act on (SPEC §1: never outside it),
        answered by the one door, org.access."""
        from .access import visible_projects

        return visible_projects(self)

    def in_scope(self, project_id: int | None) -> bool:
        from .access import in_scope

        return in_scope(self, project_id)


class CompanyOfficer(models.Model):
    """A named person holding a title of the company (seed 001 篇4): the management
    representative (管理者代表) and the general manager (总经理), one each, and any number of
    deputy general managers (副总经理). Survey plans and analysis reports wait for these people,
    whatever their role; set in the admin (audited)."""

    company = models.ForeignKey(Company, models.PROTECT, related_name="officers")
    user = models.ForeignKey(
        User, models.PROTECT, related_name="officer_titles", verbose_name=_("人员")
    )
    title = models.CharField(_("职务"), max_length=30, choices=OfficerTitle.choices)

    class Meta:
        verbose_name = _("公司负责人")
        verbose_name_plural = pgettext_lazy("plural", "公司负责人")
        ordering = ["company", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "title"],
                condition=models.Q(title__in=sorted(SINGLE_OFFICERS)),
                name="officer_one_per_company",
            ),
            models.UniqueConstraint(
                fields=["company", "title", "user"], name="officer_title_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_title_display()}:{self.user}"

    def clean(self) -> None:
        if self.user_id and self.company_id and self.user.company_id != self.company_id:
            raise ValidationError({"user": _("该员工不属于这家公司")})


class LoginAddress(models.Model):
    """Failed logins from one network address, at every way in (console, admin, API token):
    too many within the lockout period and the address is refused for a while, whatever the
    user name (org.logins)."""

    ip = models.GenericIPAddressField(_("地址"), unique=True)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    #: When the current count began; a count older than the lockout period starts again.
    counting_since = models.DateTimeField(_("计数起点"))
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录地址")
        verbose_name_plural = pgettext_lazy("plural", "登录地址")

    def __str__(self) -> str:
        return self.ip


class ApiToken(models.Model):
    """A bearer token for programs. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = pgettext_lazy("plural", "API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
