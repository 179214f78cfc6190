"""Charts of result tables as SVG: bar chart, heat map and line chart, written here, no library.

One plain function, :func:`render_svg` (columns + rows of pyoxigraph terms → an SVG document as a
string), draws the chart of the query page (``POST /api/chart``), of ``GET /api/queries/{name}?format=svg``
and of a canned query's HTML page. :func:`fitting_charts` says which kinds fit a table and with which
columns (:func:`choose_chart` picks one, or checks the columns a caller names); a canned query may
declare its own (:class:`~gcm_kg.sparql.catalogue.ChartSpec`, from its ``#+ chart:`` header).

Why no library: the three kinds are a few scales, axes and one ``<rect>``/``<circle>`` per row, and
writing them here keeps the output under our control — no script, no stylesheet, no external
reference (the query page's Content Security Policy forbids inline styles, so every colour is a
presentation attribute), every text escaped for XML (labels come from the data and from user
queries), and a size bound (:data:`MAX_MARKS`).

Accessibility (WAI-ARIA Graphics Module, SVG Accessibility API Mappings): the root is
``role="img"`` labelled by its ``<title>`` and ``<desc>``; every mark has a ``<title>`` with its
row's label and value, which browsers show as a tooltip and screen readers read.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from html import escape
from typing import Sequence

import pyoxigraph as ox

from gcm_kg.core.namespaces import XSD
from gcm_kg.services.canned import compact, display, solutions_table
from gcm_kg.sparql.catalogue import CHART_ROLES, ChartSpec

#: Kinds in the order :func:`choose_chart` prefers them when several fit.
KINDS = ("heatmap", "line", "bar")
assert set(KINDS) == set(CHART_ROLES)
#: A chart over more rows than this says so instead of drawing them: thousands of marks are
#: unreadable and make a page slow (and an SVG of 100k rows is tens of megabytes).
MAX_MARKS = 500
#: Longest label drawn on an axis (the full text is in the mark's ``<title>``).
MAX_LABEL = 32
MAX_TITLE = 120

_NUMERIC = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                              "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                              "unsignedShort", "unsignedByte", "decimal", "double", "float")}
_DATES = {XSD + "date", XSD + "dateTime", XSD + "dateTimeStamp", XSD + "gYear"}
#: What XML 1.0 §2.2 does not allow in a document at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
CHAR_WIDTH = 6.6  # average advance of the 12 px font, for laying out labels
INK, MUTED, GRID, BAR = "#1b1b1b", "#555555", "#dddddd", "#2f6db5"
#: The heat map's sequential scale, light to dark (ColorBrewer "Blues" 9-class, ends).
LIGHT, DARK = (0xf7, 0xfb, 0xff), (0x08, 0x30, 0x6b)


class ChartError(Exception):
    """The chart asked for cannot be drawn; ``parameter`` names the request parameter at fault
    (``kind``, ``x``, ``y`` or ``value``; None: the posted results) and the message says why."""

    def __init__(self, parameter: str | None, message: str):
        self.parameter = parameter
        super().__init__(message)


# -- reading values ------------------------------------------------------------------------------
def number(term: ox.Term | None) -> float | None:
    """The number a numeric literal holds; None for anything else (and for NaN and infinities)."""
    if not isinstance(term, ox.Literal) or term.datatype.value not in _NUMERIC:
        return None
    try:
        value = float(term.value)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def time_value(term: ox.Term | None) -> float | None:
    """A date, date-time or year as days since 0001-01-01 (so dates fall on a linear scale)."""
    if not isinstance(term, ox.Literal) or term.datatype.value not in _DATES:
        return None
    text = term.value
    try:
        if term.datatype.value == XSD + "gYear":
            return float(_dt.date(int(text[:4]), 1, 1).toordinal())
        if "T" in text:
            moment = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return moment.toordinal() + (moment.hour * 3600 + moment.minute * 60 + moment.second) / 86400
        return float(_dt.date.fromisoformat(text[:10]).toordinal())
    except ValueError:
        return None


def _kind_of_column(values: Sequence[ox.Term | None]) -> str | None:
    """``number``, ``time`` or ``category`` — or None for a column with no value at all."""
    bound = [v for v in values if v is not None]
    if not bound:
        return None
    if all(number(v) is not None for v in bound):
        return "number"
    if all(time_value(v) is not None for v in bound):
        return "time"
    return "category"


def label(term: ox.Term | None) -> str:
    """The text a value is shown as: a literal's text without its language tag or datatype (the
    axis says what it is), an IRI compacted with the service's prefixes, as in result tables."""
    if isinstance(term, ox.Literal):
        return " ".join(term.value.split())
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    return display(term, None)


