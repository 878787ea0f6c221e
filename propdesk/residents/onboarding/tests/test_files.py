"""Files as people really have them: CSV from Excel in China (GB18030, UTF-8 with a BOM), room
numbers that became numbers, phones however typed, a title above the header, formulas, empty
rows at the end; and the files refused with a message saying what to do."""

from __future__ import annotations

import gc
import io

import pytest
from openpyxl import Workbook

from propdesk.org.models import Company
from propdesk.residents.models import Resident, Room
from propdesk.residents.onboarding import services as onboarding

from .files import COMPANY, company, csv_file, csv_zip, with_cached_values, xlsx


@pytest.fixture
def fresh(db) -> Company:
    return Company.objects.create(code="NEW", name="新物业")


@pytest.fixture
def places(fresh) -> Company:
    onboarding.apply(fresh, xlsx(company(员工=None, 房屋=None, 住户=None)))
    return fresh


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-8", "utf-16"])
def test_a_csv_in_the_encodings_excel_writes_imports(places, encoding):
    plan = onboarding.apply(places, csv_file(COMPANY["房屋"], encoding), name="房屋.csv")

    assert plan.ok, plan.problems
    assert plan.sheet("rooms").counts["房屋"].created == 4
    assert Room.objects.get(number="S01").building.name == "A座"


def test_a_zip_of_csv_files_imports_every_sheet(fresh):
    plan = onboarding.apply(fresh, csv_zip(COMPANY, "gb18030"), name="company.zip")

    assert plan.ok
    assert plan.changes == 2 + 3 + 3 + 4 + 3 + 3 + 4 + 3 + 4


def test_a_csv_named_otherwise_is_known_by_its_header(places):
    plan = onboarding.dry_run(places, csv_file(COMPANY["房屋"]), name="导出数据(1).csv")

    assert plan.ok
    assert plan.sheet("rooms").name == "导出数据(1)"
    assert plan.sheet("rooms").counts["房屋"].created == 4


def test_room_numbers_that_became_numbers_are_read_as_typed(places):
    rows = [
        COMPANY["房屋"][0],
        ["NSZA", 1.0, "", 1, "", 1201.0],
        ["NSZA", "2", "", "1", "", "1202.0"],
    ]

    onboarding.apply(places, csv_file(rows[:1] + rows[2:]), name="房屋.csv")
    onboarding.apply(places, xlsx({"房屋": rows[:2]}))

    assert sorted(Room.objects.values_list("building__code", "unit__code", "number")) == [
        ("1", "1", "1201"),
        ("2", "1", "1202"),
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "+86 139 1234 5678",
        "139-1234-5678",
        "(+86)13912345678",
        "１３９１２３４５６７８",
        13912345678,
    ],
)
def test_a_phone_however_typed_finds_the_same_resident(places, typed):
    onboarding.apply(places, xlsx(company(员工=None)))
    rows = [
        COMPANY["住户"][0],
        [
            "张伟",
            typed,
            "",
            "",
            "NSZA",
            "1",
            "1",
            "101",
            "业主",
            "2020-05-01",
            "是",
            "电话",
            "",
            "独居老人",
        ],
    ]

    plan = onboarding.dry_run(places, xlsx({"住户": rows}))

    assert plan.ok, plan.problems
    assert plan.sheet("residents").counts["住户"].unchanged == 1
    assert Resident.objects.filter(phone="13912345678").count() == 1


def test_a_title_row_and_a_merged_header_are_passed_over(places):
    book = Workbook()
    page = book.active
    page.title = "房屋"
    page["A1"] = "新物业 房屋清单(2026 年 9 月)"
    page.merge_cells("A1:J1")
    header = COMPANY["房屋"][0]
    page.append(header)  # row 2, then a header cell merged over two rows
    page["H2"] = "建筑\n面积(㎡)"
    page.merge_cells("H2:H3")
    page.append(["", "", "", "", "", "", "", None, "", ""])
    for row in COMPANY["房屋"][1:]:
        page.append(row)
    page.append(["NSZA", "1", "", "1", "", "103", "1", "abc", "", ""])
    out = io.BytesIO()
    book.save(out)

    plan = onboarding.dry_run(places, out.getvalue())

    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (8, "建筑\n面积(㎡)", "须为数字")
    ]
    assert plan.sheet("rooms").counts["房屋"].created == 4


