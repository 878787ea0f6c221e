"""``propdesk import company``, ``propdesk import template`` and ``propdesk export company``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from propdesk.org.models import Company, Project, User
from propdesk.residents.models import Room

from .files import company, xlsx


@pytest.fixture
def fresh(db) -> Company:
    return Company.objects.create(code="NEW", name="新物业")


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_report_and_writes_nothing(fresh, tmp_path):
    path = tmp_path / "company.xlsx"
    path.write_bytes(xlsx(company()))

    printed = run("import", "company", str(path), "--company", "NEW", "--dry-run")

    assert "【房屋】4 行" in printed
    assert "房屋:新建 4,更新 0,不变 0" in printed
    assert "dry run: nothing was written" in printed
    assert not Project.objects.exists()


def test_the_command_imports_then_finds_nothing_to_change(fresh, tmp_path):
    path = tmp_path / "company.xlsx"
    path.write_bytes(xlsx(company()))

    assert "imported into NEW" in run("import", "company", str(path), "--company", "NEW")
    again = run("import", "company", str(path), "--company", "NEW")

    assert Room.objects.count() == 4
    assert "房屋:新建 0,更新 0,不变 4" in again
    assert not User.objects.get(username="wang.kf").has_usable_password()


def test_problems_are_printed_and_the_command_fails(fresh, tmp_path):
    path = tmp_path / "company.xlsx"
    path.write_bytes(xlsx(company(房屋={2: {"项目编码": "NOPE"}})))
    rejected = tmp_path / "rejected.xlsx"
    out = StringIO()

    with pytest.raises(CommandError, match=r"1 problem\(s\): nothing was imported"):
        call_command(
            "import", "company", str(path), "--company", "NEW", "--rejected", str(rejected),
            stdout=out,
        )  # fmt: skip

    assert "✗ 第 3 行“项目编码” “NOPE” 项目编码不存在" in out.getvalue()
    assert load_workbook(rejected).sheetnames == ["房屋"]
    assert not Project.objects.exists()


def test_a_refused_file_or_an_unknown_company_is_a_message_not_a_traceback(fresh, tmp_path):
    path = tmp_path / "company.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)

    with pytest.raises(CommandError, match=r"请在 Excel 中另存为 \.xlsx"):
        run("import", "company", str(path), "--company", "NEW")
    with pytest.raises(CommandError, match="no company with the code 'NOPE'"):
        run("import", "company", str(path), "--company", "NOPE")


def test_the_template_and_the_export_are_written_where_asked(world, tmp_path):
    run("import", "template", str(tmp_path / "template.xlsx"))
    run("export", "company", "--company", "HY", str(tmp_path / "hy.xlsx"))
    run("export", "company", "--company", "HY", str(tmp_path / "hy.zip"))

    assert load_workbook(tmp_path / "template.xlsx").sheetnames[0] == "地区与项目"
    assert load_workbook(tmp_path / "hy.xlsx").sheetnames[-1] == "住户"
    assert (tmp_path / "hy.zip").read_bytes().startswith(b"PK")
    printed = run("import", "company", str(tmp_path / "hy.zip"), "--company", "HY", "--dry-run")
    assert "新建 1" not in printed and "更新 1" not in printed