# -- choosing a chart ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Table:
    columns: Sequence[str]
    rows: Sequence[Sequence[ox.Term | None]]

    def values(self, column: str) -> list[ox.Term | None]:
        at = list(self.columns).index(column)
        return [row[at] if at < len(row) else None for row in self.rows]

    def distinct(self, *columns: str) -> int:
        picked = [self.values(c) for c in columns]
        return len(set(zip(*picked)))

    def determines(self, key: str, column: str) -> bool:
        """Does ``key`` determine ``column`` (one value of ``column`` per value of ``key``)?"""
        return self.distinct(key, column) == self.distinct(key)


def fitting_charts(columns: Sequence[str], rows: Sequence[Sequence[ox.Term | None]]) -> dict[str, ChartSpec]:
    """Each chart kind that fits the table, with the columns it would use, in order of preference.

    * heat map: two category columns whose pairs are each one row and make a matrix (not a
      one-to-one pairing such as an IRI and its label), and a number column that depends on the
      pair (not an identifier of one side, such as an objective's number);
    * line: a date column, or (with no category column) a number column without repeats, and
      another number column;
    * bar: a category column (one without repeats first) and a number column.

    Category columns of literals (labels) are preferred over IRI columns, and as the number drawn,
    a measure over an identifier: a number column paired one-to-one with a category column (an
    objective's number) is taken only when there is no other.
    """
    table = _Table(columns, rows)
    kinds = {c: _kind_of_column(table.values(c)) for c in columns}
    numbers = [c for c in columns if kinds[c] == "number"]
    times = [c for c in columns if kinds[c] == "time"]
    categories = sorted((c for c in columns if kinds[c] == "category"),
                        key=lambda c: not any(isinstance(v, ox.Literal) for v in table.values(c)))
    found: dict[str, ChartSpec] = {}
    if not numbers or not rows:
        return found
    identifiers = {n for n in numbers for c in categories if table.determines(c, n) and table.determines(n, c)}
    numbers = [n for n in numbers if n not in identifiers] + [n for n in numbers if n in identifiers]
    for i, y in enumerate(categories):
        for x in categories[i + 1:]:
            pairs, xs, ys = table.distinct(x, y), table.distinct(x), table.distinct(y)
            if pairs == len(rows) and min(xs, ys) > 1 and pairs > max(xs, ys):
                measures = [n for n in numbers if not table.determines(x, n) and not table.determines(y, n)]
                found["heatmap"] = ChartSpec("heatmap", x, (measures or numbers)[0], y)
                break
        if "heatmap" in found:
            break
    ordered = times or ([n for n in numbers if table.distinct(n) == len(rows)] if not categories else [])
    for x in ordered:
        others = [n for n in numbers if n != x]
        if others:
            found["line"] = ChartSpec("line", x, others[0])
            break
    if categories:
        unique = [c for c in categories if table.distinct(c) == len(rows)]
        found["bar"] = ChartSpec("bar", (unique or categories)[0], numbers[0])
    return {kind: found[kind] for kind in KINDS if kind in found}


def _check_kind(kind: str) -> None:
    if kind not in CHART_ROLES:
        raise ChartError("kind", f"chart kind {kind!r} is not one of: auto, {', '.join(CHART_ROLES)}")


def choose_chart(columns: Sequence[str], rows: Sequence[Sequence[ox.Term | None]], kind: str | None = None,
                 **roles: str | None) -> ChartSpec:
    """The chart to draw: ``kind`` (``None`` or ``auto``: the first that fits) with the columns in
    ``roles`` (``x``, ``y``, ``value``), the others chosen by :func:`fitting_charts`.

    Raises :class:`ChartError` for an unknown kind, a column that is not in the table, a value
    column without numbers, or a kind that does not fit and names no columns.
    """
    if kind in (None, "", "auto"):
        if any(roles.values()):
            raise ChartError("kind", "name the chart kind (bar, heatmap or line) along with its columns")
        fits = fitting_charts(columns, rows)
        if not fits:
            raise ChartError("kind", "no chart fits these results: a chart needs a column of numbers and "
                                     "a column of categories or dates (a heat map: two category columns)")
        return next(iter(fits.values()))
    _check_kind(kind)
    named = {role: column for role, column in roles.items() if column}
    for role, column in named.items():
        if role not in CHART_ROLES[kind]:
            raise ChartError(role, f"a {kind} chart has no {role!r} column (it has {', '.join(CHART_ROLES[kind])})")
        if column not in columns:
            raise ChartError(role, f"{role}: the results have no column ?{column} "
                                   f"(columns: {', '.join('?' + c for c in columns) or 'none'})")
    default = fitting_charts(columns, rows).get(kind)
    if default is None and set(named) != set(CHART_ROLES[kind]):
        raise ChartError("kind", f"a {kind} chart does not fit these results; name its columns "
                                 f"({', '.join(CHART_ROLES[kind])})")
    chosen = {**({"x": default.x, "value": default.value, "y": default.y} if default else {}), **named}
    spec = ChartSpec(kind, chosen["x"], chosen["value"], chosen.get("y"))
    if rows and all(number(v) is None for v in _Table(columns, rows).values(spec.value)):
        raise ChartError("value", f"value: the column ?{spec.value} holds no numbers")
    return spec


