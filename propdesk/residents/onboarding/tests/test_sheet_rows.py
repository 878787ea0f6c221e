"""The rows of a worksheet read straight from its XML (reading.sheet_rows) are the values
openpyxl's own read-only ``iter_rows(values_only=True)`` gives, for every kind of cell Excel and
WPS write: shared strings (with rich text and phonetic runs), inline strings, numbers, dates by
their style, booleans, errors, formulas with their cached value, cells and rows without a
reference, and rows left out."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import Workbook, load_workbook

from propdesk.residents.onboarding.reading import CompanyFile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""

ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PACKAGE_RELS}">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="{RELS}/officeDocument"/>
</Relationships>"""

WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELS}">
<sheets><sheet name="房屋" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""

WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PACKAGE_RELS}">
<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{RELS}/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml" Type="{RELS}/sharedStrings"/>
<Relationship Id="rId3" Target="styles.xml" Type="{RELS}/styles"/>
</Relationships>"""

# Style 1 is a date (built-in format 14), style 2 a time of day (a custom [h]:mm duration).
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

SHARED_STRINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{MAIN}" count="6" uniqueCount="6">
<si><t>项目编码</t></si>
<si><t>楼栋</t></si>
<si><r><rPr><b/></rPr><t>房</t></r><r><t xml:space="preserve">号 </t></r></si>
<si><t>张伟</t><rPh sb="0" eb="2"><t>ジャン</t></rPh></si>
<si><t/></si>
<si><t>单元</t></si>
</sst>"""

# Row 3 is left out (an empty row Excel does not write); row 5 has no reference, nor have some
# cells; row 7 is empty but written; the last row has a gap before its last cell.
SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">
<dimension ref="A1:C2"/>
<sheetData>
<row r="1" spans="1:4"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>
<c r="C1" t="s"><v>5</v></c><c r="D1" t="s"><v>2</v></c></row>
<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2"><v>1201</v></c><c r="C2"><v>89.5</v></c>
<c r="D2" s="1"><v>43952</v></c><c r="E2" s="2"><v>0.5</v></c><c r="F2" t="b"><v>1</v></c>
<c r="G2" t="e"><v>#N/A</v></c><c r="H2"><f>80+9.5</f><v>89.5</v></c>
<c r="I2" t="str"><f>A2&amp;"x"</f><v>张伟x</v></c><c r="J2"><f>1+1</f></c>
<c r="K2" t="s"><v>4</v></c><c r="L2" t="inlineStr"><is><t>内联</t></is></c>
<c r="M2" t="inlineStr"><is><r><t>富</t></r><r><rPr><i/></rPr><t>文本</t></r></is></c>
<c r="N2" t="d"><v>2020-05-01T00:00:00</v></c><c r="O2"><v>1.2E3</v></c></row>
<row r="4"><c r="B4"><v>7</v></c></row>
<row><c><v>1</v></c><c t="s"><v>1</v></c><c r="E5"><v>5</v></c><c><v>6</v></c></row>
<row r="7"/>
<row r="8"><c r="A8" t="inlineStr"><is><t>A</t></is></c><c r="AB8"><v>28</v></c></row>
</sheetData>
</worksheet>"""


def workbook_as_excel_writes_it() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        archive.writestr("xl/sharedStrings.xml", SHARED_STRINGS)
        archive.writestr("xl/worksheets/sheet1.xml", SHEET)
    return out.getvalue()


def workbook_as_openpyxl_writes_it() -> bytes:
    book = Workbook()
    page = book.active
    page.title = "房屋"
    page.append(["项目编码", "楼栋", "单元", " 房号 ", None, "备注"])
    page.append(["NSZA", 1, 1201.0, date(2020, 5, 1), True])
    page.append([])
    page.append([None, None, "=1+1", datetime(2020, 5, 1, 8, 30), False])  # noqa: DTZ001
    page["G6"] = "last"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def openpyxl_rows(data: bytes) -> list[tuple[int, tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    worksheet = book.worksheets[0]
    worksheet.reset_dimensions()
    rows = [(n, tuple(cells)) for n, cells in enumerate(worksheet.iter_rows(values_only=True), 1)]
    book.close()
    return rows


def our_rows(data: bytes) -> list[tuple[int, tuple[object, ...]]]:
    with CompanyFile(data, "a.xlsx") as file:
        (table,) = file.tables()
        return list(table._open())


def test_rows_of_a_workbook_as_excel_writes_it_are_openpyxls():
    data = workbook_as_excel_writes_it()

    rows = our_rows(data)

    assert rows == openpyxl_rows(data)
    assert rows[0][1] == ("项目编码", "楼栋", "单元", "房号 ")
    excel_date = datetime(2020, 5, 1)  # noqa: DTZ001 (a workbook's dates have no time zone)
    assert rows[1][1][:6] == ("张伟", 1201, 89.5, excel_date, rows[1][1][4], True)
    assert [n for n, _cells in rows] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert rows[2] == (3, ())
    assert rows[4][1] == (1, "楼栋", None, None, 5, 6)
    assert len(rows[7][1]) == 28


def test_rows_of_a_workbook_as_openpyxl_writes_it_are_openpyxls():
    data = workbook_as_openpyxl_writes_it()

    assert our_rows(data) == openpyxl_rows(data)


def test_a_wrong_dimension_cuts_no_row_off_and_only_estimates_the_rows():
    with CompanyFile(workbook_as_excel_writes_it(), "a.xlsx") as file:
        (table,) = file.tables()

        assert table.estimated_rows == 1  # <dimension ref="A1:C2"/>, under the header
        assert [number for number, _cells in table.rows()] == [2, 4, 5, 8]
