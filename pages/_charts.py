"""Plotly figures for the progress and monitoring pages (presentation only: frames in, figures out).

Titles, axes and legends are in the reader's language. Plotly reads a few HTML tags in labels
(<b>, <a href>, <br>), and staff name companies, every user names themselves: so `figure`, which
every chart goes through, escapes every title and every text a trace shows, in one place. A
company called "<a href=...>X</a>" shows exactly that, never a live link.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from core.i18n import N_, local_time
from core.progress import OTHERS, UNKNOWN_APPROVER
from core.registrations import states
from pages._ui import _

# Thai glyphs need a font that has them; browsers pick the first one installed.
FONT = "Sarabun, Tahoma, Noto Sans Thai, sans-serif"
SLOW, NORMAL = "#d62728", "#1f77b4"
SIGN_IN_EVENTS = {
    "login": N_("Signed in"),
    "login_failed": N_("Failed sign-in"),
    "lockout": N_("Locked out"),
}


# Trace fields whose strings plotly draws as text (hovertemplate is ours, never data).
TEXT_FIELDS = ("x", "y", "name", "text", "hovertext", "labels")


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return safe(value)
    if isinstance(value, list | tuple):
        return [safe(v) if isinstance(v, str) else v for v in value]
    return value


def _plain_trace(trace: Any) -> dict[str, Any]:
    spec = trace.to_plotly_json() if hasattr(trace, "to_plotly_json") else dict(trace)
    return {k: _plain(v) if k in TEXT_FIELDS else v for k, v in spec.items()}


def figure(traces: list[Any], title: str, x: str, y: str, **layout: Any) -> go.Figure:
    """A figure with its title, axis labels and a Thai-capable font, every shown text escaped.

    Built in one constructor call: plotly validates on every update_layout, and plotly express
    groups through pandas; both made the progress page spend ~230 ms building its charts.
    """
    return go.Figure(
        data=[_plain_trace(t) for t in traces],
        layout={
            "title": {"text": safe(title)},
            "xaxis": {"title": {"text": safe(x)}},
            "yaxis": {"title": {"text": safe(y)}},
            "font": {"family": FONT},
            "margin": {"t": 60, "l": 10, "r": 10, "b": 10},
            "legend": {"title": {"text": ""}},
            **layout,
        },
    )


def safe(value: object) -> str:
    """Text shown on a chart as plain text (plotly would read <b>, <a>, <br> as markup)."""
    return html.escape(str(value), quote=False)


def label(state: str) -> str:
    """How a status reads on a chart, in the reader's language (other values as they are)."""
    return _(states.label(state)) if state in states.VALUES else state


def approver(name: str) -> str:
    """An approver's name on a chart (the unknown one in the reader's language)."""
    return _(UNKNOWN_APPROVER) if name == UNKNOWN_APPROVER else name


def funnel(frame: pd.DataFrame) -> go.Figure:
    """Registrations reaching at least each stage; customdata carries the stage."""
    labels = [label(s) for s in frame["stage"]]
    trace = go.Funnel(
        y=labels, x=list(frame["reached"]), customdata=list(frame["stage"]), textinfo="value+percent initial"
    )
    return figure(
        [trace], _("Funnel: registrations that ever reached each stage"), _("Registrations"), _("Stage")
    )


def timeline(frame: pd.DataFrame, period: str) -> go.Figure:
    """Stacked bars of registrations per period of submission, by current status."""
    traces = [
        go.Bar(
            x=list(group["period"]),
            y=list(group["registrations"]),
            name=label(str(status)),
            customdata=[status] * len(group),
        )
        for status, group in frame.groupby("status", sort=False)
    ]
    title, axis = (
        (_("Registrations submitted per week, by status"), _("Week"))
        if period == "week"
        else (_("Registrations submitted per month, by status"), _("Month"))
    )
    return figure(traces, title, axis, _("Registrations"), barmode="stack")


