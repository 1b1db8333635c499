"""Server-side SVG charts: plain strings of inline SVG markup, no JavaScript, nothing external.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` it is labelled by;
each bar has its own ``<title>`` (a tooltip with the exact figure). The figures are also in the
tables next to the charts, so a chart is a picture of a table, never the only place a number is.

Texts come in already translated; numbers are formatted the Danish way here. Colours are chosen
for contrast against white (at least 3:1) and for colour-blind readers (blue against orange);
bars that differ in meaning also differ in fill pattern, and every chart has a legend.
"""

from decimal import Decimal
from html import escape

from os2bos_plone.engine.money import format_money
from os2bos_plone.engine.money import format_number

#: (fill, stroke) per series role.
COLOURS = {
    "expected": "#0b5394",
    "granted": "#b45309",
    "budget": "#b91c1c",
    "previous": "#4b5563",
    "count": "#0b5394",
}
TEXT = "#1f2937"
GRID = "#d1d5db"
FONT = "font-family: inherit; font-size: 12px"


def _e(value):
    return escape(str(value), quote=True)


def _float(value):
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def short_money(value):
    """A compact Danish amount for axes: "1,2 mio. kr.", "850 t.kr.", "900 kr."."""
    amount = Decimal(str(value or 0))
    size = abs(amount)
    if size >= Decimal("1000000"):
        return f"{format_number(amount / Decimal('1000000'), 1)} mio. kr."
    if size >= Decimal("1000"):
        return f"{format_number(amount / Decimal('1000'), 0)} t.kr."
    return f"{format_number(amount, 0)} kr."


def nice_ticks(maximum, count=4):
    """Round axis steps from 0 to at least ``maximum``: e.g. 0, 250000, 500000, ..."""
    maximum = _float(maximum)
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1.0
    while magnitude > raw:
        magnitude /= 10
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step * count >= maximum:
            break
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(ticks[-1] + step)
    return ticks


def _truncate(text, length):
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _open(chart_id, title, desc, width, height, css_class):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bos-chart {_e(css_class)}" '
        f'id="{_e(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
        # Full width of the column, never narrower than drawn: a label of 12 (viewBox units)
        # is at least 12 CSS px on the screen (the figure scrolls on a narrow screen).
        f'width="100%" preserveAspectRatio="xMinYMin meet" style="min-width: {width}px" '
        f'aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc">',
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>',
        f'<desc id="{_e(chart_id)}-desc">{_e(desc)}</desc>',
    ]


def _hatch(chart_id, colour):
    return (
        f'<defs><pattern id="{_e(chart_id)}-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="3" height="6" fill="{colour}"/></pattern></defs>'
    )


def _legend(items, x, y):
    """items: (label, swatch markup builder taking (x, y))."""
    parts = [f'<g class="legend" style="{FONT}">']
    for label, swatch in items:
        parts.append(swatch(x, y))
        parts.append(f'<text x="{x + 18}" y="{y + 10}" fill="{TEXT}">{_e(label)}</text>')
        x += 26 + int(len(str(label)) * 6.6)
    parts.append("</g>")
    return "".join(parts)


def _box(fill, stroke=None):
    def swatch(x, y):
        outline = f' stroke="{stroke}"' if stroke else ""
        return f'<rect x="{x}" y="{y}" width="12" height="12" fill="{fill}"{outline}/>'

    return swatch


def _dash(colour):
    def swatch(x, y):
        return (
            f'<line x1="{x}" y1="{y + 6}" x2="{x + 14}" y2="{y + 6}" stroke="{colour}" '
            'stroke-width="2" stroke-dasharray="4 2"/>'
        )

    return swatch


def bar_chart(
    chart_id,
    title,
    desc,
    labels,
    series,
    value_format=format_money,
    width=760,
    label_width=250,
    max_label=38,
):
    """Horizontal bars, one group per label, one bar per series.

    ``series``: [(name, role, values)] with ``role`` a key of COLOURS and ``values`` one number
    per label. Each bar is a ``<rect class="bar">`` with a ``<title>`` "label – name: value".
    """
    bar_height, gap = 14, 10
    value_width = 130
    legend_height = 26 if len(series) > 1 else 0
    group_height = bar_height * len(series) + gap
    top = 8 + legend_height
    height = top + max(len(labels), 1) * group_height + 8
    plot_width = width - label_width - value_width
    maximum = max([_float(v) for _name, _role, values in series for v in values] or [0]) or 1.0
    parts = _open(chart_id, title, desc, width, height, "bos-bar-chart")
    if legend_height:
        parts.append(
            _legend([(name, _box(COLOURS.get(role, TEXT))) for name, role, _v in series], 0, 4)
        )
    parts.append(f'<g style="{FONT}">')
    for index, label in enumerate(labels):
        y = top + index * group_height
        parts.append('<g class="group">')
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * len(series) / 2 + 4:.1f}" '
            f'text-anchor="end" fill="{TEXT}"><title>{_e(label)}</title>'
            f"{_e(_truncate(label, max_label))}</text>"
        )
        for number, (name, role, values) in enumerate(series):
            value = values[index] if index < len(values) else 0
            bar = max(_float(value), 0.0) / maximum * plot_width
            bar_y = y + number * bar_height
            text = value_format(value)
            parts.append(
                f'<rect class="bar bar-{_e(role)}" x="{label_width}" y="{bar_y}" '
                f'width="{bar:.1f}" height="{bar_height - 2}" fill="{COLOURS.get(role, TEXT)}">'
                f"<title>{_e(label)} – {_e(name)}: {_e(text)}</title></rect>"
            )
            parts.append(
                f'<text x="{label_width + bar + 4:.1f}" y="{bar_y + bar_height - 4}" '
                f'fill="{TEXT}">{_e(text)}</text>'
            )
        parts.append("</g>")
    parts.append(
        f'<line x1="{label_width}" y1="{top - 2}" x2="{label_width}" y2="{height - 6}" '
        f'stroke="{GRID}"/>'
    )
    parts.append("</g></svg>")
    return "".join(parts)