# -- writing SVG ---------------------------------------------------------------------------------
def xml_text(text: str) -> str:
    """``text`` safe in XML character data and in attribute values (quotes escaped too); characters
    XML cannot carry at all are dropped."""
    return escape(_NOT_XML.sub("", text), quote=True)


def _shorten(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def format_number(value: float) -> str:
    if abs(value - round(value)) < 1e-9 and abs(value) < 1e15:
        return str(int(round(value)))
    return f"{value:.4g}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values (steps of 1, 2 or 5 × 10ⁿ) covering ``low``–``high``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value < high + step * 0.5 and len(ticks) < 50:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _colour(t: float) -> str:
    rgb = (round(a + (b - a) * t) for a, b in zip(LIGHT, DARK))
    return "#" + "".join(f"{c:02x}" for c in rgb)


class _Svg:
    """An SVG document being written: elements appended as text, every text and attribute escaped."""

    def __init__(self):
        self.parts: list[str] = []

    def add(self, tag: str, text: str | None = None, tooltip: str | None = None, **attributes) -> None:
        attrs = "".join(f' {name.rstrip("_").replace("_", "-")}="{xml_text(str(value))}"'
                        for name, value in attributes.items() if value is not None)
        inner = (f"<title>{xml_text(tooltip)}</title>" if tooltip else "") + (xml_text(text) if text else "")
        self.parts.append(f"<{tag}{attrs}>{inner}</{tag}>" if inner else f"<{tag}{attrs}/>")

    def text(self, x: float, y: float, text: str, **attributes) -> None:
        self.add("text", text, x=_r(x), y=_r(y), **attributes)


def _r(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _axis_title(svg: _Svg, x: float, y: float, text: str, rotate: bool = False) -> None:
    svg.text(x, y, text, class_="axis-title", text_anchor="middle", font_weight="bold", fill=INK,
             transform=f"rotate(-90 {_r(x)} {_r(y)})" if rotate else None)


def _value_axis(svg: _Svg, ticks: list[float], scale, left: float, right: float) -> None:
    """Horizontal grid lines and labels of a vertical value axis."""
    for tick in ticks:
        y = scale(tick)
        svg.add("line", x1=_r(left), x2=_r(right), y1=_r(y), y2=_r(y), stroke=GRID, class_="grid")
        svg.text(left - 6, y + 4, format_number(tick), text_anchor="end", fill=MUTED, class_="tick")


def _slant(centres: Sequence[tuple[float, str]]) -> float:
    """The angle of labels under a category axis: level when short, 40° when their spacing leaves
    room for a line of text between them, else upright."""
    if max((len(text) for _, text in centres), default=0) <= 4:
        return 0.0
    spacing = centres[1][0] - centres[0][0] if len(centres) > 1 else 100.0
    return 40.0 if spacing * math.sin(math.radians(40)) >= 13 else 90.0


def _left_margin(spacing: float, names: Sequence[str], least: float) -> float:
    """Room on the left for slanted labels under the first categories (they extend leftwards)."""
    centres = [(spacing * (i + 0.5), _shorten(n)) for i, n in enumerate(names)]
    angle = math.radians(_slant(centres))
    if not angle:
        return least
    reach = max(len(text) * CHAR_WIDTH * math.cos(angle) - x for x, text in centres)
    return max(least, reach + 8)


def _category_labels(svg: _Svg, centres: list[tuple[float, str]], top: float) -> float:
    """Labels under a category axis, slanted when they are long; returns the height they take."""
    angle = _slant(centres)
    if not angle:
        for x, text in centres:
            svg.text(x, top + 14, text, text_anchor="middle", fill=INK, class_="tick")
        return 20
    longest = max(len(text) for _, text in centres)
    for x, text in centres:
        svg.text(x, top + (14 if angle == 90 else 10), text, text_anchor="end", fill=INK, class_="tick",
                 transform=f"rotate({-angle:g} {_r(x)} {_r(top + 10)})")
    return 18 + longest * CHAR_WIDTH * math.sin(math.radians(angle))


def _scale(low: float, high: float, start: float, end: float):
    span = (high - low) or 1.0
    return lambda value: start + (value - low) / span * (end - start)


def _document(svg: _Svg, width: float, height: float, title: str, description: str, spec: ChartSpec | None,
              fits: Sequence[str], rows: int, id_prefix: str) -> str:
    ids = f"{id_prefix}-title {id_prefix}-desc"
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_r(width)}" height="{_r(height)}" '
            f'viewBox="0 0 {_r(width)} {_r(height)}" role="img" aria-labelledby="{xml_text(ids)}" '
            f'font-family="{xml_text(FONT)}" font-size="12" class="gcm-chart" '
            f'data-kind="{spec.kind if spec else "none"}" data-fits="{xml_text(" ".join(fits))}" data-rows="{rows}"'
            + "".join(f' data-{role}="{xml_text(getattr(spec, role))}"' for role in ("x", "y", "value")
                      if spec and getattr(spec, role)) + ">")
    return "".join([
        '<?xml version="1.0" encoding="UTF-8"?>\n', head,
        f'<title id="{xml_text(id_prefix)}-title">{xml_text(title)}</title>',
        f'<desc id="{xml_text(id_prefix)}-desc">{xml_text(description)}</desc>',
        f'<rect width="{_r(width)}" height="{_r(height)}" fill="#ffffff"/>',
        *svg.parts, "</svg>\n"])


