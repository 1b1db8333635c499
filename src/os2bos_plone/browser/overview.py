"""The manager overview (ledelsesinformation): @@bos-overview and @@bos-overview-export.

The figures come from ``os2bos_plone.management`` (catalog metadata, no activity is woken);
this module turns them into tables (one shape for the page, the XLSX and the CSV), key figures
and charts. Every text is an English msgid of the os2bos_plone domain, translated to Danish.
"""

import csv
import io
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal
from html import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from plone import api
from Products.Five.browser import BrowserView
from zExceptions import BadRequest
from zope.i18n import translate

from os2bos_plone import _
from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.browser import charts
from os2bos_plone.browser.base import BosView
from os2bos_plone.browser.base import requested_year
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.content.budget import budget_years
from os2bos_plone.engine import clock
from os2bos_plone.engine.cells import csv_text
from os2bos_plone.engine.cells import xlsx_text
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.formatting import month_name
from os2bos_plone.engine.formatting import section_label
from os2bos_plone.engine.money import format_money
from os2bos_plone.engine.money import format_number
from os2bos_plone.engine.money import round_ore
from os2bos_plone.management.budget import budget_for
from os2bos_plone.management.budget import budget_lines
from os2bos_plone.management.budget import budget_status
from os2bos_plone.management.budget import deviation
from os2bos_plone.management.budget import headline_status
from os2bos_plone.management.effect import as_step
from os2bos_plone.management.effect import step_movements
from os2bos_plone.management.effect import steps_now
from os2bos_plone.management.figures import classification_titles
from os2bos_plone.management.figures import collect
from os2bos_plone.management.figures import list_titles
from os2bos_plone.management.order import section_sort_key

ZERO = Decimal("0")
HUNDRED = Decimal("100")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: (name, msgid of the table title, msgid of the first column) of the cost tables.
DIMENSION_TABLES = (
    ("section", _("Cost by law section"), _("Law section")),
    ("team", _("Cost by team"), _("Team")),
    ("service", _("Cost by service"), _("Service")),
    ("case_worker", _("Cost by case worker"), _("Case worker")),
    ("service_provider", _("Cost by service provider"), _("Service provider")),
    ("target_group", _("Cost by target group"), _("Target group")),
    ("effort_step", _("Cost by effort step"), _("Effort step")),
)
#: Tables with a bar chart of granted and expected cost.
CHARTED = ("section", "team")

STATUS_TITLES = {
    "over": _("Overrun"),
    "near": _("Close to budget"),
    "under": _("Within budget"),
    "none": _("No budget line"),
}
STATUS_SYMBOLS = {"over": "▲", "near": "●", "under": "✓", "none": "–"}
PERIOD_TITLES = {
    "passed": _("Passed"),
    "current": _("Current month"),
    "coming": _("To come"),
}


# -- table shape ----------------------------------------------------------------------------


@dataclass
class Column:
    key: str
    title: str
    kind: str = "money"  # text, money, pct, int, status, period


@dataclass
class Table:
    name: str
    title: str
    columns: list
    rows: list
    total: dict = None
    intro: str = ""
    chart: str = ""
    empty: str = ""
    #: The statuses of the budget lines (the budget table only): the headline's rule reads them.
    line_statuses: list = field(default_factory=list)

    def column_keys(self):
        return [column.key for column in self.columns]


def pct(part, whole):
    if not whole:
        return None
    return part * HUNDRED / whole


# -- the report: tables, key figures and charts ----------------------------------------------


@dataclass
class Report:
    year: int
    today: date
    tables: list = field(default_factory=list)
    key_figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    budget: object = None

    def table(self, name):
        return next((table for table in self.tables if table.name == name), None)


