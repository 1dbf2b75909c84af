"""Demo registrations: terms, legal paths through the state machine, timelines, votes, audit rows."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from core.registrations import states
from core.registrations.feed import FEED
from db.models import Base
from tools.demo import text as txt
from tools.demo.aftercare import TABLES as AFTERCARE_TABLES
from tools.demo.aftercare import Aftercare
from tools.demo.load import Loader, Row

T = Base.metadata.tables
S = states.Status
EPOCH = datetime(1970, 1, 1)  # naive UTC, see _dt
TERM_WEIGHT = {"past": 1.0, "running": 1.0, "upcoming": 0.7, "future": 0.0}  # registrations per term
TABLES = ("registrations", "registration_events", "committee_votes", "audit_log")  # insert order
DAY_US = 86_400_000_000
FORWARD = (S.SUBMITTED, S.ADVISOR_APPROVED, S.COMMITTEE_APPROVED, S.PLACED, S.IN_PROGRESS)
OCCUPIES = states.REACHED_PLACEMENT  # these keep the posting they were placed at
DECISIONS = states.DECIDED  # entering these sets decided_at, as the app does
GAP_DAYS = {S.SUBMITTED: (1, 7), S.ADVISOR_APPROVED: (1, 7), S.COMMITTEE_APPROVED: (2, 10),
            S.REJECTED: (1, 10), S.NEEDS_CHANGES: (1, 6), S.PLACED: (3, 25), S.IN_PROGRESS: (5, 40),
            S.COMPLETED: (60, 120), S.FAILED: (60, 120), S.WITHDRAWN: (2, 40)}  # fmt: skip
MIX = {
    "past": {S.COMPLETED: 35, S.FAILED: 3, S.WITHDRAWN: 30, S.REJECTED: 30, S.NEEDS_CHANGES: 1,
             S.IN_PROGRESS: 1},
    "running": {S.IN_PROGRESS: 36, S.PLACED: 6, S.COMPLETED: 2, S.FAILED: 1, S.WITHDRAWN: 24, S.REJECTED: 22,
                S.COMMITTEE_APPROVED: 4, S.ADVISOR_APPROVED: 2, S.NEEDS_CHANGES: 3},
    "upcoming": {S.SUBMITTED: 30, S.ADVISOR_APPROVED: 18, S.COMMITTEE_APPROVED: 12, S.NEEDS_CHANGES: 10,
                 S.PLACED: 8, S.REJECTED: 12, S.WITHDRAWN: 10},
}  # fmt: skip
# Where a path leaves the forward track to end in needs_changes / rejected / withdrawn, and how often.
BRANCH = {
    S.NEEDS_CHANGES: {S.SUBMITTED: 3, S.ADVISOR_APPROVED: 4, S.COMMITTEE_APPROVED: 1},
    S.REJECTED: {S.SUBMITTED: 2, S.ADVISOR_APPROVED: 5, S.COMMITTEE_APPROVED: 1},
    S.WITHDRAWN: {S.SUBMITTED: 2, S.ADVISOR_APPROVED: 1, S.COMMITTEE_APPROVED: 3, S.PLACED: 1,
                  S.IN_PROGRESS: 1, S.NEEDS_CHANGES: 1},
}  # fmt: skip
DETOURS = (((S.NEEDS_CHANGES, S.SUBMITTED), 5), ((S.ADVISOR_APPROVED, S.NEEDS_CHANGES, S.SUBMITTED), 4),
           ((S.REJECTED, S.SUBMITTED), 1))  # fmt: skip


@dataclass(frozen=True)
class Term:
    """One semester of one academic year (CE), and where it stands relative to today."""

    year: int
    semester: int
    start: datetime
    end: datetime
    phase: str  # past | running | upcoming | future


def _term_dates(year: int, semester: int) -> tuple[datetime, datetime]:
    first, last = {1: ((year, 6, 15), (year, 10, 15)), 2: ((year, 11, 15), (year + 1, 3, 15)),
                   3: ((year + 1, 4, 1), (year + 1, 5, 31))}[semester]  # fmt: skip
    return datetime(*first, tzinfo=UTC), datetime(*last, tzinfo=UTC)


def academic_terms(now: datetime) -> list[Term]:
    """Semesters 1-3 of two academic years: the year of the next term to start, and the one before."""
    candidates = [(y, s) for y in range(now.year - 2, now.year + 1) for s in (1, 2, 3)]
    year = next(y for y, s in candidates if _term_dates(y, s)[0] > now)
    keys = [(y, s) for y in (year - 1, year) for s in (1, 2, 3)]
    upcoming = next(i for i, k in enumerate(keys) if _term_dates(*k)[0] > now)
    phases = ["past"] * (upcoming - 1) + ["running", "upcoming"] + ["future"] * (len(keys) - upcoming - 1)
    return [Term(y, s, *_term_dates(y, s), phase) for (y, s), phase in zip(keys, phases, strict=True)]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def plan_path(rng: random.Random, phase: str) -> list[str]:
    """A legal sequence of statuses ending in a status drawn from the phase's mix."""
    final, path = _pick(rng, MIX[phase]), [S.SUBMITTED]
    while len(path) < 7 and rng.random() < 0.15:
        path += rng.choices([d for d, _ in DETOURS], [w for _, w in DETOURS])[0]
    if final in (S.COMPLETED, S.FAILED):
        return [*path, *FORWARD[1:], final]
    if final in FORWARD:
        return [*path, *FORWARD[1 : FORWARD.index(final) + 1]]
    branch = _pick(rng, BRANCH[final])
    path += [S.NEEDS_CHANGES] if branch == S.NEEDS_CHANGES else list(FORWARD[1 : FORWARD.index(branch) + 1])
    return [*path, final]


