"""Plotly figures for the progress and monitoring pages (presentation only: frames in, figures out)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

# Thai glyphs need a font that has them; browsers pick the first one installed.
FONT = "Sarabun, Tahoma, Noto Sans Thai, sans-serif"
SLOW, NORMAL = "#d62728", "#1f77b4"
STAGE_LABELS = {
    "submitted": "Submitted",
    "advisor_approved": "Advisor approved",
    "committee_approved": "Committee approved",
    "placed": "Placed",
    "in_progress": "In progress",
    "completed": "Completed",
    "failed": "Failed",
    "needs_changes": "Needs changes",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
}


def styled(fig: go.Figure, title: str, x: str, y: str) -> go.Figure:
    """Give a figure its title, axis labels and a Thai-capable font."""
    fig.update_layout(
        title={"text": title},
        xaxis_title=x,
        yaxis_title=y,
        font={"family": FONT},
        margin={"t": 60, "l": 10, "r": 10, "b": 10},
        legend_title_text="",
    )
    return fig


def funnel(frame: pd.DataFrame) -> go.Figure:
    """Registrations reaching at least each stage; customdata carries the stage."""
    labels = [STAGE_LABELS.get(s, s) for s in frame["stage"]]
    fig = go.Figure(
        go.Funnel(y=labels, x=frame["reached"], customdata=frame["stage"], textinfo="value+percent initial")
    )
    return styled(fig, "Funnel: registrations reaching each stage", "Registrations", "Stage")


def timeline(frame: pd.DataFrame, period: str) -> go.Figure:
    """Stacked bars of registrations per period of submission, by current status."""
    data = frame.assign(label=frame["status"].map(lambda s: STAGE_LABELS.get(s, s)))
    fig = px.bar(data, x="period", y="registrations", color="label", custom_data=["status"])
    return styled(
        fig, f"Registrations submitted per {period}, by status", f"{period.title()} (UTC)", "Registrations"
    )


def breakdown(frame: pd.DataFrame, title: str, axis: str) -> go.Figure:
    """Horizontal bars of registrations and placements per group; customdata carries the key."""
    data = frame.iloc[::-1]
    fig = go.Figure(
        [
            go.Bar(
                y=data["label"],
                x=data["registrations"],
                name="Registered",
                orientation="h",
                customdata=data["key"],
            ),
            go.Bar(y=data["label"], x=data["placed"], name="Placed", orientation="h", customdata=data["key"]),
        ]
    )
    fig.update_layout(barmode="group", height=max(300, 40 * len(frame) + 120))
    return styled(fig, title, "Registrations", axis)


def stage_times(frame: pd.DataFrame) -> go.Figure:
    """Median and 90th percentile of days spent in each state."""
    labels = [STAGE_LABELS.get(s, s) for s in frame["state"]]
    fig = go.Figure(
        [
            go.Bar(x=labels, y=frame["median_days"], name="Median"),
            go.Bar(x=labels, y=frame["p90_days"], name="90th percentile"),
        ]
    )
    fig.update_layout(barmode="group")
    return styled(fig, "Days spent in each state before it ended", "State", "Days")


def approver_times(frame: pd.DataFrame, state: str) -> go.Figure:
    """Median days per approver for one state; approvers well above the stage's median in red."""
    data = frame[frame["state"] == state].sort_values("median_days")
    colours = [SLOW if slow else NORMAL for slow in data["stands_out"]]
    fig = go.Figure(
        go.Bar(
            y=data["approver"],
            x=data["median_days"],
            orientation="h",
            marker_color=colours,
            customdata=data["transitions"],
            hovertemplate="%{y}: median %{x:.1f} days over %{customdata} decisions<extra></extra>",
        )
    )
    fig.update_layout(height=max(300, 28 * len(data) + 120))
    title = f"Median days in '{STAGE_LABELS.get(state, state)}' by the approver who ended it (red: slow)"
    return styled(fig, title, "Median days", "Approver")


def overdue(frame: pd.DataFrame, days: int) -> go.Figure:
    """Open items older than the overdue limit, per approver and the state they wait in."""
    data = frame.assign(state=frame["state"].map(lambda s: STAGE_LABELS.get(s, s)))
    fig = px.bar(data, x="overdue", y="approver", color="state", orientation="h")
    fig.update_layout(height=max(300, 28 * data["approver"].nunique() + 120))
    return styled(fig, f"Items waiting more than {days} days, per approver", "Overdue items", "Approver")


def queue(frame: pd.DataFrame) -> go.Figure:
    """Open and overdue items per open state."""
    labels = [STAGE_LABELS.get(s, s) for s in frame["state"]]
    fig = go.Figure(
        [go.Bar(x=labels, y=frame["open"], name="Open"), go.Bar(x=labels, y=frame["overdue"], name="Overdue")]
    )
    fig.update_layout(barmode="group")
    return styled(fig, "Review queue by state", "State", "Registrations")


def logins(frame: pd.DataFrame) -> go.Figure:
    """Sign-ins, failures and lockouts per hour."""
    fig = px.line(frame, x="hour", y="count", color="action", markers=True)
    return styled(fig, "Sign-ins over the last 24 hours", "Hour (UTC)", "Events")


def timings(frame: pd.DataFrame, kind: str, title: str) -> go.Figure:
    """Mean milliseconds per page or per statement verb."""
    data = frame[frame["kind"] == kind].sort_values("mean_ms")
    fig = go.Figure(go.Bar(y=data["name"], x=data["mean_ms"], orientation="h", customdata=data["count"]))
    fig.update_traces(hovertemplate="%{y}: %{x:.1f} ms mean over %{customdata} runs<extra></extra>")
    return styled(fig, title, "Mean milliseconds", "")