class ReportBuilder:
    """Builds a :class:`Report` for a year; ``t`` translates msgids for ``request``."""

    def __init__(self, year, request, today=None, with_charts=True):
        self.year = year
        self.request = request
        self.today = today or clock.today()
        self.with_charts = with_charts
        self.overview = collect(year, self.today)
        self.sections = classification_titles("bos_section")
        self.services = classification_titles("bos_service")
        self.providers = classification_titles("bos_service_provider")

    def t(self, msgid, **mapping):
        """``msgid`` (a Message of ``_``) in the request's language, with ``${name}``s filled."""
        if mapping:
            msgid = _(msgid, mapping=mapping)
        return translate(msgid, context=self.request)

    # titles, never UIDs --------------------------------------------------------------------

    def title_of(self, dimension, key):
        if key is None:
            return self.t(_("(none)"))
        if dimension == "section":
            found = self.sections.get(key)
            return section_title(*found) if found else self.t(_("(unknown)"))
        if dimension == "service":
            found = self.services.get(key)
            return f"{found[1]} ({found[0]})" if found else self.t(_("(unknown)"))
        if dimension == "service_provider":
            found = self.providers.get(key)
            return found[1] if found else self.t(_("(unknown)"))
        if dimension == "case_worker":
            return user_name(key)
        lists = {"team": "teams", "target_group": "target_groups", "effort_step": "effort_steps"}
        titles = self._list_titles(lists[dimension])
        value = titles.get(key)
        if value is None and dimension == "effort_step":
            value = titles.get(as_step(key))
        return value or str(key)

    def _list_titles(self, name):
        cache = self.__dict__.setdefault("_lists", {})
        if name not in cache:
            cache[name] = list_titles(name)
        return cache[name]

    # report ----------------------------------------------------------------------------------

    def build(self):
        report = Report(year=self.year, today=self.today)
        report.budget = budget_for(self.year)
        budget_table = self.budget_table(report.budget)
        months = self.months_table(report.budget)
        report.tables = [budget_table, months]
        for name, title, first in DIMENSION_TABLES:
            report.tables.append(self.dimension_table(name, title, first))
        report.tables.append(self.effect_table(report))
        report.key_figures = self.key_figures(report.budget, budget_table)
        if self.overview.monthly_source in ("payments", "mixed"):
            report.notes.append(
                self.t(
                    _(
                        "The monthly figures were computed from the stored payments, because "
                        "the catalog does not hold monthly totals for every activity yet."
                    )
                )
            )
        return report

    def money_columns(self):
        year, previous = self.year, self.year - 1
        return [
            Column("granted", self.t(_("Granted ${year}"), year=year)),
            Column("expected", self.t(_("Expected ${year}"), year=year)),
            Column("granted_prev", self.t(_("Granted ${year}"), year=previous)),
            Column("expected_prev", self.t(_("Expected ${year}"), year=previous)),
            Column("change", self.t(_("Change in expected"))),
            Column("change_pct", self.t(_("Change in %")), "pct"),
        ]

    def figures_row(self, title, figures):
        granted, expected, granted_prev, expected_prev, cases = figures
        return {
            "title": title,
            "cases": cases,
            "granted": granted,
            "expected": expected,
            "granted_prev": granted_prev,
            "expected_prev": expected_prev,
            "change": expected - expected_prev,
            "change_pct": pct(expected - expected_prev, expected_prev),
        }

    def dimension_table(self, name, title, first):
        rows = []
        for key, figures in self.overview.dimensions[name].items():
            row = self.figures_row(self.title_of(name, key), figures)
            row["_sort"] = self._sort_key(name, key, row)
            rows.append(row)
        rows.sort(key=lambda row: row.pop("_sort"))
        table = Table(
            name=name,
            title=self.t(title),
            columns=[
                Column("title", self.t(first), "text"),
                Column("cases", self.t(_("Cases")), "int"),
                *self.money_columns(),
            ],
            rows=rows,
            total=self.figures_row(self.t(_("Total")), self.overview.totals),
            empty=self.t(_("No costs in this year or the year before.")),
        )
        if self.with_charts and name in CHARTED and rows:
            shown = rows[:15]
            table.chart = charts.bar_chart(
                f"bos-chart-{name}",
                table.title,
                self.t(
                    _(
                        "Granted and expected cost in ${year}, largest first (at most 15 rows; "
                        "all figures are in the table)."
                    ),
                    year=self.year,
                ),
                [row["title"] for row in shown],
                [
                    (
                        self.t(_("Expected ${year}"), year=self.year),
                        "expected",
                        _col(shown, "expected"),
                    ),
                    (
                        self.t(_("Granted ${year}"), year=self.year),
                        "granted",
                        _col(shown, "granted"),
                    ),
                ],
            )
        return table

    def _sort_key(self, name, key, row):
        if name == "section":
            found = self.sections.get(key)
            # Numerically by law section (§ 30 before § 114), unknown sections last.
            return (key is None, found is None, section_sort_key(found[0] if found else None))
        if name == "effort_step":
            step = as_step(key)
            return (step is None, step or 0, row["title"])
        return (key is None, -row["expected"], row["title"].lower())

    # budget ----------------------------------------------------------------------------------

    def budget_table(self, budget):
        section_keys = {uid: key for uid, (key, _title) in self.sections.items()}
        lines, unbudgeted = budget_lines(budget, self.overview, section_keys)
        rows = []
        # Section lines in law order (§ 30 before § 114), then the account lines.
        ordered = sorted(
            lines,
            key=lambda line: (
                line["account"] is not None,
                section_sort_key(line["section"]),
                line["account"] or "",
            ),
        )
        for line in ordered:
            if line["account"]:
                title = self.t(_("Account ${account}"), account=line["account"])
            else:
                title = next(
                    (
                        section_title(k, t)
                        for k, t in self.sections.values()
                        if k == line["section"]
                    ),
                    line["section"],
                )
            rows.append(self.budget_row(title, line["note"], line["budget"], line))
        if unbudgeted[0] or unbudgeted[1]:
            rows.append(
                self.budget_row(
                    self.t(_("Not budgeted")),
                    self.t(_("Expected cost no budget line covers")),
                    None,
                    {"granted": unbudgeted[0], "expected": unbudgeted[1]},
                )
            )
        total_budget = sum((line["budget"] for line in lines), ZERO) if budget else None
        total = self.budget_row(
            self.t(_("Total")),
            "",
            total_budget,
            {"granted": self.overview.totals[0], "expected": self.overview.totals[1]},
        )
        if budget is None:
            intro = self.t(
                _("There is no budget for ${year}. Management adds it under Budget."),
                year=self.year,
            )
        else:
            intro = self.t(
                _(
                    "The forecast is the expected cost of the whole year: the planned payments of "
                    "every granted and expected activity, so an overrun shows as soon as it is "
                    "decided, also early in the year."
                )
            )
        table = Table(
            name="budget",
            title=self.t(_("Budget and forecast ${year}"), year=self.year),
            columns=[
                Column("title", self.t(_("Budget line")), "text"),
                Column("note", self.t(_("Note")), "text"),
                Column("budget", self.t(_("Budget"))),
                Column("granted", self.t(_("Granted ${year}"), year=self.year)),
                Column("expected", self.t(_("Forecast (expected)"))),
                Column("deviation", self.t(_("Over-/underrun"))),
                Column("deviation_pct", self.t(_("Over-/underrun in %")), "pct"),
                Column("usage_pct", self.t(_("Forecast in % of budget")), "pct"),
                Column("status", self.t(_("Status")), "status"),
            ],
            rows=rows,
            total=total,
            intro=intro,
            empty=self.t(_("The budget has no lines.")),
        )
        table.line_statuses = [row["status"] for row in rows if row["budget"] is not None]
        if self.with_charts and budget is not None and lines:
            charted = [row for row in rows if row["budget"] is not None]
            table.chart = charts.bar_chart(
                "bos-chart-budget",
                self.t(_("Budget against forecast per budget line ${year}"), year=self.year),
                self.t(
                    _(
                        "The budget and the forecast (expected cost) of each budget line; all "
                        "figures are in the table."
                    )
                ),
                [row["title"] for row in charted],
                [
                    (self.t(_("Budget")), "budget", _col(charted, "budget")),
                    (self.t(_("Forecast (expected)")), "expected", _col(charted, "expected")),
                ],
            )
        return table

    def budget_row(self, title, note, budget, figures):
        expected = figures["expected"]
        difference, difference_pct, usage = deviation(budget, expected)
        return {
            "title": title,
            "note": note,
            "budget": budget,
            "granted": figures["granted"],
            "expected": expected,
            "deviation": difference,
            "deviation_pct": difference_pct,
            "usage_pct": usage,
            "status": budget_status(budget, expected),
        }

    # months ----------------------------------------------------------------------------------

    def month_period(self, month):
        today = self.today
        if (self.year, month) < (today.year, today.month):
            return "passed"
        if (self.year, month) == (today.year, today.month):
            return "current"
        return "coming"

    def months_table(self, budget):
        monthly = self.overview.monthly
        yearly_budget = budget.total() if budget is not None else None
        per_month = yearly_budget / 12 if yearly_budget is not None else None
        rows = []
        cumulative = ZERO
        for month in range(1, 13):
            granted, expected = monthly[f"{self.year:04d}-{month:02d}"]
            _granted_prev, expected_prev = monthly[f"{self.year - 1:04d}-{month:02d}"]
            cumulative += expected
            rows.append(
                {
                    "title": f"{month_name(month)} {self.year}",
                    "period": self.month_period(month),
                    "granted": granted,
                    "expected": expected,
                    "expected_prev": expected_prev,
                    "budget": per_month,
                    "cumulative": cumulative,
                    "cumulative_budget": per_month * month if per_month is not None else None,
                }
            )
        total = {
            "title": self.t(_("Total")),
            "period": "",
            "granted": sum((row["granted"] for row in rows), ZERO),
            "expected": cumulative,
            "expected_prev": sum((row["expected_prev"] for row in rows), ZERO),
            "budget": yearly_budget,
            "cumulative": cumulative,
            "cumulative_budget": yearly_budget,
        }
        passed = sum((r["expected"] for r in rows if r["period"] == "passed"), ZERO)
        coming = sum((r["expected"] for r in rows if r["period"] != "passed"), ZERO)
        table = Table(
            name="months",
            title=self.t(_("Forecast month by month ${year}"), year=self.year),
            columns=[
                Column("title", self.t(_("Month")), "text"),
                Column("period", self.t(_("Period")), "period"),
                Column("granted", self.t(_("Granted ${year}"), year=self.year)),
                Column("expected", self.t(_("Expected ${year}"), year=self.year)),
                Column("expected_prev", self.t(_("Expected ${year}"), year=self.year - 1)),
                Column("budget", self.t(_("Budget per month"))),
                Column("cumulative", self.t(_("Expected, accumulated"))),
                Column("cumulative_budget", self.t(_("Budget, accumulated"))),
            ],
            rows=rows,
            total=total,
            intro=self.t(
                _("Expected in the months passed: ${passed} – in the months to come: ${coming}"),
                passed=format_money(passed),
                coming=format_money(coming),
            ),
        )
        if self.with_charts:
            future_from = next(
                (index for index, row in enumerate(rows) if row["period"] != "passed"), None
            )
            if future_from == 0 and self.year < self.today.year:
                future_from = None
            lines = []
            if per_month is not None:
                lines.append(
                    (self.t(_("Budget per month (1/12 of the year)")), "budget", [per_month] * 12)
                )
            table.chart = charts.column_chart(
                "bos-chart-months",
                table.title,
                self.t(
                    _(
                        "Expected and granted cost per month of ${year}; hatched columns are the "
                        "months to come; the dashed line is the budget per month."
                    ),
                    year=self.year,
                ),
                [month_name(month)[:3] for month in range(1, 13)],
                [
                    (
                        self.t(_("Expected ${year}"), year=self.year),
                        "expected",
                        _col(rows, "expected"),
                    ),
                    (
                        self.t(_("Granted ${year}"), year=self.year),
                        "granted",
                        _col(rows, "granted"),
                    ),
                ],
                lines=lines,
                future_from=future_from,
                future_label=self.t(_("Expected, months to come")),
            )
        return table

    # effect ----------------------------------------------------------------------------------

    def effect_table(self, report):
        now = steps_now(self.overview)
        moves = step_movements(self.year, self.today)
        expected_by_step = {}
        for stored, amount in self.overview.expected_by_open_step.items():
            step = as_step(stored)
            expected_by_step[step] = expected_by_step.get(step, ZERO) + amount
        steps = sorted(
            {as_step(row.get("number")) for row in self._step_rows()}
            | set(now)
            | set(moves["per_step"]),
            key=lambda step: (step is None, step or 0),
        )
        rows = []
        for step in steps:
            cases = now.get(step, [])
            moved = moves["per_step"].get(step, {})
            expected = expected_by_step.get(step, ZERO)
            rows.append(
                {
                    "title": self.title_of("effort_step", step),
                    "cases": len(cases),
                    "new": moved.get("new", 0),
                    "up_into": moved.get("up_into", 0),
                    "down_into": moved.get("down_into", 0),
                    "left": moved.get("left", 0),
                    "expected": expected,
                    "average": expected / len(cases) if cases else None,
                }
            )
        # The steps of the regelmotor always show; "no step" only when it has children.
        rows = [
            row
            for step, row in zip(steps, rows, strict=True)
            if step is not None or row["cases"] or row["new"] or row["left"]
        ]
        total_cases = sum(row["cases"] for row in rows)
        total_expected = sum((row["expected"] for row in rows), ZERO)
        total = {
            "title": self.t(_("Total")),
            "cases": total_cases,
            "new": sum(row["new"] for row in rows),
            "up_into": moves["up"],
            "down_into": moves["down"],
            "left": sum(row["left"] for row in rows),
            "expected": total_expected,
            "average": total_expected / total_cases if total_cases else None,
        }
        end = min(self.today, date(self.year, 12, 31))
        if moves["available"]:
            intro = self.t(
                _(
                    "Children (open cases) on each step now, and the moves between steps from 1 "
                    "January ${year} to ${end} according to the cases' history: ${up} up the "
                    "staircase (a more intensive measure), ${down} down. The average cost is "
                    "this year's expected cost of the cases on the step divided by the number of "
                    "children."
                ),
                year=self.year,
                end=format_date(end),
                up=moves["up"],
                down=moves["down"],
            )
        else:
            intro = self.t(
                _("The case history is not available: only the current steps are shown, no moves.")
            )
        table = Table(
            name="effect",
            title=self.t(_("Effect: the effort staircase (indsatstrappen)")),
            columns=[
                Column("title", self.t(_("Effort step")), "text"),
                Column("cases", self.t(_("Children now")), "int"),
                Column("new", self.t(_("New on the step")), "int"),
                Column("up_into", self.t(_("Moved up to the step")), "int"),
                Column("down_into", self.t(_("Moved down to the step")), "int"),
                Column("left", self.t(_("Moved away from the step")), "int"),
                Column("expected", self.t(_("Expected ${year}"), year=self.year)),
                Column("average", self.t(_("Average per child"))),
            ],
            rows=rows,
            total=total,
            intro=intro,
        )
        if self.with_charts and rows:
            table.chart = charts.bar_chart(
                "bos-chart-effect",
                self.t(_("Children on each effort step now")),
                self.t(_("The number of children (open cases) on each step of the staircase.")),
                [row["title"] for row in rows],
                [(self.t(_("Children now")), "count", [row["cases"] for row in rows])],
                value_format=charts.count_format,
                max_label=44,
                label_width=300,
            )
        return table

    def _step_rows(self):

        return list_rows("effort_steps")

    # key figures ------------------------------------------------------------------------------

    def key_figures(self, budget, budget_table):
        granted, expected, _granted_prev, expected_prev, cases = self.overview.totals
        figures = [
            {"label": self.t(_("Granted ${year}"), year=self.year), "value": format_money(granted)},
            {
                "label": self.t(_("Expected ${year}"), year=self.year),
                "value": format_money(expected),
            },
            {
                "label": self.t(_("Expected ${year}"), year=self.year - 1),
                "value": format_money(expected_prev),
                "detail": self.t(
                    _("Change: ${change}"), change=_signed_money(expected - expected_prev)
                ),
            },
            {"label": self.t(_("Cases with costs")), "value": str(cases)},
        ]
        if budget is not None:
            total = budget_table.total
            # Over budget when any line is, even if the total is not (issue 15).
            status = headline_status(total["status"], budget_table.line_statuses)
            figures.append(
                {
                    "label": self.t(_("Budget ${year}"), year=self.year),
                    "value": format_money(total["budget"]),
                    "detail": self.t(
                        _("Forecast ${difference} (${percent}) against the budget"),
                        difference=_signed_money(total["deviation"]),
                        percent=_signed_pct(total["deviation_pct"]),
                    ),
                    "status": status,
                    "status_text": self.t(STATUS_TITLES[status]),
                    "lines_detail": self.lines_detail(budget_table.line_statuses),
                    "symbol": STATUS_SYMBOLS[status],
                }
            )
        return figures

    def lines_detail(self, statuses):
        """How many budget lines stand over the budget (the reason of an overrun headline)."""
        over = statuses.count("over")
        if not over:
            return ""
        if over == 1:
            return self.t(_("overview_lines_over_one", default="1 budget line over the budget"))
        return self.t(
            _(
                "overview_lines_over",
                default="${count} budget lines over the budget",
                mapping={"count": over},
            )
        )


