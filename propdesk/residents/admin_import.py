"""Import and export on the admin's lists of the company's organisation, places and people:
each model's list imports and exports its sheet of the company workbook
(``onboarding/resources.py``), checked and applied by the company import's own engine.

Who may: a superuser, for any company; the administrator of a company (role 系统管理员, staff
of the admin) who may add and change the model, for their own company only. The company of an
import is chosen on its form (one choice for a company's administrator) and carried to the
confirm step; an export writes the chosen company's rows of the list as filtered, and is
written to the audit log like every export.

The lists of org's models (regions, projects, departments, staff) are org's admin classes; the
import is the residents layer's (onboarding), and org may not import residents (lint-imports,
DESIGN.md's layers). So this module, in the residents layer, replaces their registrations with
subclasses that add the import: org's classes stay as they are, and stay usable alone.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from propdesk.core.audit import audit
from propdesk.core.models import AuditAction
from propdesk.core.requests import client_ip
from propdesk.org import admin as org_admin
from propdesk.org.models import Company, Department, Project, Region, User

from .onboarding.jobs import may_import
from .onboarding.resources import CsvFormat, SheetResult, UploadFormat, XlsxFormat, resource_for


def _allowed(user: Any, model: type[Model], actions: tuple[str, ...]) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not (user.company_id and may_import(user)):
        return False
    opts = model._meta
    return all(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in actions
    )


def companies_for(user: Any) -> QuerySet[Company]:
    """The companies ``user`` may import into and export from."""
    if user.is_superuser:
        return Company.objects.order_by("code")
    return Company.objects.filter(pk=user.company_id)


def _choose_company(field: forms.Field, user: Any) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = companies_for(user)
    if user.company_id or field.queryset.count() == 1:
        field.initial = user.company_id or field.queryset.get().pk
        field.empty_label = None


class _CompanyField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Company.objects.none(), label=gettext_lazy("公司"), **kwargs)


class CompanyImportForm(ImportForm):
    company = _CompanyField()


class CompanyConfirmImportForm(ConfirmImportForm):
    company = _CompanyField(widget=forms.HiddenInput)


class CompanyExportForm(ExportForm):
    # Every company validates here; the admin refuses one the user may not export
    # (get_export_resource_kwargs) and shows only theirs.
    company = forms.ModelChoiceField(Company.objects.order_by("code"), label=gettext_lazy("公司"))


class SheetImportExportMixin(ImportExportMixin):
    """Put first among a ModelAdmin's bases: the import and export of the model's sheet."""

    import_template_name = "admin/import_export/onboarding_import.html"
    import_form_class = CompanyImportForm
    confirm_form_class = CompanyConfirmImportForm
    # Every column of the sheet is written, so that the file imports back as it is.
    export_form_class = CompanyExportForm
    import_formats = [UploadFormat]
    export_formats = [XlsxFormat, CsvFormat]
    #: The audit log's action for an applied import (None: not audited; staff: permissions).
    #: Every import is in the audit log as an import; a staff import also changes roles and
    #: scopes, which the log keeps as a permission change (SPEC §11).
    import_audit_action: str = AuditAction.IMPORT

    @property
    def resource_classes(self) -> list[type]:
        return [resource_for(self.model)]

    # -- who may

    def has_import_permission(self, request: HttpRequest) -> bool:
        return _allowed(request.user, self.model, ("add", "change"))

    def has_export_permission(self, request: HttpRequest) -> bool:
        return _allowed(request.user, self.model, ("view",))

    # -- import: the company on the form, carried to the confirm step

    def create_import_form(self, request: HttpRequest) -> forms.Form:
        form = super().create_import_form(request)
        _choose_company(form.fields["company"], request.user)
        return form

    def create_confirm_form(self, request: HttpRequest, import_form: Any = None) -> forms.Form:
        form = super().create_confirm_form(request, import_form)
        form.fields["company"].queryset = companies_for(request.user)
        return form

    def get_confirm_form_initial(self, request: HttpRequest, import_form: Any) -> dict:
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["company"] = import_form.cleaned_data["company"].pk
        return initial

    def get_import_data_kwargs(self, **kwargs: Any) -> dict:
        form = kwargs.pop("form", None)
        if form is not None:
            kwargs["company"] = form.cleaned_data["company"]
        return kwargs

    def process_result(self, result: SheetResult, request: HttpRequest) -> HttpResponse:
        """After the confirm step. The engine checks the file again as it applies it: what
        changed since the dry run may refuse it, and then nothing was written."""
        if result.refused:
            for error in result.base_errors:
                messages.error(request, str(error.error))
            if result.report is not None and result.report.problem_count:
                messages.error(
                    request,
                    _("文件中有 %(n)s 处问题,未导入任何数据;请改正后重试")
                    % {"n": result.report.problem_count},
                )
                for problem in result.problems[:20]:
                    messages.error(request, _problem_line(problem))
            info = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{info[0]}_{info[1]}_import", current_app=self.admin_site.name)
            )
        if self.import_audit_action and result.plan is not None and result.company is not None:
            audit(
                request.user,
                self.import_audit_action,
                object_type="import",
                object_id=result.company.code,
                detail={"sheet": result.report.key if result.report else "",
                        "file": result.plan.file_name, "summary": result.summary},
                ip=client_ip(request),
            )  # fmt: skip
        return super().process_result(result, request)

    def add_success_message(self, result: SheetResult, request: HttpRequest) -> None:
        company = result.company.name if result.company else ""
        messages.success(request, _("已导入%(company)s:") % {"company": company})
        for line in result.summary:
            messages.info(request, line.strip())

    # -- export: the chosen company's rows of the list as filtered, audited

    def init_request_context_data(self, request: HttpRequest, form: forms.Form) -> dict:
        _choose_company(form.fields["company"], request.user)
        return super().init_request_context_data(request, form)

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict:
        form = kwargs.get("export_form")
        if form is None or not hasattr(form, "cleaned_data"):
            return {}
        company = form.cleaned_data["company"]
        if not companies_for(request.user).filter(pk=company.pk).exists():
            raise PermissionDenied
        return {"company": company}

    def get_data_for_export(self, request: HttpRequest, queryset: QuerySet, **kwargs: Any):
        data = super().get_data_for_export(request, queryset, **kwargs)
        company = self.get_export_resource_kwargs(request, **kwargs).get("company")
        audit(
            request.user,
            AuditAction.EXPORT,
            object_type=f"onboarding:{data.sheet.key}",
            object_id=company.code if company else "",
            detail={"model": self.model._meta.label, "rows": len(data)},
            ip=client_ip(request),
        )
        return data


def _problem_line(problem: Any) -> str:
    where = _("第 %(row)s 行“%(column)s”") % {"row": problem.row, "column": problem.column}
    value = f"“{problem.value}”" if problem.value else ""
    return " ".join(p for p in (where, value, problem.message) if p)


# -- org's lists, with the import (see the module's docstring for why they are replaced here)


def _replace(model: type[Model], admin_class: type[admin.ModelAdmin]) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


class RegionAdmin(SheetImportExportMixin, org_admin.RegionAdmin):
    pass


class ProjectAdmin(SheetImportExportMixin, org_admin.ProjectAdmin):
    pass


class DepartmentAdmin(SheetImportExportMixin, org_admin.DepartmentAdmin):
    pass


class UserAdmin(SheetImportExportMixin, org_admin.UserAdmin):
    # An import of staff changes roles and scopes: audited like the staff form's changes.
    import_audit_action = AuditAction.PERMISSION_CHANGE


_replace(Region, RegionAdmin)
_replace(Project, ProjectAdmin)
_replace(Department, DepartmentAdmin)
_replace(User, UserAdmin)
