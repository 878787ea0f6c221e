"""The administrator's import page (SPEC §2, onboarding a company): download the template or the
company as it stands, upload a filled file, read the check's report sheet by sheet, download the
rows with problems, apply, and follow the progress. The work is onboarding.jobs'."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.errors import DomainError, InvalidInput
from propdesk.core.requests import client_ip
from propdesk.core.web import console_view, page_of
from propdesk.org.models import Company

from .models import CompanyImport, ImportStatus
from .onboarding import jobs
from .onboarding import services as onboarding

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    return _attachment(HttpResponse(content, content_type=content_type), name)


@console_view
def imports(request: HttpRequest) -> HttpResponse:
    """The page: what to do first, the upload form, and the imports so far."""
    user = request.user
    history = page_of(request, jobs.jobs_for(user))
    context = {
        "page": history,
        "companies": None if user.company_id else Company.objects.order_by("code"),
        "company": user.company,
        "error": None,
        "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
    }
    if request.method == "POST":
        try:
            company = jobs.importing_company(user, request.POST.get("company", ""))
            upload = request.FILES.get("file")
            if upload is None:
                raise InvalidInput(_("请选择要上传的文件"), field="file")
            job = jobs.upload(user, company, upload)
        except DomainError as refused:
            context["error"] = refused
            return render(request, "residents/imports.html", context, status=400)
        return redirect("residents:import", pk=job.pk)
    return render(request, "residents/imports.html", context)


@console_view
def template(request: HttpRequest) -> HttpResponse:
    jobs.jobs_for(request.user)  # administrators only
    return _download(onboarding.company_template(), "公司数据导入模板.xlsx", XLSX)


@console_view
def export(request: HttpRequest) -> HttpResponse:
    """The company as it stands, in the import's format (it imports back with nothing changed):
    a workbook, or with ``format=csv`` a zip of one CSV per sheet."""
    company = jobs.importing_company(request.user, request.GET.get("company", ""))
    format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    response = HttpResponse(content_type="application/zip" if format == "csv" else XLSX)
    onboarding.write_company(company, response, format=format)
    jobs.record_export(request.user, company, format, ip=client_ip(request))
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"{company.code}-{stamp}.{'zip' if format == 'csv' else 'xlsx'}"
    return _attachment(response, name)


def _job_context(job: CompanyImport) -> dict:
    report = jobs.report_of(job) if job.plan is not None else None
    return {
        "job": job,
        "report": report,
        "progress": jobs.progress_of(job) if job.running else None,
        "may_apply": job.status == ImportStatus.CHECKED and report is not None and report.ok,
    }


@console_view
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs, then the report, sheet by sheet."""
    return render(request, "residents/import.html", _job_context(jobs.get_job(request.user, pk)))


@console_view
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by the page; when the job has finished, the whole page reloads
    to show the report."""
    found = jobs.get_job(request.user, pk)
    if not found.running:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "residents/_import_progress.html", _job_context(found))


@require_POST
@console_view
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    found = jobs.get_job(request.user, pk)
    try:
        jobs.start_apply(request.user, found)
    except DomainError as refused:
        context = _job_context(found)
        context["error"] = refused
        return render(request, "residents/import.html", context, status=400)
    return redirect("residents:import", pk=pk)


@console_view
def rejected(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows with problems, each with its reasons, to correct and upload again."""
    found = jobs.get_job(request.user, pk)
    content = onboarding.rejected_rows(found.file.path, jobs.report_of(found), name=found.file_name)
    stem = found.file_name.rsplit(".", 1)[0]
    return _download(content, f"{stem}-有问题的行.xlsx", XLSX)