def breakdown(frame: pd.DataFrame, title: str, axis: str) -> go.Figure:
    """Horizontal bars of registrations and placements per group; customdata carries the key."""
    data = frame.iloc[::-1]
    keys = list(data["key"])
    labels = [_(OTHERS) if k == OTHERS else str(v) for k, v in zip(keys, data["label"], strict=True)]
    traces = [
        go.Bar(y=labels, x=list(data[column]), name=name, orientation="h", customdata=keys)
        for column, name in (("registrations", _("Registered")), ("placed_students", _("Placed")))
    ]
    height = max(300, 40 * len(frame) + 120)
    return figure(traces, title, _("Registrations"), axis, barmode="group", height=height)


def stage_times(frame: pd.DataFrame) -> go.Figure:
    """Median and 90th percentile of days spent in each state."""
    labels = [label(s) for s in frame["state"]]
    traces = [
        go.Bar(x=labels, y=list(frame["median_days"]), name=_("Median")),
        go.Bar(x=labels, y=list(frame["p90_days"]), name=_("90th percentile")),
    ]
    return figure(
        traces, _("Days spent in each state before it ended"), _("State"), _("Days"), barmode="group"
    )


def approver_times(frame: pd.DataFrame, state: str) -> go.Figure:
    """Median days per approver for one state; approvers well above the stage's median in red."""
    data = frame[frame["state"] == state].sort_values("median_days")
    colours = [SLOW if slow else NORMAL for slow in data["stands_out"]]
    trace = go.Bar(
        y=[approver(a) for a in data["approver"]],
        x=list(data["median_days"]),
        orientation="h",
        marker_color=colours,
        customdata=list(data["transitions"]),
        hovertemplate=_("%{y}: median %{x:.1f} days over %{customdata} decisions") + "<extra></extra>",
    )
    title = _("Median days in “{state}” by the approver who ended it (red: slow)", state=label(state))
    return figure([trace], title, _("Median days"), _("Approver"), height=max(300, 28 * len(data) + 120))


def overdue(frame: pd.DataFrame, days: int) -> go.Figure:
    """Open items older than the overdue limit, per approver and the state they wait in."""
    traces = [
        go.Bar(
            x=list(group["overdue"]),
            y=[approver(a) for a in group["approver"]],
            name=label(str(state)),
            orientation="h",
        )
        for state, group in frame.groupby("state", sort=False)
    ]
    height = max(300, 28 * frame["approver"].nunique() + 120)
    title = _("Items waiting more than {days} days, per approver", days=days)
    return figure(traces, title, _("Overdue items"), _("Approver"), barmode="stack", height=height)


def queue(frame: pd.DataFrame) -> go.Figure:
    """Open and overdue items per open state."""
    labels = [label(s) for s in frame["state"]]
    traces = [
        go.Bar(x=labels, y=list(frame["open"]), name=_("Open items")),
        go.Bar(x=labels, y=list(frame["overdue"]), name=_("Overdue")),
    ]
    return figure(traces, _("Review queue by state"), _("State"), _("Registrations"), barmode="group")


def logins(frame: pd.DataFrame) -> go.Figure:
    """Sign-ins, failures and lockouts per hour."""
    traces = [
        go.Scatter(
            x=[local_time(h) for h in group["hour"]],
            y=list(group["count"]),
            name=_(SIGN_IN_EVENTS.get(str(action), str(action))),
            mode="lines+markers",
        )
        for action, group in frame.groupby("action", sort=False)
    ]
    return figure(traces, _("Sign-ins over the last 24 hours"), _("Hour"), _("Events"))


def timings(frame: pd.DataFrame, kind: str, title: str) -> go.Figure:
    """Mean milliseconds per page or per statement verb."""
    data = frame[frame["kind"] == kind].sort_values("mean_ms")
    trace = go.Bar(
        y=[str(n) for n in data["name"]],
        x=list(data["mean_ms"]),
        orientation="h",
        customdata=list(data["count"]),
        hovertemplate=_("%{y}: %{x:.1f} ms mean over %{customdata} runs") + "<extra></extra>",
    )
    return figure([trace], title, _("Mean milliseconds"), "")