def column_chart(
    chart_id,
    title,
    desc,
    labels,
    series,
    lines=(),
    future_from=None,
    future_label="",
    value_format=short_money,
    width=760,
    height=320,
):
    """Vertical columns per label (months), one column per series, plus horizontal/broken lines.

    ``series``: [(name, role, values)]. ``lines``: [(name, role, values)] drawn as dashed lines
    over the columns (e.g. the budget per month). ``future_from``: index of the first label that
    lies in the future; those columns of the first series get a hatched fill (and the legend an
    entry ``future_label``), so past and coming months differ without relying on colour.
    """
    left, right, top, bottom = 78, 12, 34, 40
    plot_width = width - left - right
    plot_height = height - top - bottom
    values = [_float(v) for _n, _r, vals in (*series, *lines) for v in vals]
    ticks = nice_ticks(max(values or [0]))
    scale = ticks[-1] or 1.0
    parts = _open(chart_id, title, desc, width, height, "bos-column-chart")
    first_colour = COLOURS.get(series[0][1], TEXT) if series else TEXT
    hatch_fill = f"url(#{_e(chart_id)}-hatch)"
    if future_from is not None:
        parts.append(_hatch(chart_id, first_colour))
    legend = [(name, _box(COLOURS.get(role, TEXT))) for name, role, _v in series]
    if future_from is not None and future_label:
        legend.insert(1, (future_label, _box(hatch_fill, first_colour)))
    legend += [(name, _dash(COLOURS.get(role, TEXT))) for name, role, _v in lines]
    parts.append(_legend(legend, left, 6))
    parts.append(f'<g style="{FONT}">')
    for tick in ticks:
        y = top + plot_height - tick / scale * plot_height
        parts.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{_e(value_format(tick))}</text>"
        )
    count = max(len(labels), 1)
    slot = plot_width / count
    column = (slot - 6) / max(len(series), 1)
    for index, label in enumerate(labels):
        x0 = left + index * slot + 3
        parts.append('<g class="group">')
        for number, (name, role, vals) in enumerate(series):
            value = vals[index] if index < len(vals) else 0
            size = max(_float(value), 0.0) / scale * plot_height
            fill = COLOURS.get(role, TEXT)
            future = number == 0 and future_from is not None and index >= future_from
            css = f"bar bar-{_e(role)}" + (" future" if future else "")
            stroke = f' stroke="{fill}"' if future else ""
            parts.append(
                f'<rect class="{css}" x="{x0 + number * column:.1f}" '
                f'y="{top + plot_height - size:.1f}" width="{column - 1:.1f}" '
                f'height="{size:.1f}" fill="{hatch_fill if future else fill}"{stroke}>'
                f"<title>{_e(label)} – {_e(name)}: {_e(format_money(value))}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + (slot - 6) / 2:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" fill="{TEXT}">{_e(_truncate(label, 6))}</text>'
        )
        parts.append("</g>")
    for name, role, vals in lines:
        points = []
        for index, value in enumerate(vals[:count]):
            y = top + plot_height - max(_float(value), 0.0) / scale * plot_height
            points.append(f"{left + index * slot:.1f},{y:.1f}")
            points.append(f"{left + (index + 1) * slot:.1f},{y:.1f}")
        parts.append(
            f'<polyline class="line line-{_e(role)}" points="{" ".join(points)}" fill="none" '
            f'stroke="{COLOURS.get(role, TEXT)}" stroke-width="2" stroke-dasharray="6 3">'
            f"<title>{_e(name)}</title></polyline>"
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - right}" '
        f'y2="{top + plot_height}" stroke="{TEXT}"/>'
    )
    parts.append("</g></svg>")
    return "".join(parts)


def count_format(value):
    return format_number(Decimal(int(value or 0)), 0)
