"""Operations: readiness and configuration checks, structured logs, incidents shared by replicas.

Public API:
- `Check`, `readiness`, `schema_check`, `secret_checks`, `MIGRATE_COMMAND`: what `/healthz/ready`
  and `python manage.py check` report;
- `logs`: the JSON log configuration, `logs.bound(...)` and `logs.redact`;
- `new_id`, `record_incident`, `recent_incidents`, `find_incident`: incidents in the database.
"""

from core.ops import logs
from core.ops.checks import MIGRATE_COMMAND, Check, readiness, schema_check, secret_checks
from core.ops.incidents import find_incident, new_id, recent_incidents, record_incident

__all__ = [
    "MIGRATE_COMMAND",
    "Check",
    "find_incident",
    "logs",
    "new_id",
    "readiness",
    "recent_incidents",
    "record_incident",
    "schema_check",
    "secret_checks",
]