def _heading(svg: _Svg, title: str, note: str | None) -> float:
    svg.text(16, 24, title, class_="chart-title", font_size="15", font_weight="bold", fill=INK)
    if note:
        svg.text(16, 42, note, class_="chart-note", fill=MUTED)
        return 56
    return 40


def render_svg(columns: Sequence[str], rows: Sequence[Sequence[ox.Term | None]], spec: ChartSpec | None = None, *,
               title: str = "Query results", id_prefix: str = "chart") -> str:
    """The chart of a result table as an SVG document (UTF-8 text with its XML declaration).

    ``spec`` says which chart (default: :func:`choose_chart`, which raises :class:`ChartError` when
    nothing fits). A table over :data:`MAX_MARKS` rows, or with none, gives a small SVG that says
    so. ``id_prefix`` keeps the ``id``s unique when several charts share a page.
    """
    title = _shorten(title or "Query results", MAX_TITLE)
    fits = list(fitting_charts(columns, rows))
    if len(rows) > MAX_MARKS or not rows:
        message = (f"More than {MAX_MARKS} rows: too many for a chart. Narrow the query, or group the rows "
                   f"(GROUP BY) to count them." if rows else "No rows to chart.")
        svg = _Svg()
        _heading(svg, title, None)
        svg.text(16, 64, message, class_="chart-message", fill=INK)
        return _document(svg, max(560, 32 + len(message) * CHAR_WIDTH), 90, title, message, spec, fits,
                         len(rows), id_prefix)
    spec = spec or choose_chart(columns, rows)
    table = _Table(columns, rows)
    values = [number(v) for v in table.values(spec.value)]
    drawn = [i for i, v in enumerate(values) if v is not None]
    skipped = len(rows) - len(drawn)
    note = f"{skipped} row{'s' if skipped != 1 else ''} without a number in ?{spec.value} not drawn" if skipped else None
    draw = {"bar": _bar, "heatmap": _heatmap, "line": _line}[spec.kind]
    svg = _Svg()
    top = _heading(svg, title, note)
    width, height, summary = draw(svg, table, spec, values, drawn, top)
    description = f"{summary} {len(drawn)} of {len(rows)} rows drawn." + (f" {note}." if note else "")
    return _document(svg, max(width, 32 + len(title) * 8.5), height, title, description, spec, fits, len(rows),
                     id_prefix)


