"""The monthly report as tables (SPEC §9, issue 7 §3): built once from a set of figures
(``reports.snapshot``, or the figures frozen in a report) and then shown three ways — the
report page and the statistics page, the workbook (``exports_xlsx``, one sheet per table) and
the PDF (``exports_pdf``) — so the three always agree.

Cells keep their types: counts are ``int``, rates are ``Decimal`` percentages, a ticket's times
are ``datetime``; only the writers format them. Every figure a table shows comes from
``figures`` (the changes against last month and last year, the total timeliness); the tables
only lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from propdesk.sla.choices import ClockKind
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.models import Category

from . import charts
from .figures import PARETO_LINE, TIMELINESS_CLOCKS, Rate, change, timeliness_overall
from .models import MonthlyReport

Cell = int | float | Decimal | str | datetime | None


@dataclass(frozen=True)
class Table:
    """One table of the report: a sheet of the workbook, a section of the page and PDF."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    percent_columns: frozenset[int] = field(default_factory=frozenset)
    #: Columns of yuan (``Decimal`` to the fen): the workbook shows them with two decimals.
    money_columns: frozenset[int] = field(default_factory=frozenset)
    widths: dict[int, int] = field(default_factory=dict)

    @staticmethod
    def _marked(row: list[Cell]) -> list[tuple[Cell, bool]]:
        # A missing rate ("—") sits where its number would, on the right.
        return [(v, v is None or isinstance(v, int | float | Decimal)) for v in row]

    @property
    def shown_headers(self) -> list[tuple[str, bool]]:
        """Headers with whether their column holds numbers, to align them alike."""
        rows = [*self.rows, *([self.total] if self.total else [])]

        def numeric(column: int) -> bool:
            values = [row[column] for row in rows if row[column] != ""]
            return column > 0 and all(
                v is None or isinstance(v, int | float | Decimal) for v in values
            )

        return [(header, numeric(i)) for i, header in enumerate(self.headers)]

    @property
    def shown_rows(self) -> list[list[tuple[Cell, bool]]]:
        """Rows for a template: each cell with whether it is a number (aligned right)."""
        return [self._marked(row) for row in self.rows]

    @property
    def shown_total(self) -> list[tuple[Cell, bool]] | None:
        return self._marked(self.total) if self.total is not None and self.rows else None


def report_title(report: MonthlyReport) -> str:
    return _("%(scope)s %(year)s年%(month)s月 客服工作月报") % {
        "scope": report.scope_name,
        "year": report.year,
        "month": report.month,
    }


