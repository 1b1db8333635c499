"""The server-side SVG charts (browser/charts.py): well-formed, labelled, the expected bars."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from os2bos_plone.browser import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(svg)


def bars(root, role=None):
    found = [r for r in root.iter(f"{SVG}rect") if "bar" in (r.get("class") or "").split()]
    if role:
        found = [r for r in found if f"bar-{role}" in r.get("class").split()]
    return found


def test_bar_chart_has_a_bar_per_label_and_series_with_exact_tooltips():
    svg = charts.bar_chart(
        "c1",
        "Udgift pr. team",
        "Bevilget og forventet",
        ["Familie Øst", "Unge"],
        [
            ("Forventet 2026", "expected", [Decimal("120000"), Decimal("30000.50")]),
            ("Bevilget 2026", "granted", [Decimal("100000"), Decimal("0")]),
        ],
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Udgift pr. team"
    assert root.find(f"{SVG}desc").text == "Bevilget og forventet"
    assert len(bars(root)) == 4
    expected = bars(root, "expected")
    assert [r.find(f"{SVG}title").text for r in expected] == [
        "Familie Øst – Forventet 2026: 120.000,00 kr.",
        "Unge – Forventet 2026: 30.000,50 kr.",
    ]
    widths = [float(r.get("width")) for r in expected]
    assert widths[0] > widths[1] > 0
    # The largest value spans the plot; the others in proportion.
    assert abs(widths[1] / widths[0] - 30000.5 / 120000) < 0.01
    assert float(bars(root, "granted")[1].get("width")) == 0
    assert "120.000,00 kr." in svg  # the value is written next to the bar too


def test_bar_chart_escapes_text_and_copes_with_nothing():
    svg = charts.bar_chart("c2", 'A <b> & "c"', "d", ["<script>"], [("S", "count", [0])])
    root = parse(svg)
    assert root.find(f"{SVG}title").text == 'A <b> & "c"'
    assert "<script>" not in svg
    assert len(bars(root)) == 1
    empty = parse(charts.bar_chart("c3", "t", "d", [], [("S", "count", [])]))
    assert bars(empty) == []


def test_bar_chart_counts():
    svg = charts.bar_chart(
        "steps",
        "Børn pr. trin",
        "d",
        ["Trin 1", "Trin 2", "Trin 3"],
        [("Børn nu", "count", [4, 0, 12])],
        value_format=charts.count_format,
    )
    root = parse(svg)
    titles = [r.find(f"{SVG}title").text for r in bars(root)]
    assert titles == ["Trin 1 – Børn nu: 4", "Trin 2 – Børn nu: 0", "Trin 3 – Børn nu: 12"]


def test_column_chart_months_future_hatched_and_budget_line():
    expected = [Decimal(1000 * month) for month in range(1, 13)]
    granted = [Decimal(900 * month) for month in range(1, 13)]
    svg = charts.column_chart(
        "months",
        "Prognose",
        "Forventet og bevilget pr. måned",
        ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
        [("Forventet", "expected", expected), ("Bevilget", "granted", granted)],
        lines=[("Budget pr. måned", "budget", [Decimal("8000")] * 12)],
        future_from=10,
        future_label="Forventet, kommende måneder",
    )
    root = parse(svg)
    assert len(bars(root, "expected")) == 12
    assert len(bars(root, "granted")) == 12
    future = [r for r in bars(root, "expected") if "future" in r.get("class")]
    assert len(future) == 2 and all(r.get("fill") == "url(#months-hatch)" for r in future)
    assert root.find(f".//{SVG}pattern").get("id") == "months-hatch"
    line = root.find(f".//{SVG}polyline")
    assert "line-budget" in line.get("class")
    assert len(line.get("points").split()) == 24
    assert "Forventet, kommende måneder" in svg and "Budget pr. måned" in svg
    heights = [float(r.get("height")) for r in bars(root, "expected")]
    assert heights == sorted(heights) and heights[-1] > 0
    december = bars(root, "expected")[-1].find(f"{SVG}title").text
    assert december == "dec – Forventet: 12.000,00 kr."


def test_column_chart_without_future_or_lines():
    svg = charts.column_chart("m2", "t", "d", ["jan"], [("Forventet", "expected", [Decimal(0)])])
    root = parse(svg)
    assert root.find(f".//{SVG}pattern") is None
    assert root.find(f".//{SVG}polyline") is None
    assert len(bars(root)) == 1


def test_ticks_and_short_amounts():
    assert charts.nice_ticks(0) == [0.0, 1.0]
    ticks = charts.nice_ticks(4936)
    assert ticks[0] == 0 and ticks[-1] >= 4936 and len(ticks) <= 6
    assert charts.nice_ticks(1000) == [0.0, 250.0, 500.0, 750.0, 1000.0]
    assert charts.short_money(Decimal("1234567")) == "1,2 mio. kr."
    assert charts.short_money(Decimal("850000")) == "850 t.kr."
    assert charts.short_money(Decimal("900")) == "900 kr."