def test_a_formula_is_read_as_the_value_excel_calculated(places):
    rows = [COMPANY["房屋"][0], ["NSZA", "1", "", "1", "", "101", "1", "=80+9.5", "住宅", "是"]]
    workbook = with_cached_values(xlsx({"房屋": rows}), {"H2": "89.5"})

    onboarding.apply(places, workbook)

    assert str(Room.objects.get(number="101").area) == "89.50"


def test_empty_rows_at_the_end_are_not_rows(places):
    rows = COMPANY["房屋"] + [[""] * 10] * 50 + [[None, " ", None]]

    plan = onboarding.dry_run(places, xlsx({"房屋": rows}))

    assert plan.ok
    assert plan.sheet("rooms").rows == 4


def test_an_old_xls_workbook_is_refused_with_what_to_do(fresh):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Workbook".encode("utf-16-le")

    with pytest.raises(
        onboarding.FileRefused, match=r"旧版 Excel 文件\(\.xls\);请在 Excel 中另存为 \.xlsx"
    ):
        onboarding.dry_run(fresh, ole, name="company.xls")


def test_a_workbook_with_a_password_is_refused(fresh):
    # An encrypted .xlsx is an OLE compound file holding an EncryptedPackage stream.
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    )

    with pytest.raises(onboarding.FileRefused, match="工作簿设有密码"):
        onboarding.dry_run(fresh, ole, name="company.xlsx")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(fresh, settings):
    settings.IMPORT_MAX_BYTES = 1024

    with pytest.raises(onboarding.FileRefused, match=r"文件太大.*最大 0.0 MB"):
        onboarding.dry_run(fresh, xlsx(company()))


def test_a_sheet_without_a_known_header_is_refused(fresh):
    workbook = xlsx({"房屋": [["楼号", "房间"], ["1", "101"]]})

    with pytest.raises(
        onboarding.FileRefused, match="工作表“房屋”中找不到表头;表头须含:项目编码、楼栋、单元、房号"
    ):
        onboarding.dry_run(fresh, workbook)


def test_a_sheet_of_unknown_name_and_header_is_refused_but_an_empty_one_is_passed_over(fresh):
    with pytest.raises(onboarding.FileRefused, match="工作表“说明”不是已知的表"):
        onboarding.dry_run(fresh, xlsx({"说明": [["请按模板填写"]]}))

    plan = onboarding.dry_run(fresh, xlsx({"Sheet1": [], **company()}))
    assert plan.ok


def test_a_damaged_or_unknown_file_is_refused(fresh):
    with pytest.raises(onboarding.FileRefused, match="文件已损坏"):
        onboarding.dry_run(fresh, b"PK\x03\x04 not really a zip")
    with pytest.raises(onboarding.FileRefused, match="文件是空的"):
        onboarding.dry_run(fresh, b"", name="房屋.csv")
    with pytest.raises(onboarding.FileRefused, match="不支持的文件格式"):
        onboarding.dry_run(fresh, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.png")
    # Named a workbook but not one (cut short, or a text file renamed): damaged, not "no sheet".
    with pytest.raises(onboarding.FileRefused, match="文件已损坏"):
        onboarding.dry_run(fresh, b"not a workbook at all", name="公司数据.xlsx")


def test_two_sheets_of_the_same_kind_are_refused(fresh):
    with pytest.raises(onboarding.FileRefused, match="都是房屋表"):
        onboarding.dry_run(fresh, xlsx({"房屋": COMPANY["房屋"], "Sheet2": COMPANY["房屋"]}))


def test_an_upload_is_read_from_its_file_object(places, tmp_path):
    path = tmp_path / "房屋.csv"
    path.write_bytes(csv_file(COMPANY["房屋"], "gb18030"))

    with path.open("rb") as upload:
        plan = onboarding.dry_run(places, upload)
    from_path = onboarding.dry_run(places, path)

    assert (
        plan.sheet("rooms").counts["房屋"].created
        == from_path.sheet("rooms").counts["房屋"].created
        == 4
    )


def test_the_cycle_collector_runs_again_after_an_import_even_a_refused_one(places):
    # The pass pauses it (engine._without_cycle_collection); nothing else may be left without.
    wrong = xlsx(company(员工=None, 房屋={1: {"建筑面积(㎡)": "abc"}}, 住户=None))

    onboarding.dry_run(places, wrong)
    assert gc.isenabled()
    with pytest.raises(onboarding.ImportHasProblems):
        onboarding.apply(places, wrong)
    assert gc.isenabled()
