"""Monitoring: database and cache health, timings, sign-ins, incidents and the queue, refreshed live."""

import pandas as pd
import streamlit as st

from core import mail, monitoring, ops, progress
from core.access import Actor, Permission
from core.i18n import N_
from core.progress import ProgressFilters
from pages import _charts as charts
from pages._progress_widgets import overdue_definition
from pages._ui import _, context, guard, run_action, still_signed_in, when

SLOW_COLUMNS = {
    "statement": N_("Statement"),
    "count": N_("Runs"),
    "mean_ms": N_("Mean ms"),
    "max_ms": N_("Max ms"),
}
BACKENDS = {"memory": N_("in memory"), "redis": "Redis"}
REPLICA_STATES = {
    "ok": N_("in use"),
    "down": N_("skipped: not answering"),
    "stopped": N_("skipped: replication stopped"),
    "lagging": N_("skipped: too far behind"),
    "not configured": N_("not configured"),
}
INCIDENT_COLUMNS = {
    "at": N_("When"),
    "incident": N_("Incident id"),
    "replica": N_("Server"),
    "page": N_("Page"),
    "user_id": N_("User id"),
    "kind": N_("Error"),
    "trace_hash": N_("Trace hash"),
}

actor = guard(Permission.VIEW_MONITORING)
ctx = context()
st.title(_("Monitoring"))
st.caption(
    _(
        "Refreshes every 5 seconds. Timings are this server process's since it started; "
        "incidents are every server's."
    )
)
st.caption(_("This page is served by {replica}.", replica=ctx.settings.replica_id))


def _up(up: bool) -> str:
    return _("up") if up else _("DOWN")


def _health(actor: Actor) -> None:
    health = run_action(lambda: monitoring.health(ctx, actor=actor))
    if health is None:
        return
    cache = health.cache
    cols = st.columns(5)
    cols[0].metric(_("Database"), _up(health.db_up))
    cols[1].metric(_("DB latency"), "—" if health.db_latency_ms is None else f"{health.db_latency_ms:.1f} ms")
    cols[2].metric(
        _("Cache ({backend})", backend=_(BACKENDS.get(str(cache["backend"]), str(cache["backend"])))),
        _up(True) if health.cache_up else _("DOWN — reading the database"),
    )
    cols[3].metric(
        _("Cache latency"), "—" if health.cache_latency_ms is None else f"{health.cache_latency_ms:.2f} ms"
    )
    cols[4].metric(
        _("Active sessions"), "—" if health.active_sessions is None else f"{health.active_sessions:,}"
    )
    cols = st.columns(4)
    cols[0].metric(_("Cache hits"), f"{cache['hits']:,}")
    cols[1].metric(_("Cache misses"), f"{cache['misses']:,}")
    cols[2].metric(_("Cache errors"), f"{cache['errors']:,}")
    cols[3].metric(_("Cache breaker"), str(cache["breaker"]))
    replica = health.replica
    lag = "" if replica.lag_s is None else " · " + _("{seconds:,.0f} s behind", seconds=replica.lag_s)
    st.caption(
        _(
            "Read replica (dashboards, search, exports): {state}",
            state=_(REPLICA_STATES.get(replica.reason, replica.reason)),
        )
        + lag
    )


def _outbox(actor: Actor) -> None:
    stats = run_action(lambda: mail.outbox_summary(ctx, actor=actor))
    if stats is None:
        return
    cols = st.columns(3)
    cols[0].metric(_("Mails waiting"), f"{stats.backlog:,}")
    cols[1].metric(_("Oldest waiting (minutes)"), f"{stats.oldest_unsent_seconds / 60:,.0f}")
    failed = ", ".join(f"{reason}: {n}" for reason, n in sorted(stats.failed_by_reason.items())) or "0"
    cols[2].metric(_("Mails failed"), failed)


def _timings(actor: Actor) -> None:
    frame = run_action(lambda: monitoring.timings(actor=actor))
    if frame is None:
        return
    left, right = st.columns(2)
    with left:
        st.plotly_chart(charts.timings(frame, "page", _("Page run time")), key="chart_pages")
    with right:
        st.plotly_chart(
            charts.timings(frame, "query", _("Query time by statement kind")), key="chart_queries"
        )
    total = int(frame.loc[frame["kind"] == "query", "count"].sum())
    st.caption(_("{total:,} statements executed by this process.", total=total))


@st.fragment(run_every=5)
def live() -> None:
    """The part of the page that refreshes itself (each run re-checks the session: no full rerun runs)."""
    viewer = still_signed_in(Permission.VIEW_MONITORING)
    _health(viewer)
    _outbox(viewer)
    _timings(viewer)
    activity = run_action(lambda: monitoring.login_activity(ctx, actor=viewer))
    if activity is not None:
        st.plotly_chart(charts.logins(activity), key="chart_logins")
    ageing = run_action(lambda: progress.queue_ageing(ctx, actor=viewer, filters=ProgressFilters()))
    if ageing is not None:
        st.plotly_chart(charts.queue(ageing.by_state), key="chart_queue")
        st.caption(overdue_definition(ageing.overdue_days))
    st.subheader(_("Slowest statements"))
    slow = run_action(lambda: monitoring.slow_queries(actor=viewer))
    if slow is not None:
        st.dataframe(
            slow.round({"mean_ms": 2, "max_ms": 2}),
            hide_index=True,
            width="stretch",
            column_config={c: _(label) for c, label in SLOW_COLUMNS.items()},
        )
    st.subheader(_("Recent incidents"))
    incidents = run_action(lambda: ops.recent_incidents(ctx, actor=viewer))
    if incidents is not None and not incidents.empty:
        _incident_table(incidents)
    elif incidents is not None:
        st.info(_("No incidents recorded. Incident ids shown to users appear here."))


def _incident_table(frame: pd.DataFrame) -> None:
    st.dataframe(
        frame.assign(at=[when(t) for t in frame["at"]]),
        hide_index=True,
        width="stretch",
        column_config={c: _(label) for c, label in INCIDENT_COLUMNS.items()},
    )


def find_incident() -> None:
    """Look up the id a user read out, whichever server they were on."""
    with st.form("find_incident"):
        wanted = st.text_input(_("Find incident by id"), max_chars=40, placeholder="3f2a9c0b1d4e")
        submitted = st.form_submit_button(_("Find"))
    if not submitted or not wanted.strip():
        return
    found = run_action(lambda: ops.find_incident(ctx, actor=actor, incident=wanted))
    if found is None:
        return
    if found.empty:
        st.warning(_("No incident with this id."))
    else:
        _incident_table(found)
        st.caption(_("The full trace is in the log of the server named above, under the same incident id."))


find_incident()
live()