@dataclass(slots=True)
class Plan:
    """One registration before it gets times: who, where, which path, which posting."""

    student: int
    section: int
    term: int
    path: list[str]
    internship: int | None = None
    unplaced: bool = False

    @property
    def occupies(self) -> bool:
        """Whether it ends holding a posting's slot."""
        return self.path[-1] in OCCUPIES

    def no_place(self) -> None:
        """No slot left: the student withdraws after committee approval instead."""
        self.path, self.unplaced = [*self.path[: self.path.index(S.PLACED)], S.WITHDRAWN], True


STATUS_JSON = {s: json.dumps({"status": s.value}) for s in GAP_DAYS}
# decided_at: the time of the last decision, kept while the registration moves on after it.
DECIDED = states.DECIDED | {S.IN_PROGRESS}


def plan_registrations(
    rng: random.Random, terms: list[Term], count: int, students: int, sections: list[tuple[int, int]]
) -> list[Plan]:
    """Who registers where, and the path each registration takes through the state machine."""
    by_key: dict[tuple[int, int], list[int]] = defaultdict(list)
    for s, key in enumerate(sections):
        by_key[key].append(s)
    popularity = [c[5] for c in txt.COURSES]
    term_w = [TERM_WEIGHT[t.phase] for t in terms]
    term_of = rng.choices(range(len(terms)), term_w, k=count)
    courses = rng.choices(range(len(txt.COURSES)), popularity, k=count)
    seen: set[tuple[int, int]] = set()
    plans = []
    for term, course in zip(term_of, courses, strict=True):
        section = rng.choice(by_key[(course, term)])
        student = rng.randrange(students)
        while (student, section) in seen:
            student = rng.randrange(students)
        seen.add((student, section))
        plans.append(Plan(student, section, term, plan_path(rng, terms[term].phase)))
    return plans


def posting_weights(terms: list[Term], plans: list[Plan]) -> list[float]:
    """How many postings each term gets: its placements, plus some open ones ahead."""
    demand = [0.0] * len(terms)
    for p in plans:
        demand[p.term] += p.occupies
    extra = max(demand) * 0.05 + 1
    return [d + extra * (t.phase in ("upcoming", "future")) for d, t in zip(demand, terms, strict=True)]


