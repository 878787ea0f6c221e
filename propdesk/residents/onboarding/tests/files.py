"""Company files built in code, as people have them: a workbook with one sheet per kind, CSV
files in the encodings Excel writes in China."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from copy import deepcopy

from openpyxl import Workbook

#: A small group: two regions, three projects, departments at each level, staff with each kind
#: of scope, rooms with and without units, residents (one of them in two rooms).
COMPANY = {
    "地区与项目": [
        ["地区编码", "地区名称", "项目编码", "项目名称", "项目地址", "在管"],
        ["NSZ", "深圳地区公司", "NSZA", "南山花园", "深圳市南山区 1 号", "是"],
        ["NSZ", "深圳地区公司", "NSZB", "福田大厦", "", "是"],
        ["NGZ", "广州地区公司", "NGZA", "天河苑", "", "否"],
    ],
    "部门": [
        ["部门编码", "部门名称", "部门类型", "所属项目编码", "所属地区编码", "启用"],
        ["HQ-KF", "总部客服管理部", "客服", "", "", "是"],
        ["NSZ-PZ", "深圳品质部", "品质", "", "NSZ", "是"],
        ["NSZA-ENG", "工程部", "工程", "NSZA", "", "是"],
    ],
    "员工": [
        [
            "登录名",
            "姓名",
            "手机",
            "电子邮件",
            "角色",
            "部门编码",
            "数据范围",
            "范围项目编码",
            "范围地区编码",
            "在职",
        ],
        [
            "wang.kf",
            "王客服",
            "138 0013 8000",
            "",
            "客服专员",
            "",
            "指定项目",
            "NSZA、NSZB",
            "",
            "是",
        ],
        ["li.eng", "李工", "", "", "部门处理人", "NSZA-ENG", "指定项目", "NSZA", "", "是"],
        ["zhao.pz", "赵品质", "", "zhao@example.cn", "品质", "NSZ-PZ", "地区公司", "", "NSZ", "是"],
        ["chen.hq", "陈总", "", "", "总部客服", "HQ-KF", "全集团", "", "", "是"],
    ],
    "房屋": [
        [
            "项目编码",
            "楼栋",
            "楼栋名称",
            "单元",
            "单元名称",
            "房号",
            "楼层",
            "建筑面积(㎡)",
            "用途",
            "已入住",
        ],
        ["NSZA", "1", "", "1", "", "101", "1", "89.5", "住宅", "是"],
        ["NSZA", "1", "", "1", "", "102", "1", "", "", ""],
        ["NSZA", "2", "", "1", "", "1201", "12", "120", "住宅", "否"],
        ["NSZB", "A座", "", "", "", "S01", "", "45.25", "商铺", "是"],
    ],
    "住户": [
        [
            "姓名",
            "手机",
            "备用电话",
            "电子邮件",
            "项目编码",
            "楼栋",
            "单元",
            "房号",
            "与房屋关系",
            "入住日期",
            "重点客户",
            "首选联系方式",
            "方便联系时间",
            "备注",
        ],
        [
            "张伟",
            "13912345678",
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
        [
            "张伟",
            "13912345678",
            "",
            "",
            "NSZA",
            "2",
            "1",
            "1201",
            "业主",
            "",
            "是",
            "电话",
            "",
            "独居老人",
        ],
        [
            "刘芳",
            "13700001111",
            "075512345678",
            "",
            "NSZA",
            "1",
            "1",
            "101",
            "家庭成员",
            "",
            "否",
            "微信",
            "晚上",
            "",
        ],
        ["周杰", "13600002222", "", "", "NSZB", "A座", "", "S01", "租户", "", "", "", "", ""],
    ],
}


def company(**changes: dict[int, dict[str, object]] | None) -> dict[str, list[list[object]]]:
    """COMPANY with some cells changed: ``company(房屋={2: {"房号": "x"}})`` changes the 房号 of
    the sheet's second data row; a sheet given None is left out of the file."""
    sheets = deepcopy(COMPANY)
    for title, rows in changes.items():
        if rows is None:
            del sheets[title]
            continue
        header = sheets[title][0]
        for number, cells in rows.items():
            while len(sheets[title]) <= number:
                sheets[title].append([""] * len(header))
            for name, value in cells.items():
                sheets[title][number][header.index(name)] = value
    return sheets


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        page = book.create_sheet(title)
        for row in rows:
            page.append([None if value == "" else value for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(rows: list[list[object]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def csv_zip(sheets: dict[str, list[list[object]]], encoding: str = "utf-8-sig") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for title, rows in sheets.items():
            archive.writestr(f"{title}.csv", csv_file(rows, encoding))
    return out.getvalue()


def with_cached_values(workbook: bytes, values: dict[str, str]) -> bytes:
    """The workbook as Excel saves it: each formula cell (by reference, e.g. ``H3``) of the
    first sheet with the value Excel calculated (openpyxl writes formulas without one)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in values.items():
                    text = re.sub(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?',
                        rf"\1\2<v>{value}</v>",
                        text,
                    )
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()