def _bar(svg: _Svg, table: _Table, spec: ChartSpec, values, drawn, top):
    names = [label(v) for v in table.values(spec.x)]
    band = max(16.0, min(48.0, 640 / max(1, len(table.rows))))
    low = min([0.0] + [values[i] for i in drawn])
    high = max([0.0] + [values[i] for i in drawn])
    ticks = nice_ticks(low, high)
    left, plot_height = _left_margin(band, names, 72.0), 260.0
    plot_top = top + 10
    y = _scale(ticks[0], ticks[-1], plot_top + plot_height, plot_top)
    right = left + band * len(table.rows)
    _value_axis(svg, ticks, y, left, right)
    for i in drawn:
        value = values[i]
        x0 = left + band * i + band * 0.15
        y_top, y_bottom = sorted((y(value), y(0)))
        svg.add("rect", tooltip=f"{names[i]} — {spec.value}: {format_number(value)}", class_="mark",
                x=_r(x0), y=_r(y_top), width=_r(band * 0.7), height=_r(max(y_bottom - y_top, 0.5)), fill=BAR)
    svg.add("line", x1=_r(left), x2=_r(right), y1=_r(y(0)), y2=_r(y(0)), stroke=INK, class_="axis")
    label_height = _category_labels(svg, [(left + band * (i + 0.5), _shorten(n)) for i, n in enumerate(names)],
                                    plot_top + plot_height)
    bottom = plot_top + plot_height + label_height
    _axis_title(svg, (left + right) / 2, bottom + 18, spec.x)
    _axis_title(svg, 18, plot_top + plot_height / 2, spec.value, rotate=True)
    summary = f"Bar chart of ?{spec.value} by ?{spec.x}, from {format_number(low)} to {format_number(high)}."
    return right + 24, bottom + 32, summary


def _heatmap(svg: _Svg, table: _Table, spec: ChartSpec, values, drawn, top):
    xs_terms, ys_terms = table.values(spec.x), table.values(spec.y)
    x_names = list(dict.fromkeys(label(v) for v in xs_terms))
    y_names = list(dict.fromkeys(label(v) for v in ys_terms))
    present = [values[i] for i in drawn]
    low, high = (min(present), max(present)) if present else (0.0, 0.0)
    longest_y = max(len(_shorten(n)) for n in y_names)
    cell_w = 44.0 if max(len(n) for n in x_names) <= 4 else 34.0
    cell_h = 28.0
    left = _left_margin(cell_w, x_names, 40 + longest_y * CHAR_WIDTH)
    plot_top = top + 10
    column = {n: i for i, n in enumerate(x_names)}
    row_at = {n: i for i, n in enumerate(y_names)}
    right = left + cell_w * len(x_names)
    bottom = plot_top + cell_h * len(y_names)
    svg.add("rect", x=_r(left), y=_r(plot_top), width=_r(right - left), height=_r(bottom - plot_top),
            fill="#f3f3f3", class_="plot-area")
    for name, i in row_at.items():
        svg.text(left - 6, plot_top + cell_h * (i + 0.5) + 4, _shorten(name), text_anchor="end", fill=INK,
                 class_="tick")
    for i in drawn:
        x_name, y_name, value = label(xs_terms[i]), label(ys_terms[i]), values[i]
        t = (value - low) / (high - low) if high > low else (1.0 if high > 0 else 0.0)
        x0, y0 = left + cell_w * column[x_name], plot_top + cell_h * row_at[y_name]
        svg.add("rect", tooltip=f"{x_name} × {y_name} — {spec.value}: {format_number(value)}", class_="mark",
                x=_r(x0 + 1), y=_r(y0 + 1), width=_r(cell_w - 2), height=_r(cell_h - 2), fill=_colour(t))
        svg.text(x0 + cell_w / 2, y0 + cell_h / 2 + 4, format_number(value), text_anchor="middle",
                 fill="#ffffff" if t > 0.5 else INK, class_="cell-value")
    label_height = _category_labels(svg, [(left + cell_w * (i + 0.5), _shorten(n)) for i, n in enumerate(x_names)],
                                    bottom)
    _axis_title(svg, (left + right) / 2, bottom + label_height + 18, spec.x)
    _axis_title(svg, 18, (plot_top + bottom) / 2, spec.y, rotate=True)
    # Legend: five swatches from the lowest to the highest value.
    legend_x, legend_y = right + 24, plot_top
    svg.text(legend_x, legend_y + 4, spec.value, class_="legend-title", font_weight="bold", fill=INK)
    for step in range(5):
        t = step / 4
        svg.add("rect", x=_r(legend_x), y=_r(legend_y + 12 + step * 18), width="16", height="16", fill=_colour(t),
                class_="legend")
        svg.text(legend_x + 22, legend_y + 25 + step * 18, format_number(low + (high - low) * t), fill=MUTED,
                 class_="legend-label")
    summary = (f"Heat map of ?{spec.value} by ?{spec.x} ({len(x_names)} columns) and ?{spec.y} "
               f"({len(y_names)} rows), from {format_number(low)} (light) to {format_number(high)} (dark).")
    width = legend_x + 24 + max(len(spec.value), 8) * CHAR_WIDTH
    return width, bottom + label_height + 32, summary


