"""Compensation claims in the month's figures (issue 21 item 2): a September and an October of
claims built by hand through casework's services, every figure asserted to the fen — claims
paid in the month against those paid the month after, the month's first and last minutes,
a charge-back disputed (still pending) and one whose claim was withdrawn (not pending), and
another project's claims counted in the company but never in a project's scope. Then the same
numbers in the statistics API, the monthly report, its page, its workbook and its PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import load_workbook

from conftest import make_user
from propdesk.casework import claims, claims_payment
from propdesk.org.choices import Role
from propdesk.stats import exports, reports
from propdesk.stats.figures_claims import ClaimTotals, claims_by_project
from propdesk.stats.models import MonthlyReport
from propdesk.stats.period import Period
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import ApiClient
from propdesk.worktime.arithmetic import SHANGHAI

pytestmark = pytest.mark.django_db
SEPT, OCT = Period.month(2026, 9), Period.month(2026, 10)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n")


def approved(world, ticket, when: datetime, amount: str, approvers) -> claims.Claim:
    """A claim opened by HQ at ``when``, assessed an hour later and approved along the chain,
    one approver an hour after the other."""
    claim = claims.open_claim(world.hq, ticket, description="水浸损坏,要求赔偿", now=when)
    claims.assess(world.hq, claim, amount=amount, basis="报价单", now=when.replace(hour=11))
    for hour, approver in enumerate(approvers, start=12):
        claims.decide(approver, claim, "approved", now=when.replace(hour=hour))
    claim.refresh_from_db()
    return claim


def paid(world, claim, when: datetime, amount: str, paid_on: date) -> None:
    """Letter, signed scan and payment request at ``when``; paid on ``paid_on`` (recorded
    that day)."""
    claims_payment.issue_letter(world.hq, claim, now=when)
    claims_payment.add_signed_letter(world.hq, claim, scan(), now=when.replace(hour=15))
    claims_payment.request_payment(
        world.hq, claim, amount=amount, payee="张伟", now=when.replace(hour=16)
    )
    recorded = datetime(paid_on.year, paid_on.month, paid_on.day, 17, tzinfo=SHANGHAI)
    claims_payment.record_paid(world.hq, claim, paid_on=paid_on, reference="FK", now=recorded)


def charge_back(world, claim, when: datetime, amount: str) -> None:
    claims_payment.open_charge_back(
        world.hq, claim, party_kind="contractor", party_name="安装公司", amount=amount,
        reason="安装不当", now=when,
    )  # fmt: skip


def recover(world, claim, when: datetime, amount: str) -> None:
    claims_payment.move_charge_back(
        world.hq, claim, "recover", amount=amount, on=when.date(), now=when
    )


@pytest.fixture
def months(world):
    """华苑: A opened, approved and paid in September, charged back and recovered in part then.
    B opened and approved in September, paid on 3 October; its charge-back opened in September,
    disputed, agreed and recovered in October. C opened in August, approved on 1 September,
    charged back, then withdrawn. D opened at 23:30 on 30 September, E at 00:10 on 1 October.
    丽苑: F opened, approved and paid in September."""
    pm, region = world.manager, world.region_user
    ticket = register(world, at(8, 20))
    a = approved(world, ticket, at(9, 2), "1500.35", [pm])
    paid(world, a, at(9, 4), "1500.35", date(2026, 9, 10))
    charge_back(world, a, at(9, 12), "1000.00")
    recover(world, a, at(9, 20), "600.15")

    b = approved(world, ticket, at(9, 25), "3000.10", [pm, region])
    paid(world, b, at(9, 28), "2800.05", date(2026, 10, 3))
    charge_back(world, b, at(9, 29), "2000.00")
    claims_payment.move_charge_back(world.hq, b, "dispute", note="保险公司不认可", now=at(9, 30))
    claims_payment.move_charge_back(world.hq, b, "agree", now=at(10, 10))
    recover(world, b, at(10, 15), "1800.00")

    c = claims.open_claim(world.hq, ticket, description="门被砸坏", now=at(8, 28))
    claims.assess(world.hq, c, amount="500.20", basis="报价单", now=at(8, 29))
    claims.decide(pm, c, "approved", now=at(9, 1, 9))
    charge_back(world, c, at(9, 1, 10), "500.20")
    claims.withdraw(world.hq, c, note="业主撤回", now=at(9, 2, 9))

    claims.open_claim(world.hq, ticket, description="月末最后一件", now=at(9, 30, 23, 30))
    claims.open_claim(world.hq, ticket, description="下月第一件", now=at(10, 1, 0, 10))

    gz_manager = make_user(
        "gz_manager", Role.PROJECT_MANAGER, world.company, projects=[world.other_project]
    )
    foreign, _ = services.register_ticket(
        world.hq,
        services.NewTicket(
            kind="complaint", channel="phone", category="FAC-ELEV", description="丽苑漏水",
            room_id=world.other_room.pk, resident_id=world.neighbour.pk,
        ),
        now=at(9, 3),
    )  # fmt: skip
    f = approved(world, foreign, at(9, 5), "800.00", [gz_manager])
    paid(world, f, at(9, 6), "800.00", date(2026, 9, 8))


def yuan(text: str) -> Decimal:
    return Decimal(text)


SZHY_SEPT = ClaimTotals(
    "SZHY", "华苑",
    opened=3,  # A, B, D (C was opened in August, E in October)
    approved=3, approved_amount=yuan("5000.65"),  # A, B, C: 1500.35 + 3000.10 + 500.20
    paid=1, paid_amount=yuan("1500.35"),  # A; B is paid on 3 October
    charged_back=3, charged_back_amount=yuan("3500.20"),  # A, B, C
    recovered=1, recovered_amount=yuan("600.15"),  # A
    pending=1, pending_amount=yuan("2000.00"),  # B disputed; C's claim was withdrawn
)  # fmt: skip
GZLY_SEPT = ClaimTotals(
    "GZLY", "丽苑", opened=1, approved=1, approved_amount=yuan("800.00"),
    paid=1, paid_amount=yuan("800.00"),
)  # fmt: skip


def test_each_figure_counts_what_happened_in_the_month_to_the_fen(world, months):
    both = [world.project.pk, world.other_project.pk]
    assert claims_by_project(both, SEPT) == [GZLY_SEPT, SZHY_SEPT]  # by project code
    assert claims_by_project([world.project.pk], SEPT) == [SZHY_SEPT]
    assert claims_by_project([world.project.pk], OCT) == [
        ClaimTotals(
            "SZHY",
            "华苑",
            opened=1,
            paid=1,
            paid_amount=yuan("2800.05"),
            recovered=1,
            recovered_amount=yuan("1800.00"),
        )
    ]
    assert claims_by_project([world.project.pk], Period.month(2026, 8)) == [
        ClaimTotals("SZHY", "华苑", opened=1)
    ]
    assert claims_by_project([world.other_project.pk], OCT) == []
    row = claims_by_project(both, SEPT)[1]
    assert all(type(getattr(row, k)) is Decimal for k in ("approved_amount", "pending_amount"))


def test_the_statistics_api_shows_them_for_the_scope_and_never_another_projects(world, months):
    hq = ApiClient(world.hq)
    project = hq.get("/stats/figures", {"period": "2026-09", "scope": "project:SZHY"}).json()
    assert [r["project_code"] for r in project["claims"]["projects"]] == ["SZHY"]
    assert project["claims"]["total"] == {
        "project_code": "", "project_name": "", "opened": 3, "approved": 3,
        "approved_amount": "5000.65", "paid": 1, "paid_amount": "1500.35", "charged_back": 3,
        "charged_back_amount": "3500.20", "recovered": 1, "recovered_amount": "600.15",
        "pending": 1, "pending_amount": "2000.00",
    }  # fmt: skip
    company = hq.get("/stats/figures", {"period": "2026-09"}).json()["claims"]
    assert [r["project_code"] for r in company["projects"]] == ["GZLY", "SZHY"]
    assert company["total"]["paid_amount"] == "2300.35"
    assert company["total"]["opened"] == 4
    # The project's manager sees 华苑's alone, as the claims list of the month does.
    manager = ApiClient(world.manager)
    mine = manager.get("/stats/figures", {"period": "2026-09"}).json()["claims"]
    assert [r["project_code"] for r in mine["projects"]] == ["SZHY"]
    listed = manager.get("/claims/totals", {"month": "2026-09"}).json()
    assert listed == [dict(mine["projects"][0])]


def pdf_text(pdf: bytes) -> str:
    program = shutil.which("pdftotext")
    if program is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    # A fixed program on bytes we made.
    done = subprocess.run([program, "-layout", "-", "-"], input=pdf, capture_output=True,  # noqa: S603
                          check=True)  # fmt: skip
    return done.stdout.decode()


def test_the_monthly_report_its_page_workbook_and_pdf_show_them(world, months, client):
    reports.generate_month(2026, 9, now=at(10, 3, 2))
    report = MonthlyReport.objects.get(scope_kind="project", scope_code="SZHY")
    assert report.figures["claims"]["projects"][0]["pending_amount"] == "2000.00"
    read = ApiClient(world.manager).get(f"/reports/{report.pk}").json()
    assert read["figures"]["claims"]["total"]["approved_amount"] == "5000.65"

    client.force_login(world.manager)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'id="table-claims"' in page and "5000.65" in page and "2000.00" in page
    assert "丽苑" not in page

    book = load_workbook(io.BytesIO(exports.report_xlsx(report)))
    rows = list(book["赔偿与追偿"].iter_rows(values_only=True))
    assert rows[0] == (
        "项目", "新立案(件)", "批准(件)", "批准金额(元)", "付款(件)", "付款金额(元)",
        "发起追偿(元)", "已追回(元)", "待追回(元)",
    )  # fmt: skip
    assert rows[1][:3] == ("华苑", 3, 3)
    assert [Decimal(str(v)) for v in rows[1][3:]] == [
        yuan("5000.65"),
        1,
        yuan("1500.35"),
        yuan("3500.20"),
        yuan("600.15"),
        yuan("2000.00"),
    ]
    assert rows[2][0] == "合计" and rows[2][1] == 3
    assert book["赔偿与追偿"].cell(row=2, column=4).number_format == "#,##0.00"

    words = pdf_text(exports.report_pdf(report))
    assert "赔偿与追偿" in words and "5000.65" in words and "2000.00" in words

    # The statistics page of the month shows the same table.
    stats = client.get("/stats/", {"period": "2026-09", "scope": "project:SZHY"})
    assert 'id="table-claims"' in stats.content.decode()
    assert "3500.20" in stats.content.decode()


def test_a_report_published_before_claims_were_counted_shows_no_claims_table(world, months):
    reports.generate_month(2026, 9, now=at(10, 3, 2))
    report = MonthlyReport.objects.get(scope_kind="project", scope_code="SZHY")
    del report.figures["claims"]
    report.save(update_fields=["figures"])
    assert "claims" not in {t.key for t in exports.report_tables(report)}
    read = ApiClient(world.manager).get(f"/reports/{report.pk}").json()
    assert read["figures"]["claims"] is None
