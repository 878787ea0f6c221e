"""An administrator onboards a company in a real browser: uploads a small workbook, reads the
report with its rejected row, downloads that row with the reason, fixes it, uploads again,
applies, and finds the new residents in the household file (SPEC §2)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from conftest import make_user
from propdesk.console.tests.browser.fixtures import log_in
from propdesk.org.choices import Role, ScopeLevel
from propdesk.org.models import Company
from propdesk.residents.models import Resident
from propdesk.residents.onboarding.tests.files import company, xlsx

pytestmark = pytest.mark.django_db(transaction=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(download):
    """A downloaded workbook (Playwright keeps it under a name without its ending)."""
    with open(download.path(), "rb") as file:
        return load_workbook(file)


@pytest.fixture
def worker(settings, tmp_path):
    """The checks and applies run as soon as they are booked, as a worker beside the web
    server would run them (the progress bar of a long one is tested without a browser)."""
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_an_administrator_imports_a_workbook_fixes_a_rejected_row_and_finds_the_residents(
    open_page, worker, tmp_path
):
    fresh = Company.objects.create(code="NEW", name="新物业")
    # The company's administrator sees the whole company (the new projects included).
    make_user("it.admin", Role.ADMIN, fresh, scope_level=ScopeLevel.COMPANY)
    page = open_page()
    log_in(page, "it.admin")

    page.click("#user-menu")  # administrators' tools are in the user menu
    page.click("#menu-imports")
    expect(page.locator("#import-steps")).to_contain_text("下载模板")
    with page.expect_download() as template:
        page.click("#download-template")
    assert "住户" in workbook(template.value).sheetnames

    # The file as the office filled it: 刘芳's phone mistyped.
    wrong = xlsx(company(住户={3: {"手机": "1370000111"}}))
    page.set_input_files("#upload-file", {"name": "新物业.xlsx", "mimeType": XLSX, "buffer": wrong})
    page.click("#upload")
    expect(page.locator("#report-problems")).to_contain_text("发现 1 处问题")
    problem = page.locator("#sheet-residents .sheet-problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("手机")
    expect(problem).to_contain_text("1370000111")
    expect(problem).to_contain_text("电话号码格式不正确")
    expect(page.locator("#apply")).to_have_count(0)
    page.screenshot(path="docs/screenshots/import-report.png", full_page=True)

    with page.expect_download() as rejected:
        page.click("#download-rejected")
    rows = list(workbook(rejected.value)["住户"].iter_rows(values_only=True))
    assert rows[1][0] == "刘芳" and any("电话号码格式不正确" in str(c) for c in rows[1])
    assert Resident.objects.count() == 0

    # Fixed, uploaded again: nothing wrong, and the report says what will be created.
    page.goto("/imports/")
    right = xlsx(company())
    page.set_input_files("#upload-file", {"name": "新物业.xlsx", "mimeType": XLSX, "buffer": right})
    page.click("#upload")
    expect(page.locator("#apply-form")).to_contain_text("检查通过")
    counts = page.locator("#sheet-residents .sheet-counts")
    expect(counts).to_contain_text("住户")
    page.click("#apply")
    expect(page.locator("#import-done")).to_contain_text("已导入")
    page.screenshot(path="docs/screenshots/import-applied.png", full_page=True)

    # The new residents are in the household file.
    page.click("#import-done a")
    page.fill("#s-name", "刘芳")
    page.click("#resident-search button[type=submit]")
    expect(page.locator("#resident-results")).to_contain_text("刘芳")
    assert Resident.objects.filter(company=fresh).count() == 3
    history = page.goto("/imports/")
    assert history is not None and history.ok
    expect(page.locator("#import-history tbody tr")).to_have_count(2)
