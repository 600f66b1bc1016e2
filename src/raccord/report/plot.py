"""The session's picture and the patient's trend, as Plotly figures (JSON for ``Plotly.newPlot``).

Plotly's JavaScript ships inside the ``plotly`` package (``plotly.offline.get_plotlyjs``): the
report inlines it, the dashboard serves it from the package; nothing is fetched from a network.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from raccord.errors import MissingExtraError
from raccord.report.view import SessionView, excerpt

COLOURS = {
    "withdrawal": "#c98a00",
    "confrontation": "#c0392b",
    "mixed": "#8e44ad",
    "repair": "#1e8449",
    "contribution": "#2c5aa0",
    "note": "#6c3483",
    "engagement": "#555555",
}


def _go() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError as exc:  # pragma: no cover - installed with the 'web' extra
        raise MissingExtraError(
            "reports and the dashboard need the 'web' extra", expected="pip install 'raccord[web]'"
        ) from exc
    return go


@cache
def plotly_js() -> str:
    """Plotly's bundled JavaScript, from the installed package."""
    _go()
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


def _hover(text: str) -> str:
    return "<br>".join(_wrap(excerpt(text, 260)))


def _wrap(text: str, width: int = 60) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def timeline(view: SessionView) -> dict[str, Any]:
    """Engagement per turn, markers by family, episodes shaded, repairs, contributions and notes."""
    go = _go()
    w = view.words
    turns = view.turns
    by_index = {t.index: t for t in turns}
    fig = go.Figure()
    n = len(turns)
    y = list(view.engagement) if len(view.engagement) == n else [1.0] * n
    fig.add_trace(
        go.Scatter(
            x=[t.uid for t in turns],
            y=y,
            mode="lines",
            line={"color": COLOURS["engagement"], "width": 1.6, "shape": "hv"},
            name=w.t("report", "engagement"),
            hovertext=[
                f"{t.speaker} ({t.clock}): " + _hover(t.text)
                if t.clock
                else f"{t.speaker}: " + _hover(t.text)
                for t in turns
            ],
            hoverinfo="text",
        )
    )
    for ep in view.episodes:
        start, end = by_index[ep.start].uid, by_index[ep.end].uid
        fig.add_vrect(
            x0=start - 0.5,
            x1=end + 0.5,
            fillcolor=COLOURS.get(ep.kind, COLOURS["mixed"]),
            opacity=0.13 if ep.severity == "micro" else 0.22,
            line_width=0,
            annotation_text=f"E{ep.index + 1}",
            annotation_position="top left",
            annotation_font_size=11,
        )
    for kind in ("withdrawal", "confrontation"):
        ms = [m for m in view.markers if m.kind == kind]
        if not ms:
            continue
        fig.add_trace(
            go.Scatter(
                x=[m.uid for m in ms],
                y=[y[m.turn] if m.turn < len(y) else 0.5 for m in ms],
                mode="markers",
                marker={
                    "symbol": "triangle-down",
                    "size": [8 + 2 * m.salience for m in ms],
                    "color": COLOURS[kind],
                    "line": {"width": 1, "color": "white"},
                },
                name=w.label("kind", kind),
                hovertext=[f"<b>{m.label}</b><br>" + _hover(by_index[m.turn].text) for m in ms],
                hoverinfo="text",
            )
        )
    for kind, symbol, level in (("repair", "star", 1.12), ("contribution", "diamond", -0.1)):
        mv = [m for m in view.moves if m.kind == kind]
        if not mv:
            continue
        fig.add_trace(
            go.Scatter(
                x=[m.uid for m in mv],
                y=[level] * len(mv),
                mode="markers",
                marker={"symbol": symbol, "size": 11, "color": COLOURS[kind]},
                name=w.t("report", kind),
                hovertext=[f"<b>{m.label}</b><br>" + _hover(by_index[m.turn].text) for m in mv],
                hoverinfo="text",
            )
        )
    placed = [nt for nt in view.notes if nt.uid is not None]
    if placed:
        fig.add_trace(
            go.Scatter(
                x=[nt.uid for nt in placed],
                y=[1.22] * len(placed),
                mode="markers",
                marker={"symbol": "x", "size": 10, "color": COLOURS["note"]},
                name=w.t("report", "note_short"),
                hovertext=[_hover(nt.text) for nt in placed],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        height=270,
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "y": -0.22, "font": {"size": 10}},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 11},
        hovermode="closest",
    )
    fig.update_xaxes(
        title_text=None, showgrid=False, zeroline=False, range=[-0.5, max(n - 0.5, 0.5)]
    )
    fig.update_yaxes(range=[-0.2, 1.3], tickvals=[0, 0.5, 1], gridcolor="#eeeeee", zeroline=False)
    return dict(json.loads(fig.to_json()))


def trend(
    numbers: Sequence[int],
    series: dict[str, Sequence[float | None]],
    *,
    height: int = 240,
) -> dict[str, Any]:
    """One line per named series across session numbers (rupture, contribution, check-in)."""
    go = _go()
    fig = go.Figure()
    palette = ["#c0392b", "#2c5aa0", "#1e8449", "#c98a00"]
    for i, (name, values) in enumerate(series.items()):
        fig.add_trace(
            go.Scatter(
                x=list(numbers),
                y=list(values),
                mode="lines+markers",
                name=name,
                line={"color": palette[i % len(palette)]},
            )
        )
    fig.update_layout(
        height=height,
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.25},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 11},
    )
    fig.update_xaxes(dtick=1, showgrid=False)
    fig.update_yaxes(range=[0, 1.05], gridcolor="#eeeeee")
    return dict(json.loads(fig.to_json()))
