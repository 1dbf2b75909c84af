"""Registrations: the vocabulary and state machine, transitions, committee votes, the review queue.

Public API (what pages, the HTTP API, commands and other core packages use):
- `states`: statuses, their named sets and order, labels, funnel stages, the transition table;
- `transition`, `bulk_transition`: move registrations, one transaction each;
- `vote`, `committee_status`, `awaiting_votes`: the section committee's decision;
- `registration_detail`: one registration with its timeline and the actions open to the viewer;
- `list_queue`, `count_queue`, `export_queue` with `QueueFilters` and `SORTS`: the review queue
  (`sees_own_advisees_only`: whom it is scoped to);
- `headline_counts`, `latest_activity`: the home page;
- `placement_problems` and the facts it reads: the one placement rule;
- `enter_registration` (`IntakeRequest`, `Idempotency`, `Entered`, `IntakeRefused`, `KeyReused`):
  a walk-in or API registration under the intake rules (`intake_rules`, shared with the import);
- `withdraw_registration`: on the student's behalf, with a reason;
- `get_record`, `list_records` (`RegistrationRecord`, `RecordPage`) and `list_changes`
  (`Change`, `ChangePage`): registrations and the changes feed for other systems; `catch_up_feed`
  and `recount_rollups` for rows written in bulk (demo data);
- `mail_student`, `student_contact`: mails to a registration's student through the outbox, in the
  transaction of the change (every transition to needs changes, rejected or committee approved writes
  one); `student_and_company` for other packages' mails; `clean_reason` for their reasons.
"""

from core.registrations import intake_rules, states
from core.registrations.activity import Activity, HomeCounts, headline_counts, latest_activity
from core.registrations.committee import (
    CommitteeStatus,
    MemberVote,
    VoteOutcome,
    awaiting_votes,
    committee_status,
    decision,
    quorum,
    vote,
)
from core.registrations.detail import ActionOption, RegistrationDetail, TimelineEntry, registration_detail
from core.registrations.feed import Change, ChangePage, list_changes
from core.registrations.feed import catch_up as catch_up_feed
from core.registrations.intake import (
    Entered,
    Idempotency,
    IntakeRefused,
    IntakeRequest,
    KeyReused,
    enter_registration,
)
from core.registrations.notices import StudentContact, mail_student, student_and_company, student_contact
from core.registrations.placement import (
    Candidate,
    PostingFacts,
    candidate_for,
    candidate_of,
    placement_problems,
    posting_facts,
)
from core.registrations.queue import (
    MAX_EXPORT,
    QueueCursor,
    QueueFilters,
    QueuePage,
    count_queue,
    export_queue,
    list_queue,
    sees_own_advisees_only,
)
from core.registrations.queue_order import SORTS, column_ascending
from core.registrations.records import RecordPage, RegistrationRecord, get_record, list_records
from core.registrations.rollups import recount as recount_rollups
from core.registrations.store import clean_reason
from core.registrations.transitions import (
    MAX_BULK,
    BulkResult,
    TransitionResult,
    bulk_transition,
    transition,
    withdraw_registration,
)

__all__ = [
    "MAX_BULK",
    "MAX_EXPORT",
    "SORTS",
    "ActionOption",
    "Activity",
    "BulkResult",
    "Candidate",
    "Change",
    "ChangePage",
    "CommitteeStatus",
    "Entered",
    "HomeCounts",
    "Idempotency",
    "IntakeRefused",
    "IntakeRequest",
    "KeyReused",
    "MemberVote",
    "PostingFacts",
    "QueueCursor",
    "QueueFilters",
    "QueuePage",
    "RecordPage",
    "RegistrationDetail",
    "RegistrationRecord",
    "StudentContact",
    "TimelineEntry",
    "TransitionResult",
    "VoteOutcome",
    "awaiting_votes",
    "bulk_transition",
    "candidate_for",
    "candidate_of",
    "catch_up_feed",
    "clean_reason",
    "column_ascending",
    "committee_status",
    "count_queue",
    "decision",
    "enter_registration",
    "export_queue",
    "get_record",
    "headline_counts",
    "intake_rules",
    "latest_activity",
    "list_changes",
    "list_queue",
    "list_records",
    "mail_student",
    "placement_problems",
    "posting_facts",
    "quorum",
    "recount_rollups",
    "registration_detail",
    "sees_own_advisees_only",
    "states",
    "student_and_company",
    "student_contact",
    "transition",
    "vote",
    "withdraw_registration",
]