def allocate_slots(rng: random.Random, plans: list[Plan], postings: list[tuple[int, int, int]]) -> None:
    """Give each placed plan a free slot of a posting of its term; without one it withdraws."""
    tokens: dict[int, list[int]] = defaultdict(list)
    for pid, slots, term in postings:
        tokens[term] += [pid] * slots
    for term_tokens in tokens.values():
        rng.shuffle(term_tokens)
    for p in plans:
        if p.occupies and tokens[p.term]:
            p.internship = tokens[p.term].pop()
        elif p.occupies:
            p.no_place()


@dataclass
class Timelines:
    """Turns plans into registrations, events, committee votes and audit rows (bulk tables, prepared)."""

    rng: random.Random
    now: datetime
    terms: list[Term]
    loader: Loader
    base: dict[str, int]
    student_base: int
    section_ids: list[int]
    coordinators: list[int]
    committees: list[list[int]]
    aftercare: Aftercare | None = None
    visit_counts: list[int] = field(default_factory=list)  # per section: its course's visits
    # (time in µs, event id, registration id, version) of every event, for the changes feed.
    feed: list[tuple[int, int, int, int]] = field(default_factory=list)

    def registrations(self, plans: list[Plan], advisor_of: list[int], chunk: int = 5_000) -> None:
        """Registrations with their events, committee votes and audit rows, in chunks."""
        self.advisor_of, self.next_id = advisor_of, {k: self.base[k] for k in TABLES[1:]}
        for start in range(0, len(plans), chunk):
            rows: dict[str, list[Row]] = {k: [] for k in (*TABLES, *AFTERCARE_TABLES)}
            for n, plan in enumerate(plans[start : start + chunk], start):
                self._registration(self.base["registrations"] + n + 1, plan, rows)
            for name, batch in rows.items():
                self.loader.insert(T[name], batch, prepared=True)

    def changes(self, chunk: int = 50_000) -> None:
        """Every event in the changes feed, numbered in time order, and the feed's counter.

        What core.registrations.catch_up_feed would do in one INSERT ... SELECT with two window
        functions over every event: 65 s of a 240 s large load on MariaDB; sorting here takes 1 s.
        """
        self.feed.sort()
        for start in range(0, len(self.feed), chunk):
            feed = enumerate(self.feed[start : start + chunk], start + 1)
            rows = [{"seq": n, "event_id": e, "registration_id": r, "version": v}
                    for n, (_, e, r, v) in feed]  # fmt: skip
            self.loader.insert(T["registration_changes"], rows, prepared=True)
        counter = T["change_counter"]
        self.loader.execute(delete(counter).where(counter.c.feed == FEED), [{}], "change_counter")
        self.loader.insert(counter, [{"feed": FEED, "last": len(self.feed)}])
        self.feed = []

    def _new_id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    def _times(self, path: list[str], term: Term) -> list[int]:
        """Microsecond timestamps, strictly increasing, all before today."""
        now_us = int(self.now.timestamp() * 1e6)
        if term.phase == "upcoming":
            lo, hi = now_us - 60 * DAY_US, now_us - DAY_US
        else:
            start = int(term.start.timestamp() * 1e6)
            lo, hi = start - 75 * DAY_US, min(start + 7 * DAY_US, now_us - DAY_US)
        t0, offsets = self.rng.uniform(lo, hi), [0.0]
        for status in path[1:]:
            offsets.append(offsets[-1] + self.rng.uniform(*GAP_DAYS[status]) * DAY_US)
        limit = now_us - 60_000_000
        if t0 + offsets[-1] > limit:
            scale = (limit - t0) * self.rng.uniform(0.5, 0.98) / offsets[-1]
            offsets = [o * scale for o in offsets]
        return [int(t0 + o) for o in offsets]

    def _actor(self, frm: str | None, to: str, plan: Plan) -> tuple[int, str | None]:
        """Who made the transition, and the reason where one is required."""
        coordinator, advisor = self.coordinators[plan.section], self.advisor_of[plan.student]
        if to == S.SUBMITTED:
            return coordinator, self.rng.choice(txt.REASONS["reinstate"]) if frm == S.REJECTED else None
        by_advisor = to in (S.ADVISOR_APPROVED, S.COMPLETED, S.FAILED) or frm == S.SUBMITTED
        key = "no_place" if to == S.WITHDRAWN and plan.unplaced else to
        reason = self.rng.choice(txt.REASONS[key]) if key in txt.REASONS else None
        return advisor if by_advisor else coordinator, reason

    def _votes(
        self, rid: int, section: int, approve: bool, after: int, at: int, votes: list[Row]
    ) -> tuple[int, str | None]:
        """A quorum of the committee votes; the last vote decides. Returns (last voter, reason)."""
        members = self.committees[section]
        quorum = len(members) // 2 + 1
        voters = self.rng.sample(members, quorum)
        yes = self.rng.randint(quorum // 2 + 1, quorum) if approve else self.rng.randint(0, quorum // 2)
        marks = [True] * yes + [False] * (quorum - yes)
        self.rng.shuffle(marks)
        times = [*sorted(int(self.rng.uniform(after + 1, at - 1)) for _ in range(quorum - 1)), at]
        remarks = [None if ok else self.rng.choice(txt.REASONS[S.REJECTED]) for ok in marks]
        for member, ok, t, remark in zip(voters, marks, times, remarks, strict=True):
            votes.append({"id": self._new_id("committee_votes"), "registration_id": rid,
                          "member_id": member, "vote": "approve" if ok else "reject", "remarks": remark,
                          "at": _dt(t)})  # fmt: skip
        return voters[-1], None if approve else "คณะกรรมการไม่อนุมัติ: " + next(r for r in remarks if r)

    def _event(
        self, rid: int, frm: str | None, to: str, actor: int, reason: str | None, at: int
    ) -> list[Row]:
        """The timeline row and its audit row."""
        when = _dt(at)
        event = {"id": self._new_id("registration_events"), "registration_id": rid, "from_status": frm,
                 "to_status": to, "actor_id": actor, "reason": reason, "at": when}  # fmt: skip
        audit = {"id": self._new_id("audit_log"), "actor_id": actor, "action": f"registration.{to}",
                 "entity": "registration", "entity_id": str(rid), "ip": None, "at": when,
                 "before": STATUS_JSON[frm] if frm else None, "after": STATUS_JSON[to]}  # fmt: skip
        return [event, audit]

    def _registration(self, rid: int, plan: Plan, rows: dict[str, list[Row]]) -> None:
        times, decided, path = self._times(plan.path, self.terms[plan.term]), 0, plan.path
        for k, (to, at) in enumerate(zip(path, times, strict=True)):
            frm = path[k - 1] if k else None
            if frm == S.ADVISOR_APPROVED and to in (S.COMMITTEE_APPROVED, S.REJECTED):
                votes = rows["committee_votes"]
                actor, reason = self._votes(
                    rid, plan.section, to == S.COMMITTEE_APPROVED, times[k - 1], at, votes
                )
            else:
                actor, reason = self._actor(frm, to, plan)
            event, audit = self._event(rid, frm, to, actor, reason, at)
            self.feed.append((at, event["id"], rid, k + 1))
            rows["registration_events"].append(event)
            rows["audit_log"].append(audit)
            decided = at if to in DECISIONS else decided
        final, last = path[-1], _dt(times[-1])
        rows["registrations"].append({
            "id": rid, "student_id": self.student_base + plan.student + 1,
            "section_id": self.section_ids[plan.section], "advisor_id": self.advisor_of[plan.student],
            "internship_id": plan.internship if final in OCCUPIES else None, "status": final,
            "version": len(path), "furthest_stage": max(states.funnel_rank(s) for s in path),
            "submitted_at": _dt(times[0]), "status_changed_at": last,
            "updated_at": last,
            "decided_at": _dt(decided) if decided and final in DECIDED else None})  # fmt: skip
        if self.aftercare is not None and final in OCCUPIES:
            term = self.terms[plan.term]
            start = term.start.date() + timedelta(days=self.rng.randint(0, 10))
            visitor = self.advisor_of[plan.student]
            self.aftercare.add(rid, final, start, self.visit_counts[plan.section], visitor, rows)


def _dt(us: int) -> datetime:
    """Naive UTC, as the UtcDateTime type would bind it (rows of the bulk tables are `prepared`)."""
    return EPOCH + timedelta(microseconds=us)