def section_title(key, title):
    """ "§ 32, stk. 1, nr. 5 – Familiebehandling ...", also when the title repeats the key."""
    if key and (title or "").startswith(key):
        title = title[len(key) :].strip()
    return section_label(key, title)


def _col(rows, key):
    return [row[key] for row in rows]


def _signed_money(value):
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + format_money(value)


def _signed_pct(value):
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + format_number(value, 1) + " %"


# -- formatting of cells --------------------------------------------------------------------


def cell_text(kind, value, t):
    """The Danish text of a cell in the page."""
    if value is None or value == "":
        return "–" if kind in ("money", "pct") else ""
    if kind == "money":
        return format_money(value)
    if kind == "pct":
        return format_number(value, 1) + " %"
    if kind == "int":
        return format_number(Decimal(value), 0)
    if kind == "status":
        return t(STATUS_TITLES[value])
    if kind == "period":
        return t(PERIOD_TITLES[value])
    return str(value)


def export_value(kind, value, t):
    """A cell for the spreadsheet: numbers stay numbers."""
    if value is None or value == "":
        return None
    if kind == "money":
        return round_ore(Decimal(value))
    if kind == "pct":
        return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if kind == "int":
        return int(value)
    if kind in ("status", "period"):
        return cell_text(kind, value, t)
    return str(value)


