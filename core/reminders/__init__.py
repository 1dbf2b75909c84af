"""Daily mails: digests of overdue items for coordinators and advisors (unless they opt out), evaluation
due and overdue notices for supervisors and advisors, expiring agreements for coordinators.

Public API: `write_reminders` (idempotent per day and subject), `ReminderReport`,
`EVALUATION_NOTICE_DAYS`, `AGREEMENT_NOTICE_DAYS`.
"""

from core.reminders.daily import (
    AGREEMENT_NOTICE_DAYS,
    EVALUATION_NOTICE_DAYS,
    ReminderReport,
    write_reminders,
)

__all__ = ["AGREEMENT_NOTICE_DAYS", "EVALUATION_NOTICE_DAYS", "ReminderReport", "write_reminders"]
