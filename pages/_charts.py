"""Plotly figures for the progress and monitoring pages (presentation only: frames in, figures out)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from core.registrations import states

STATUS_VALUES = frozenset(s.value for s in states.Status)

# Thai glyphs need a font that has them; browsers pick the first one installed.
FONT = "Sarabun, Tahoma, Noto Sans Thai, sans-serif"
SLOW, NORMAL = "#d62728", "#1f77b4"


def figure(traces: list[Any], title: str, x: str, y: str, **layout: Any) -> go.Figure:
    """A figure with its title, axis labels and a Thai-capable font, validated once.

    Built in one constructor call: plotly validates on every update_layout, and plotly express
    groups through pandas; both made the progress page spend ~230 ms building its charts.
    """
    return go.Figure(
        data=traces,
        layout={
            "title": {"text": title},
            "xaxis": {"title": {"text": x}},
            "yaxis": {"title": {"text": y}},
            "font": {"family": FONT},
            "margin": {"t": 60, "l": 10, "r": 10, "b": 10},
            "legend": {"title": {"text": ""}},
            **layout,
        },
    )


def label(state: str) -> str:
    """How a status reads on a chart (other values as they are)."""
    return states.label(state) if state in STATUS_VALUES else state


def funnel(frame: pd.DataFrame) -> go.Figure:
    """Registrations reaching at least each stage; customdata carries the stage."""
    labels = [label(s) for s in frame["stage"]]
    trace = go.Funnel(
        y=labels, x=list(frame["reached"]), customdata=list(frame["stage"]), textinfo="value+percent initial"
    )
    return figure([trace], "Funnel: registrations that ever reached each stage", "Registrations", "Stage")


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
    title = f"Registrations submitted per {period}, by status"
    return figure(traces, title, f"{period.title()} (UTC)", "Registrations", barmode="stack")


def breakdown(frame: pd.DataFrame, title: str, axis: str) -> go.Figure:
    """Horizontal bars of registrations and placements per group; customdata carries the key."""
    data = frame.iloc[::-1]
    labels, keys = list(data["label"]), list(data["key"])
    traces = [
        go.Bar(y=labels, x=list(data[column]), name=name, orientation="h", customdata=keys)
        for column, name in (("registrations", "Registered"), ("placed_students", "Placed"))
    ]
    height = max(300, 40 * len(frame) + 120)
    return figure(traces, title, "Registrations", axis, barmode="group", height=height)


def stage_times(frame: pd.DataFrame) -> go.Figure:
    """Median and 90th percentile of days spent in each state."""
    labels = [label(s) for s in frame["state"]]
    traces = [
        go.Bar(x=labels, y=list(frame["median_days"]), name="Median"),
        go.Bar(x=labels, y=list(frame["p90_days"]), name="90th percentile"),
    ]
    return figure(traces, "Days spent in each state before it ended", "State", "Days", barmode="group")


def approver_times(frame: pd.DataFrame, state: str) -> go.Figure:
    """Median days per approver for one state; approvers well above the stage's median in red."""
    data = frame[frame["state"] == state].sort_values("median_days")
    colours = [SLOW if slow else NORMAL for slow in data["stands_out"]]
    trace = go.Bar(
        y=list(data["approver"]),
        x=list(data["median_days"]),
        orientation="h",
        marker_color=colours,
        customdata=list(data["transitions"]),
        hovertemplate="%{y}: median %{x:.1f} days over %{customdata} decisions<extra></extra>",
    )
    title = f"Median days in '{label(state)}' by the approver who ended it (red: slow)"
    return figure([trace], title, "Median days", "Approver", height=max(300, 28 * len(data) + 120))


def overdue(frame: pd.DataFrame, days: int) -> go.Figure:
    """Open items older than the overdue limit, per approver and the state they wait in."""
    traces = [
        go.Bar(x=list(group["overdue"]), y=list(group["approver"]), name=label(str(state)), orientation="h")
        for state, group in frame.groupby("state", sort=False)
    ]
    height = max(300, 28 * frame["approver"].nunique() + 120)
    title = f"Items waiting more than {days} days, per approver"
    return figure(traces, title, "Overdue items", "Approver", barmode="stack", height=height)


def queue(frame: pd.DataFrame) -> go.Figure:
    """Open and overdue items per open state."""
    labels = [label(s) for s in frame["state"]]
    traces = [
        go.Bar(x=labels, y=list(frame["open"]), name="Open"),
        go.Bar(x=labels, y=list(frame["overdue"]), name="Overdue"),
    ]
    return figure(traces, "Review queue by state", "State", "Registrations", barmode="group")


def logins(frame: pd.DataFrame) -> go.Figure:
    """Sign-ins, failures and lockouts per hour."""
    traces = [
        go.Scatter(x=list(group["hour"]), y=list(group["count"]), name=str(action), mode="lines+markers")
        for action, group in frame.groupby("action", sort=False)
    ]
    return figure(traces, "Sign-ins over the last 24 hours", "Hour (UTC)", "Events")


def timings(frame: pd.DataFrame, kind: str, title: str) -> go.Figure:
    """Mean milliseconds per page or per statement verb."""
    data = frame[frame["kind"] == kind].sort_values("mean_ms")
    trace = go.Bar(
        y=list(data["name"]),
        x=list(data["mean_ms"]),
        orientation="h",
        customdata=list(data["count"]),
        hovertemplate="%{y}: %{x:.1f} ms mean over %{customdata} runs<extra></extra>",
    )
    return figure([trace], title, "Mean milliseconds", "")
