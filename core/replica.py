"""An optional MariaDB read replica for read-only dashboard, search and export queries.

`DATABASE_REPLICA_URL` names it. A read goes there only when (a) the replica answers, (b) its
`SHOW REPLICA STATUS` says replication runs and is at most `REPLICA_MAX_LAG_S` behind, and (c) the
user reading has not written in the last `READ_YOUR_WRITES_S` (their own change shows at once).
Otherwise the primary serves it, silently; the state shows on *Monitoring*. The state is checked
at most every `CHECK_EVERY_S` per process, so a page pays for a check rarely. Values read from the
replica are cached only briefly (they may lag the primary by up to the allowed lag).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from db.engine import Database

CHECK_EVERY_S = 2.0


@dataclass(frozen=True)
class ReplicaState:
    """What the last check found: usable or not, why not, and the lag in seconds."""

    configured: bool
    usable: bool
    reason: str  # "ok", "down", "lagging", "stopped", "not configured"
    lag_s: float | None = None


NOT_CONFIGURED = ReplicaState(configured=False, usable=False, reason="not configured")


def _lag(row: dict[str, Any]) -> float | None:
    """Seconds behind, or None when replication is not running (stopped or paused)."""
    io_running = str(row.get("Slave_IO_Running") or row.get("Replica_IO_Running") or "").lower()
    sql_running = str(row.get("Slave_SQL_Running") or row.get("Replica_SQL_Running") or "").lower()
    behind = row.get("Seconds_Behind_Master", row.get("Seconds_Behind_Source"))
    if io_running != "yes" or sql_running != "yes" or behind is None:
        return None
    return float(behind)


class ReadReplica:
    """The replica's database, its last known state, and who wrote recently (this process)."""

    def __init__(self, db: Database, *, max_lag_s: float, read_your_writes_s: float) -> None:
        self.db = db
        self.max_lag_s = max_lag_s
        self.read_your_writes_s = read_your_writes_s
        self._lock = threading.Lock()
        self._state = ReplicaState(configured=True, usable=False, reason="down")
        self._checked = float("-inf")
        self._writes: dict[int, float] = {}

    def check(self) -> ReplicaState:
        """Ask the replica now (SHOW REPLICA STATUS) and remember the answer."""
        try:
            with self.db.engine.connect() as conn:
                row = conn.execute(text("SHOW REPLICA STATUS")).mappings().first()
        except Exception:  # down or unreachable: the primary serves, monitoring says why
            state = ReplicaState(configured=True, usable=False, reason="down")
        else:
            lag = None if row is None else _lag(dict(row))
            if lag is None:
                state = ReplicaState(configured=True, usable=False, reason="stopped")
            elif lag > self.max_lag_s:
                state = ReplicaState(configured=True, usable=False, reason="lagging", lag_s=lag)
            else:
                state = ReplicaState(configured=True, usable=True, reason="ok", lag_s=lag)
        with self._lock:
            self._state, self._checked = state, time.monotonic()
        return state

    def state(self) -> ReplicaState:
        """The last state, re-checked when it is older than CHECK_EVERY_S."""
        with self._lock:
            fresh = time.monotonic() - self._checked < CHECK_EVERY_S
            state = self._state
        return state if fresh else self.check()

    def mark_down(self) -> None:
        """A read failed on the replica: use the primary until the next check."""
        with self._lock:
            self._state, self._checked = ReplicaState(True, False, "down"), time.monotonic()

    def note_write(self, user_id: int) -> None:
        """This user just changed something: their reads go to the primary for a while."""
        now = time.monotonic()
        with self._lock:
            self._writes[user_id] = now
            if len(self._writes) > 10_000:  # forget the old ones
                self._writes = {u: t for u, t in self._writes.items() if now - t < self.read_your_writes_s}

    def serves(self, user_id: int | None) -> bool:
        """Whether a read for this user may go to the replica now."""
        if user_id is not None:
            with self._lock:
                wrote = self._writes.get(user_id)
            if wrote is not None and time.monotonic() - wrote < self.read_your_writes_s:
                return False
        return self.state().usable