def _line(svg: _Svg, table: _Table, spec: ChartSpec, values, drawn, top):
    x_terms = table.values(spec.x)
    x_kind = _kind_of_column(x_terms)
    if x_kind in ("number", "time"):
        read = number if x_kind == "number" else time_value
        positions = [read(v) for v in x_terms]
    else:  # categories, in the order of the rows
        order = {n: i for i, n in enumerate(dict.fromkeys(label(v) for v in x_terms))}
        positions = [float(order[label(v)]) for v in x_terms]
    points = sorted((positions[i], values[i], i) for i in drawn if positions[i] is not None)
    left, plot_width, plot_height = 72.0, 560.0, 260.0
    plot_top = top + 10
    low = min([0.0] + [p[1] for p in points])
    high = max([0.0] + [p[1] for p in points])
    y_ticks = nice_ticks(low, high)
    y = _scale(y_ticks[0], y_ticks[-1], plot_top + plot_height, plot_top)
    x_low, x_high = (points[0][0], points[-1][0]) if points else (0.0, 1.0)
    if x_kind in ("number", "time"):
        x_ticks = [t for t in nice_ticks(x_low, x_high) if x_low <= t <= x_high] or [x_low]
        x = _scale(x_low, x_high if x_high > x_low else x_low + 1, left + 10, left + plot_width - 10)
        tick_text = format_number if x_kind == "number" else \
            (lambda t: _dt.date.fromordinal(max(1, int(t))).isoformat())
        centres = [(x(t), tick_text(t)) for t in x_ticks]
    else:
        x = _scale(0, max(1.0, x_high), left + 10, left + plot_width - 10)
        centres = [(x(p), _shorten(label(x_terms[i]))) for p, _, i in points]
    _value_axis(svg, y_ticks, y, left, left + plot_width)
    svg.add("polyline", points=" ".join(f"{_r(x(p))},{_r(y(v))}" for p, v, _ in points), fill="none",
            stroke=BAR, stroke_width="2", class_="line")
    for p, v, i in points:
        svg.add("circle", tooltip=f"{label(x_terms[i])} — {spec.value}: {format_number(v)}", class_="mark",
                cx=_r(x(p)), cy=_r(y(v)), r="3.5", fill=BAR)
    label_height = _category_labels(svg, centres, plot_top + plot_height)
    bottom = plot_top + plot_height + label_height
    _axis_title(svg, left + plot_width / 2, bottom + 18, spec.x)
    _axis_title(svg, 18, plot_top + plot_height / 2, spec.value, rotate=True)
    summary = f"Line chart of ?{spec.value} over ?{spec.x}, from {format_number(low)} to {format_number(high)}."
    return left + plot_width + 24, bottom + 32, summary


def chart_of_results(body: bytes, *, kind: str | None = None, title: str | None = None, **roles: str | None) -> str:
    """The chart (:func:`render_svg`) of SPARQL 1.1 Query Results JSON (W3C Recommendation, 2013)
    ``body``, as ``POST /api/chart`` receives it from the query page. ``kind`` and ``roles`` as for
    :func:`choose_chart`; raises :class:`ChartError` for a body that is not SELECT results."""
    try:
        results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if not isinstance(results, ox.QuerySolutions):
            raise ChartError(None, "a chart is drawn from the results of a SELECT query, not an ASK answer")
        table = solutions_table(results)  # reads every row: a malformed one fails here
    except (SyntaxError, ValueError, UnicodeDecodeError) as error:
        raise ChartError(None, f"the body is not SPARQL 1.1 JSON results: {error}") from None
    if kind not in (None, "", "auto"):
        _check_kind(kind)
    drawable = 0 < len(table.rows) <= MAX_MARKS  # otherwise render_svg says why there is no chart
    spec = choose_chart(table.columns, table.rows, kind, **roles) if drawable else None
    return render_svg(table.columns, table.rows, spec, title=title or "Query results")