def csv_value(kind, value, t):
    """A cell as Danish Excel reads it: decimal comma, no thousands separator."""
    value = export_value(kind, value, t)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return csv_text(value)


def table_rows(table, t, convert):
    header = [column.title for column in table.columns]
    rows = [[convert(c.kind, row.get(c.key), t) for c in table.columns] for row in table.rows]
    if table.total is not None:
        rows.append([convert(c.kind, table.total.get(c.key), t) for c in table.columns])
    return header, rows


def to_csv(table, t):
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    header, rows = table_rows(table, t, csv_value)
    writer.writerow([csv_text(title) for title in header])
    writer.writerows(rows)
    return output.getvalue().encode("utf-8-sig")


MONEY_FORMAT = '#,##0.00 "kr."'
PCT_FORMAT = '0.0" %"'


def sheet_title(text, taken):
    title = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "Ark"
    candidate, number = title, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate = title[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(candidate)
    return candidate


def to_xlsx(tables, t):
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken = set()
    for table in tables:
        sheet = workbook.create_sheet(sheet_title(table.title, taken))
        header, rows = table_rows(table, t, export_value)
        sheet.append(header)
        for cell in sheet[1]:
            xlsx_text(cell)
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
            for cell in sheet[sheet.max_row]:
                xlsx_text(cell)
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            number_format = {"money": MONEY_FORMAT, "pct": PCT_FORMAT}.get(column.kind)
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = number_format
            width = max([len(str(column.title))] + [len(str(r[index - 1] or "")) for r in rows])
            sheet.column_dimensions[letter].width = min(max(width + 2, 10), 60)
        if table.total is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# -- views --------------------------------------------------------------------------------------


class OverviewView(BosView):
    """@@bos-overview on the site root and on /sager."""

    def __call__(self):
        self.year = requested_year(self.request)
        self.report = ReportBuilder(self.year, self.request).build()
        return self.index()

    def base_url(self):
        return self.context.absolute_url()

    def years(self):
        this_year = clock.today().year
        years = set(range(this_year - 3, this_year + 3)) | {self.year}
        years |= set(budget_years())
        return [{"value": y, "selected": y == self.year} for y in sorted(years, reverse=True)]

    def export_url(self, name, fmt):
        return f"{self.base_url()}/@@bos-overview-export?table={name}&format={fmt}&year={self.year}"

    def budget_folder_url(self):
        portal = api.portal.get()
        folder = portal.get("budget")
        if folder is None or not api.user.has_permission("View", obj=folder):
            return None
        return folder.absolute_url()

    def budget_url(self):
        budget = self.report.budget
        if budget is None or not api.user.has_permission("View", obj=budget):
            return None
        return budget.absolute_url()

    def can_add_budget(self):
        portal = api.portal.get()
        folder = portal.get("budget")
        return folder is not None and api.user.has_permission(
            "os2bos_plone: Add Budget", obj=folder
        )

    def add_budget_url(self):
        return f"{self.portal_url()}/budget/++add++bos_budget?form.widgets.year={self.year}"

    def html_table(self, table):
        """Header cells and rows of cells {text, css, status, symbol} for the template."""
        t = self.t

        def cells(row, total=False):
            result = []
            for column in table.columns:
                value = row.get(column.key)
                css = "text-end" if column.kind in ("money", "pct", "int") else ""
                if column.kind in ("money", "pct") and value is not None and value < 0:
                    css += " bos-negative"
                item = {"text": cell_text(column.kind, value, t), "css": css.strip()}
                if column.kind == "status" and value:
                    item["status"] = value
                    item["symbol"] = STATUS_SYMBOLS[value]
                if column.kind == "period" and value:
                    item["css"] = f"bos-period bos-period-{value}"
                result.append(item)
            result[0]["header"] = True
            return result

        return {
            "columns": [
                {"title": c.title, "css": "text-end" if c.kind in ("money", "pct", "int") else ""}
                for c in table.columns
            ],
            "rows": [cells(row) for row in table.rows],
            "total": cells(table.total, True) if table.total is not None else None,
        }

    def table_body(self, html):
        """The <thead>, <tbody> and <tfoot> of a table from ``html_table``, written here rather
        than in the template: a table of a large municipality has thousands of cells, and a
        page-template expression per cell cost more than the figures themselves."""
        out = ["<thead><tr>"]
        for column in html["columns"]:
            css = f' class="{escape(column["css"])}"' if column["css"] else ""
            out.append(f'<th scope="col"{css}>{escape(column["title"])}</th>')
        out.append("</tr></thead><tbody>")
        for row in html["rows"]:
            out.append("<tr>")
            out.extend(_cell_html(cell) for cell in row)
            out.append("</tr>")
        out.append("</tbody>")
        if html["total"]:
            out.append('<tfoot><tr class="bos-total">')
            out.extend(_cell_html(cell) for cell in html["total"])
            out.append("</tr></tfoot>")
        return "".join(out)

    def contents(self):
        return [{"id": f"bos-table-{t.name}", "title": t.title} for t in self.report.tables]


def _cell_html(cell):
    text = escape(str(cell["text"]))
    if cell.get("header"):
        return f'<th scope="row">{text}</th>'
    css = f' class="{escape(cell["css"])}"' if cell.get("css") else ""
    if cell.get("status"):
        text = (
            f'<span class="bos-status bos-status-{escape(cell["status"])}">'
            f'<span aria-hidden="true">{escape(cell["symbol"])}</span> {text}</span>'
        )
    return f"<td{css}>{text}</td>"


class OverviewExportView(BrowserView):
    """@@bos-overview-export?table=<name>|all&format=xlsx|csv&year=YYYY"""

    def __call__(self):
        year = requested_year(self.request)
        name = self.request.form.get("table") or "all"
        fmt = (self.request.form.get("format") or "xlsx").lower()
        if fmt not in ("xlsx", "csv"):
            raise BadRequest("format skal være xlsx eller csv")
        report = ReportBuilder(year, self.request, with_charts=False).build()
        if name == "all":
            if fmt != "xlsx":
                raise BadRequest("Alle tabeller kan kun hentes samlet som xlsx")
            tables = report.tables
        else:
            table = report.table(name)
            if table is None:
                raise BadRequest(f"Ukendt tabel: {name}")
            tables = [table]

        def t(msgid):
            return translate(msgid, context=self.request)

        response = self.request.response
        filename = f"ledelsesinformation-{name}-{year}.{fmt}"
        if fmt == "csv":
            data = to_csv(tables[0], t)
            response.setHeader("Content-Type", "text/csv; charset=utf-8")
        else:
            data = to_xlsx(tables, t)
            response.setHeader("Content-Type", XLSX)
        response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
        response.setHeader("Content-Length", str(len(data)))
        response.setHeader("Cache-Control", "private, no-store")
        return data
