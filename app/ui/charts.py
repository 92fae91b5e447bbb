"""Altair charts of the matrix and the targets, and their export as a picture.

Pure: rows in, charts or bytes out. PNG needs ``vl-convert-python`` (a PyPI wheel with its own
renderer, works offline); without it the picture is offered as a self-contained HTML page instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType

import altair as alt
import pandas as pd

from app.ui.format import ROLE_LABELS, ROLE_SYMBOLS

ROLE_COLOURS = {"牵头": "#b91c1c", "配合": "#60a5fa", "负责": "#f59e0b"}
FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, SimHei, sans-serif"
CELL_PX = 24
TIMELINE_COLUMNS = ["指标", "目标", "目标值", "单位", "限定", "时限", "年份", "条款", "牵头单位"]


def heatmap(
    cells: Sequence[Mapping[str, str]], departments: Sequence[str], clauses: Sequence[str], title: str
) -> alt.Chart:
    """Departments × clauses, one coloured square per role with its symbol (●/○/◐) on it."""
    frame = pd.DataFrame(list(cells), columns=["部门", "条款", "标题", "角色"])
    frame["符号"] = frame["角色"].map({ROLE_LABELS[r]: ROLE_SYMBOLS[r] for r in ROLE_LABELS})
    # labelOverlap=False: every department and clause must be named, not every other one.
    x = alt.X(
        "条款:N",
        sort=list(clauses),
        title=None,
        axis=alt.Axis(labelAngle=-90, labelLimit=140, labelOverlap=False, labelFontSize=11),
    )
    y = alt.Y(
        "部门:N",
        sort=list(departments),
        title=None,
        axis=alt.Axis(labelLimit=240, labelOverlap=False, labelFontSize=12),
    )
    base = alt.Chart(frame).encode(x=x, y=y, tooltip=["部门:N", "条款:N", "标题:N", "角色:N"])
    colour = alt.Color(
        "角色:N", title="角色", scale=alt.Scale(domain=list(ROLE_COLOURS), range=list(ROLE_COLOURS.values()))
    )
    squares = base.mark_rect(stroke="white").encode(color=colour)
    symbols = base.mark_text(color="white", fontSize=12).encode(text="符号:N")
    return (
        (squares + symbols)
        .properties(
            title=title,
            width=max(len(clauses), 1) * CELL_PX,
            height=max(len(departments), 1) * CELL_PX,
        )
        .configure(font=FONT)
    )


def timeline(rows: Sequence[Mapping[str, object]]) -> alt.Chart:
    """Targets with a deadline year on a year axis, one row per metric, labelled with the value.

    The axis runs from two years before the first deadline to one after the last, so a plan whose
    targets all fall due in one year still reads as a point in time rather than a lone column.
    """
    frame = pd.DataFrame([r for r in rows if r.get("年份")], columns=TIMELINE_COLUMNS)
    frame["年份"] = pd.to_numeric(frame["年份"])
    first, last = (int(frame["年份"].min()), int(frame["年份"].max())) if len(frame) else (2020, 2030)
    base = alt.Chart(frame).encode(
        x=alt.X(
            "年份:Q",
            title="截止年份",
            scale=alt.Scale(domain=[first - 2, last + 1]),
            axis=alt.Axis(format="d", tickMinStep=1),
        ),
        y=alt.Y("指标:N", title=None, sort=alt.EncodingSortField("年份"), axis=alt.Axis(labelLimit=260)),
        tooltip=["指标:N", "目标:N", "时限:N", "条款:N", "牵头单位:N"],
    )
    points = base.mark_point(filled=True, size=90, color="#b91c1c")
    labels = base.mark_text(align="left", dx=8, fontSize=11).encode(text="目标:N")
    return (points + labels).properties(height=max(len(frame), 1) * 24).configure(font=FONT)


def picture_format() -> tuple[str, str]:
    """(file suffix, mime) of the downloadable picture: PNG with vl-convert, else a standalone HTML."""
    return ("png", "image/png") if _vl_convert() is not None else ("html", "text/html")


def picture(chart: alt.Chart) -> bytes:
    """The chart in ``picture_format()``; rendering a PNG takes most of a second, so callers defer it."""
    converter = _vl_convert()
    if converter is None:
        return chart.to_html().encode("utf-8")
    return converter.vegalite_to_png(chart.to_json(), scale=2)


def _vl_convert() -> ModuleType | None:
    try:
        import vl_convert
    except ImportError:
        return None
    return vl_convert