def _percent(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _counts_table(f: dict) -> Table:
    labels = {
        "received": _("受理量"),
        "closed": _("办结量"),
        "open_at_end": _("期末未结"),
        "reopened": _("重开"),
        "repeat_complaints": _("重复投诉"),
    }
    rows: list[list[Cell]] = []
    for key, label in labels.items():
        now, last, ago = f["counts"][key], f["last_month"][key], f["same_month_last_year"][key]
        rows.append([label, now, last, change(now, last), ago, change(now, ago)])
    return Table(
        "counts",
        _("概要"),
        [_("指标"), _("本月"), _("上月"), _("环比(%)"), _("去年同月"), _("同比(%)")],
        rows,
        percent_columns=frozenset({3, 5}),
        widths={0: 14},
    )


def _rate_row(label: str, rate: dict, target: Decimal | None = None) -> list[Cell]:
    return [label, rate["part"], rate["whole"], _percent(rate["percent"]), target]


def _timeliness_table(f: dict) -> Table:
    kinds = [kind for kind in TIMELINESS_CLOCKS if kind in f["timeliness"]]
    rows = [_rate_row(str(ClockKind(kind).label), f["timeliness"][kind]) for kind in kinds]
    total = timeliness_overall(
        Rate(f["timeliness"][kind]["part"], f["timeliness"][kind]["whole"]) for kind in kinds
    )
    return Table(
        "timeliness",
        _("及时率"),
        [_("时限"), _("按时"), _("到期"), _("及时率(%)")],
        [r[:4] for r in rows],
        total=[_("合计"), total.part, total.whole, total.percent],
        percent_columns=frozenset({3}),
        widths={0: 14},
    )


def _complaint_timeliness_table(f: dict) -> Table:
    """Seed 003's headline, labelled as what it is: complaints handled on time by their work
    orders, out of the period's complaints (not a clock's rate)."""
    rate = f["complaint_timeliness"]
    return Table(
        "complaint_timeliness",
        _("投诉处理及时率"),
        [_("指标"), _("及时处理件数"), _("投诉总件数"), _("及时率(%)")],
        [[_("投诉处理及时率(以派工单计)"), rate["part"], rate["whole"], _percent(rate["percent"])]],
        percent_columns=frozenset({3}),
        widths={0: 26},
    )


def _follow_up_table(f: dict) -> Table:
    missed = f["follow_up_breaches"]
    return Table(
        "follow_up",
        _("跟进"),
        [_("指标"), _("本月")],
        [
            [_("跟进超时(次)"), missed["breaches"]],
            [_("跟进超时的投诉(件)"), missed["complaints"]],
        ],
        widths={0: 22},
    )


def _rates_table(f: dict) -> Table:
    return Table(
        "rates",
        _("回访与满意度"),
        [_("指标"), _("分子"), _("分母"), _("比率(%)"), _("目标(%)")],
        [
            _rate_row(_("回访率"), f["callback_rate"]),
            _rate_row(
                _("入户维修回访率"),
                f["repair_callback_rate"],
                Decimal(f["repair_callback_target_percent"]),
            ),
            _rate_row(_("例行回访覆盖率"), f["routine_coverage"], Decimal(100)),
            _rate_row(_("回访满意率"), f["callback_satisfaction"]),
            _rate_row(_("调查满意率"), f["survey_satisfaction"]),
        ],
        percent_columns=frozenset({3, 4}),
        widths={0: 18},
    )


def _handling_table(f: dict) -> Table:
    took = f["handling_time"]
    return Table(
        "handling",
        _("处理时长"),
        [_("已解决"), _("平均处理时长(小时)"), _("90%处理时长(小时)")],
        [[took["resolved"], took["average_hours"], took["p90_hours"]]],
        widths={1: 20, 2: 20},
    )


def _pareto_table(f: dict) -> Table:
    rows: list[list[Cell]] = []
    running = 0
    for i, r in enumerate(f["pareto"], start=1):
        running += r["count"]
        share = Decimal(r["cumulative_percent"])
        rows.append([i, r["name"], r["count"], running, share, _("是") if r["vital"] else ""])
    return Table(
        "pareto",
        _("分类排列图"),
        [_("序号"), _("分类"), _("投诉量"), _("累计"), _("累计占比(%)"), _("关键少数")],
        rows,
        total=[_("合计"), "", running, None, None, ""],
        percent_columns=frozenset({4}),
        widths={1: 18},
    )


def _breakdown_table(key: str, title: str, first: str, rows: list[dict], names: dict) -> Table:
    out: list[list[Cell]] = []
    for r in rows:
        name = str(names.get(r["key"], r["key"]) or _("(未填)"))
        out.append([name, r["received"], r["closed"], r["reopened"]])
    return Table(
        key,
        title,
        [first, _("受理"), _("办结"), _("重开")],
        out,
        total=[_("合计"), *(sum(r[i] for r in out) for i in (1, 2, 3))],
        widths={0: 18},
    )


#: The claims table's columns after the project: the figure's key in ``figures_claims``.
CLAIM_COLUMNS = [
    ("opened", gettext_lazy("新立案(件)")),
    ("approved", gettext_lazy("批准(件)")),
    ("approved_amount", gettext_lazy("批准金额(元)")),
    ("paid", gettext_lazy("付款(件)")),
    ("paid_amount", gettext_lazy("付款金额(元)")),
    ("charged_back_amount", gettext_lazy("发起追偿(元)")),
    ("recovered_amount", gettext_lazy("已追回(元)")),
    ("pending_amount", gettext_lazy("待追回(元)")),
]


def _claims_table(f: dict) -> Table:
    """Compensation claims per project (SPEC §8): each counted in the month it happened."""
    claims = f["claims"]

    def cells(row: dict) -> list[Cell]:
        return [
            Decimal(row[key]) if key.endswith("_amount") else row[key]
            for key, _label in CLAIM_COLUMNS
        ]

    return Table(
        "claims",
        _("赔偿与追偿"),
        [_("项目"), *(str(label) for _key, label in CLAIM_COLUMNS)],
        [[row["project_name"], *cells(row)] for row in claims["projects"]],
        total=[_("合计"), *cells(claims["total"])],
        money_columns=frozenset(
            i for i, (key, _label) in enumerate(CLAIM_COLUMNS, start=1) if key.endswith("_amount")
        ),
        widths={0: 16},
    )


#: The columns of the major complaints, as ``reports.major_complaints`` stores them.
MAJOR_COLUMNS = [
    ("number", gettext_lazy("编号")),
    ("project", gettext_lazy("项目")),
    ("category", gettext_lazy("分类")),
    ("grade", gettext_lazy("等级")),
    ("class", gettext_lazy("重要程度")),
    ("received_at", gettext_lazy("接报时间")),
    ("description", gettext_lazy("诉求内容")),
    ("resolution", gettext_lazy("处理结果")),
    ("status", gettext_lazy("状态")),
]


def _major_table(report: MonthlyReport) -> Table:
    return Table(
        "major",
        _("重大及热点投诉"),
        [str(header) for _key, header in MAJOR_COLUMNS],
        [[c.get(key, "") for key, _header in MAJOR_COLUMNS] for c in report.major_complaints],
        widths={0: 22, 2: 18, 5: 17, 6: 40, 7: 40},
    )


def figure_tables(f: dict) -> list[Table]:
    """The tables of a set of figures (``reports.snapshot``), headers in the active language:
    what the report and the statistics page show."""
    groups = {c.code: c.display_name for c in Category.objects.filter(parent__isnull=True)}
    # Reports frozen before a figure existed are shown without its table, not with zeros.
    later = [
        build(f)
        for key, build in (
            ("complaint_timeliness", _complaint_timeliness_table),
            ("follow_up_breaches", _follow_up_table),
        )
        if key in f
    ]
    return [
        _counts_table(f),
        _timeliness_table(f),
        *later,
        _rates_table(f),
        _handling_table(f),
        _pareto_table(f),
        _breakdown_table("by_kind", _("按类型"), _("类型"), f["by_kind"], dict(Kind.choices)),
        _breakdown_table(
            "by_channel", _("按渠道"), _("渠道"), f["by_channel"], dict(Channel.choices)
        ),
        _breakdown_table("by_category", _("按分类"), _("分类"), f["by_category_group"], groups),
        *([_claims_table(f)] if "claims" in f else []),
    ]


def report_tables(report: MonthlyReport) -> list[Table]:
    """Every table of the report, from the figures frozen in it, and its major complaints."""
    return [*figure_tables(report.figures), _major_table(report)]


def report_charts(f: dict) -> dict[str, str]:
    """The two charts of the report as inline SVG: received by kind, and the Pareto."""
    kinds = dict(Kind.choices)
    pareto = f["pareto"]
    return {
        "by_kind": charts.bar_chart(
            [str(kinds.get(r["key"], r["key"])) for r in f["by_kind"]],
            [r["received"] for r in f["by_kind"]],
            title=_("按类型受理量"),
        ),
        "pareto": charts.pareto_chart(
            [r["name"] for r in pareto],
            [r["count"] for r in pareto],
            [Decimal(r["cumulative_percent"]) for r in pareto],
            [r["vital"] for r in pareto],
            title=_("投诉分类排列图"),
            line=PARETO_LINE,
        ),
    }
