"""Bar charts drawn by matplotlib, as PNG (Word) or SVG (PDF).

Each chart gets its own `Figure` rendered by the Agg/SVG canvases: no pyplot, no global rc
changes, so concurrent renders in worker threads do not interfere. Fonts are set per artist to
the DejaVu Sans that matplotlib ships (it covers Cyrillic).
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import TYPE_CHECKING, Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

from hrmonitor.core.documents.model import BarChart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",
)
FONT = "DejaVu Sans"
TEXT_COLOUR = "#222222"
GRID_COLOUR = "#d0d0d0"


def chart_png(
    chart: BarChart,
    *,
    width_in: float = 6.5,
    height_in: float = 3.2,
    dpi: int = 150,
    language: str = "en",
) -> bytes:
    """The chart as a PNG of `width_in * dpi` by `height_in * dpi` pixels.

    `language` formats the value axis' numbers ("12.5" in English, "12,5" in Russian).
    """
    buffer = io.BytesIO()
    _figure(chart, width_in, height_in, language).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def chart_svg(
    chart: BarChart, *, width_in: float = 6.5, height_in: float = 3.2, language: str = "en"
) -> str:
    """The chart as a standalone SVG; text is drawn as paths, so no font is needed to view it."""
    buffer = io.StringIO()
    _figure(chart, width_in, height_in, language).savefig(
        buffer, format="svg", metadata={"Date": None, "Title": chart.title}
    )
    return buffer.getvalue()


def chart_height_in(chart: BarChart) -> float:
    """A height that suits the chart in a report: horizontal bars grow with the categories."""
    if chart.horizontal:
        bars = len(chart.categories) * (1 if chart.stacked else max(len(chart.series), 1)) ** 0.5
        return min(7.0, 1.6 + 0.32 * bars)  # room for two lines of label a bar
    return 3.2


def _figure(chart: BarChart, width_in: float, height_in: float, language: str) -> Figure:
    from matplotlib.figure import Figure  # imported late: ~0.5 s, only needed for charts
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = Figure(figsize=(width_in, height_in), layout="constrained")
    axes = figure.add_subplot()
    count = len(chart.categories)
    positions: list[float] = [float(position) for position in range(count)]
    bottoms = [0.0] * count
    thickness = 0.8 if chart.stacked or not chart.series else 0.8 / len(chart.series)
    draw = axes.barh if chart.horizontal else axes.bar
    handles = []
    for index, (_, values) in enumerate(chart.series):
        heights = [math.nan if value is None else value for value in values]  # NaN: no bar
        offset = 0.0 if chart.stacked else (index - (len(chart.series) - 1) / 2) * thickness
        base: dict[str, Any] = {"left" if chart.horizontal else "bottom": bottoms}
        colour = PALETTE[index % len(PALETTE)]
        draw(
            [position + offset for position in positions],
            heights,
            thickness,
            **base,
            color=colour,
            edgecolor="white",
            linewidth=0.5,
        )
        handles.append(Patch(facecolor=colour))
        if chart.stacked:
            bottoms = [b + (v or 0.0) for b, v in zip(bottoms, values, strict=True)]

    labels, angle = _category_labels(chart, width_in)
    category_axis, value_axis = (
        (axes.yaxis, axes.xaxis) if chart.horizontal else (axes.xaxis, axes.yaxis)
    )
    category_axis.set_ticks(positions, [_plain(label) for label in labels])
    category_axis.set_tick_params(length=0)
    if chart.horizontal:
        axes.invert_yaxis()  # first category on top, as it reads in a table
    elif angle:
        for label in axes.get_xticklabels():
            label.set(rotation=angle, rotation_mode="anchor", horizontalalignment="right")
            if angle == 90:
                label.set_verticalalignment("center")
    value_axis.set_label_text(_plain(chart.unit), fontfamily=FONT, fontsize=8, color=TEXT_COLOUR)
    locale = _locale(language)
    value_axis.set_major_formatter(
        FuncFormatter(lambda value, _: format_decimal(value, locale=locale))
    )
    if chart.counts:
        value_axis.set_major_locator(MaxNLocator(integer=True))
    value_axis.grid(True, color=GRID_COLOUR, linewidth=0.6)
    axes.set_axisbelow(True)
    axes.tick_params(labelsize=8, labelcolor=TEXT_COLOUR, labelfontfamily=FONT)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GRID_COLOUR)
    figure.suptitle(
        _plain(chart.title),
        x=0.01,
        horizontalalignment="left",
        fontfamily=FONT,
        fontsize=10,
        fontweight="bold",
        color=TEXT_COLOUR,
        wrap=True,
    )
    if len(chart.series) > 1 or (chart.series and chart.series[0][0]):
        figure.legend(
            handles,
            [_plain(name) for name, _ in chart.series],  # given, so "_x" is not hidden
            loc="outside lower center",
            ncols=min(len(chart.series), 4),
            frameon=False,
            prop={"family": FONT, "size": 8},
            labelcolor=TEXT_COLOUR,
        )
    return figure


def _plain(text: str) -> str:
    """Text shown as typed: matplotlib reads "$...$" as mathematics unless escaped."""
    return text.replace("$", r"\$")


def _category_labels(chart: BarChart, width_in: float) -> tuple[list[str], float]:
    """Category labels wrapped to the room each has, and the angle to rotate them by."""
    chars_per_inch = 11  # DejaVu Sans at 8 pt, Cyrillic being wider than Latin
    line_in = 0.16  # the height of a line of 8 pt text

    def wrap(label: str, width: int, lines: int) -> str:
        return textwrap.fill(label, width, max_lines=lines, placeholder="…", break_long_words=False)

    if chart.horizontal:  # the labels share the width with the bars: up to 40 % of it
        width = max(12, int(width_in * 0.4 * chars_per_inch))
        return [wrap(label, width, 2) for label in chart.categories], 0
    spacing = width_in * 0.85 / max(len(chart.categories), 1)  # between two bars' centres
    room = int(spacing * chars_per_inch)
    labels = [wrap(label, max(room, 1), 3) for label in chart.categories]
    if all(len(line) <= room for label in labels for line in label.splitlines()):
        return labels, 0
    # A word does not fit under its bar: slant the labels, or stand them up when the bars are
    # so close that slanted labels would overlap (past ~30 bars, make the chart horizontal).
    if spacing * math.sin(math.radians(35)) >= 2 * line_in:
        return [wrap(label, 22, 2) for label in chart.categories], 35
    if spacing * math.sin(math.radians(35)) >= line_in:
        return [wrap(label, 28, 1) for label in chart.categories], 35
    return [wrap(label, 28, 1) for label in chart.categories], 90


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale("en")
