"""The yearly defect feedback (缺陷反馈, SPEC §8): complaints graded 一级–三级 on construction
quality, design and service; a page, Excel and CSV, exports audited."""

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from propdesk.core.models import AuditAction, AuditLog
from propdesk.stats import figures
from propdesk.tickets.tests.helpers import register, walk
from propdesk.worktime.arithmetic import SHANGHAI

T0 = datetime(2026, 5, 6, 10, tzinfo=SHANGHAI)


def test_only_graded_quality_design_and_service_complaints_are_defects(world, client):
    leak = register(
        world, T0, category="DEV-A1", description="外墙渗水", grade_facts={"complainant_count": 3}
    )  # 三级
    design = register(
        world, T0, category="DEV-B2", description="户型采光差", grade_facts={"litigation": "risk"}
    )  # 三级
    rude = register(
        world,
        T0,
        category="SVC-ATTITUDE",
        description="保安态度恶劣",
        grade_facts={"claimed_amount": "200000"},
    )  # 二级
    register(world, T0, category="DEV-A1", description="墙面裂缝")  # 四级: not a defect
    register(
        world, T0, category="FAC-ELEV", description="电梯故障", grade_facts={"complainant_count": 3}
    )  # graded, but not a defect area
    found = list(figures.defect_feedback(frozenset({world.project.pk}), 2026))
    assert sorted(t.number for t in found) == sorted([leak.number, design.number, rude.number])
    assert figures.defect_feedback(frozenset({world.project.pk}), 2025).count() == 0
    assert figures.defect_counts(frozenset({world.project.pk}), 2026) == {
        "construction": 1,
        "design": 1,
        "service": 1,
    }

    client.force_login(world.manager)
    page = client.get("/reports/defects/", {"year": 2026}).content.decode()
    assert "外墙渗水" in page and "墙面裂缝" not in page
    assert "工程质量 1 · 设计规划 1 · 服务 1" in " ".join(page.split())
    book = load_workbook(
        io.BytesIO(client.get("/reports/defects/", {"year": 2026, "format": "xlsx"}).content)
    )
    assert book.sheetnames == ["汇总", "典型案例", "明细"]
    sheet = book["明细"]
    assert sheet.cell(1, 1).value == "编号" and sheet.max_row == 4
    text = client.get("/reports/defects/", {"year": 2026, "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert len(list(csv.reader(io.StringIO(text)))) == 4
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, user=world.manager).count() == 2
    client.force_login(world.outsider)
    assert "外墙渗水" not in client.get("/reports/defects/", {"year": 2026}).content.decode()


def test_a_defect_description_that_looks_like_a_formula_is_exported_as_the_words_typed(
    world, client
):
    register(
        world,
        T0,
        category="DEV-A1",
        description='=HYPERLINK("http://x")外墙渗水',
        grade_facts={"complainant_count": 3},
    )
    client.force_login(world.manager)
    book = load_workbook(
        io.BytesIO(client.get("/reports/defects/", {"year": 2026, "format": "xlsx"}).content)
    )
    cells = [
        c for name in ("典型案例", "明细") for row in book[name].iter_rows(min_row=2) for c in row
    ]
    typed = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert len(typed) == 2 and all(c.data_type == "s" for c in typed)  # an example, a row
    text = client.get("/reports/defects/", {"year": 2026, "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    row = next(r for r in csv.reader(io.StringIO(text)) if any("HYPERLINK" in v for v in r))
    assert any(v.startswith("'=HYPERLINK") for v in row)


def test_the_defects_are_grouped_for_the_developer_and_the_company_and_print_as_pdf(world, client):
    import subprocess
    import tempfile

    from propdesk.stats.tests.test_exports import pdf_tool

    register(world, T0, category="DEV-A1", description="外墙渗水严重",
             grade_facts={"complainant_count": 3})  # fmt: skip
    register(world, T0, category="SVC-ATTITUDE", description="保安态度恶劣",
             grade_facts={"claimed_amount": "200000"})  # fmt: skip
    client.force_login(world.manager)
    page = client.get("/reports/defects/", {"year": 2026}).content.decode()
    developer = page.split('data-audience="developer"')[1].split('data-audience="company"')[0]
    company = page.split('data-audience="company"')[1]
    assert "反馈开发商" in page and "外墙渗水严重" in developer and "保安态度恶劣" not in developer
    assert "保安态度恶劣" in company and "1 件,未办结 1 件" in " ".join(company.split())

    answer = client.get("/reports/defects/", {"year": 2026, "format": "pdf"})
    assert answer["Content-Type"] == "application/pdf" and answer.content.startswith(b"%PDF")
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, user=world.manager).count() == 1
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(answer.content)
        pdf.flush()
        text = subprocess.run(  # noqa: S603
            [pdf_tool("pdftotext"), pdf.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    flat = "".join(text.split())
    assert "年度缺陷反馈" in flat and "外墙渗水严重" in flat and "反馈开发商" in flat


def test_the_excel_holds_the_groups_of_the_page_with_counts_grades_and_examples(world, client):
    leak = register(world, T0, category="DEV-A1", description="外墙渗水严重",
                    grade_facts={"complainant_count": 3})  # fmt: skip  # 三级
    register(world, T0, category="DEV-A1", description="地下室渗水",
             grade_facts={"claimed_amount": "200000"})  # fmt: skip  # 二级
    rude = walk(world, T0, "closed", category="SVC-ATTITUDE", description="保安态度恶劣",
                grade_facts={"claimed_amount": "200000"})  # fmt: skip  # 二级, closed
    client.force_login(world.manager)
    answer = client.get("/reports/defects/", {"year": 2026, "format": "xlsx"})
    assert answer["Content-Disposition"].endswith('defects-2026.xlsx"')
    book = load_workbook(io.BytesIO(answer.content))
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert summary[0][0] == "华宇物业 2026 年度缺陷反馈"
    header = ["缺陷类别", "件数", "未办结", "一级", "二级", "三级"]
    assert summary[3][0] == "反馈开发商" and summary[4] == header
    assert summary[5] == ["工程质量", 2, 2, 0, 1, 1]
    assert summary[6] == ["设计规划", 0, 0, 0, 0, 0]
    assert summary[7] == ["小计", 2, 2, 0, 1, 1]
    assert summary[9][0] == "公司内部改进" and summary[10] == header
    assert summary[11] == ["服务", 1, 0, 0, 1, 0]  # closed: not open
    examples = [[c.value for c in row] for row in book["典型案例"].iter_rows()]
    assert examples[0][:3] == ["反馈对象", "缺陷类别", "编号"]
    found = {row[2]: row for row in examples[1:]}
    assert found[leak.number][:2] == ["反馈开发商", "工程质量"]
    assert found[leak.number][3:6] == ["2026-05-06", "华苑", "三级"]
    assert found[leak.number][7] == "外墙渗水严重"
    assert found[rude.number][:2] == ["公司内部改进", "服务"] and found[rude.number][9] == "已关闭"
    assert AuditLog.objects.filter(
        action=AuditAction.EXPORT, user=world.manager, object_type="defect_feedback"
    ).count() == 1  # fmt: skip
