"""Demo rows after placement, consistent with each registration's status: placement details, supervision
visits and the three evaluations (on the default forms), and the result of a completed registration.

- placed: details, visits planned ahead, evaluations pending;
- in progress: visits done up to today (one in ten left planned and overdue), the rest planned;
  evaluations due before today mostly submitted, the others pending (overdue);
- completed: every visit done, every evaluation submitted, the score and S/U kept by the same rule
  as the app (core.registrations.states.completion_outcome);
- failed: visits done, the supervisor's evaluation submitted low, no result.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from core.placements.form_defaults import DEFAULT_FORMS
from core.placements.rules import DUE_DAYS
from core.registrations import states
from db.models import EvaluationStatus, EvaluatorKind, Grading
from tools.demo.load import Row

S = states.Status
PLACED_STATUSES = states.REACHED_PLACEMENT
TABLES = ("placements", "visits", "evaluations")
KINDS = tuple(EvaluatorKind)
FIRST = ("สมศรี", "วิชัย", "นภา", "ประเสริฐ", "สุดา", "อนันต์", "กาญจนา", "ธนพล", "พิมพ์ใจ", "ชัยวัฒน์")
LAST = ("ใจดี", "ศรีสุข", "วงศ์ไทย", "ทองคำ", "บุญมา", "แสงทอง", "สุขสวัสดิ์", "พึ่งบุญ")
POSITIONS = ("ผู้จัดการฝ่ายเทคโนโลยีสารสนเทศ", "หัวหน้าแผนกบัญชี", "วิศวกรอาวุโส", "ผู้จัดการโครงการ", "หัวหน้างานบุคคล")
DEPARTMENTS = ("ฝ่ายเทคโนโลยีสารสนเทศ", "ฝ่ายบัญชีและการเงิน", "ฝ่ายวิศวกรรม", "ฝ่ายการตลาด", "ฝ่ายทรัพยากรบุคคล")
TITLES = ("นักศึกษาฝึกงานฝ่ายพัฒนาระบบ", "ผู้ช่วยนักวิเคราะห์ข้อมูล", "ผู้ช่วยวิศวกร", "ผู้ช่วยฝ่ายการตลาด")
REPORTS = (
    "นักศึกษาปฏิบัติงานได้ดี พนักงานที่ปรึกษาพึงพอใจ",
    "นักศึกษาปรับตัวได้ดี ควรพัฒนาทักษะการสื่อสาร",
    "งานที่ได้รับมอบหมายตรงกับสาขาวิชา นักศึกษามีความรับผิดชอบ",
    "นักศึกษาต้องการคำแนะนำเรื่องการเขียนรายงาน",
)
EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class DemoForm:
    """A default form as loaded: its id and its criteria (id, weight)."""

    id: int
    criteria: tuple[tuple[int, int], ...]


def form_rows(
    base: dict[str, int], now: datetime
) -> tuple[list[Row], list[Row], dict[EvaluatorKind, DemoForm]]:
    """The default form of each evaluator kind (version 1), with ids after `base`."""
    forms, criteria, made = [], [], {}
    stamp = now  # these rows go through the model types (aware UTC)
    for n, kind in enumerate(KINDS, 1):
        name_th, name_en, items = DEFAULT_FORMS[kind]
        fid = base["evaluation_forms"] + n
        forms.append(
            {
                "id": fid,
                "kind": kind.value,
                "version": 1,
                "name_th": name_th,
                "name_en": name_en,
                "scale_min": 1,
                "scale_max": 5,
                "comments": True,
                "created_by": None,
                "created_at": stamp,
            }
        )
        ids = []
        for position, (s_th, s_en, t_th, t_en, weight) in enumerate(items, 1):
            cid = base["evaluation_criteria"] + len(criteria) + 1
            criteria.append(
                {
                    "id": cid,
                    "form_id": fid,
                    "position": position,
                    "section_th": s_th,
                    "section_en": s_en,
                    "text_th": t_th,
                    "text_en": t_en,
                    "weight": weight,
                }
            )
            ids.append((cid, weight))
        made[kind] = DemoForm(fid, tuple(ids))
    return forms, criteria, made


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


@dataclass
class Aftercare:
    """Adds the after-placement rows of one registration to the batch being built."""

    rng: random.Random
    now: datetime
    base: dict[str, int]
    forms: dict[EvaluatorKind, DemoForm]
    next_id: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.next_id = {t: self.base[t] for t in TABLES}
        self.today = self.now.date()

    def _id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    def add(
        self, rid: int, status: str, start: date, visits: int, visitor: int, rows: dict[str, list[Row]]
    ) -> None:
        """The placement of registration `rid` and its visits and evaluations."""
        end = start + timedelta(weeks=self.rng.randint(14, 17))
        pid = self._id("placements")
        stamp = _naive(self.now)
        placement = {
            "id": pid,
            "registration_id": rid,
            "supervisor_name": f"คุณ{self.rng.choice(FIRST)} {self.rng.choice(LAST)}",
            "supervisor_position": self.rng.choice(POSITIONS),
            "supervisor_email": f"supervisor{rid}@example.co.th",
            "supervisor_phone": f"02-{self.rng.randint(100, 999)}-{self.rng.randint(1000, 9999)}",
            "department": self.rng.choice(DEPARTMENTS),
            "position_title": self.rng.choice(TITLES),
            "job_description": "ปฏิบัติงานตามที่ได้รับมอบหมายภายใต้การดูแลของพนักงานที่ปรึกษา",
            "start_date": start,
            "end_date": end,
            "document_language": "th" if self.rng.random() < 0.85 else "en",
            "final_score": None,
            "final_result": None,
            "completed_at": None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        rows["placements"].append(placement)
        ability = self.rng.uniform(2.2, 4.9) if status != S.FAILED else self.rng.uniform(1.0, 2.0)
        self._visits(pid, status, start, end, visits, visitor, rows["visits"])
        totals = self._evaluations(pid, status, end, ability, visitor, rows["evaluations"])
        if status == S.COMPLETED:
            facts = states.CompletionFacts(frozenset(states.GRADED_KINDS), Grading.SU, 50, totals)
            outcome = states.completion_outcome(facts)
            done = datetime.combine(end + timedelta(days=self.rng.randint(15, 40)), datetime.min.time())
            placement.update(
                final_score=outcome.score,
                final_result=outcome.result.value if outcome.result else None,
                completed_at=min(done, stamp),
            )

    def _visits(
        self, pid: int, status: str, start: date, end: date, count: int, visitor: int, out: list[Row]
    ) -> None:
        length = (end - start).days
        for number in range(1, count + 1):
            day = start + timedelta(days=length * (2 * number - 1) // (2 * count) + self.rng.randint(-5, 5))
            planned = datetime.combine(day, datetime.min.time()) + timedelta(
                hours=self.rng.choice((2, 3, 6, 7))
            )
            past = day < self.today
            done = status in (S.COMPLETED, S.FAILED) or (
                status == S.IN_PROGRESS and past and self.rng.random() < 0.9
            )
            out.append(
                {
                    "id": self._id("visits"),
                    "placement_id": pid,
                    "number": number,
                    "planned_at": planned,
                    "mode": "onsite" if self.rng.random() < 0.8 else "online",
                    "visitor_id": visitor,
                    "status": "done" if done else "planned",
                    "cancel_reason": None,
                    "report": self.rng.choice(REPORTS) if done else None,
                    "done_at": planned if done else None,
                    "created_at": planned - timedelta(days=20),
                    "updated_at": planned,
                }
            )

    def _scores(self, form: DemoForm, ability: float) -> tuple[str, Decimal]:
        top = 5 if ability > 2 else 2  # a failed student's supervisor scores 2 at most (40 %)
        scores = {cid: min(top, max(1, round(self.rng.gauss(ability, 0.6)))) for cid, _w in form.criteria}
        weights = sum(w for _c, w in form.criteria)
        total = Decimal(100 * sum(w * scores[c] for c, w in form.criteria)) / (weights * 5)
        return json.dumps({str(c): s for c, s in scores.items()}), total.quantize(Decimal("0.01"))

    def _submitted(self, status: str, kind: EvaluatorKind, due: date) -> bool:
        if status == S.COMPLETED:
            return True
        if status == S.FAILED:
            return kind == EvaluatorKind.SUPERVISOR
        return status == S.IN_PROGRESS and due < self.today and self.rng.random() < 0.7

    def _evaluations(
        self, pid: int, status: str, end: date, ability: float, visitor: int, out: list[Row]
    ) -> dict[Any, Decimal]:
        totals: dict[Any, Decimal] = {}
        for kind in KINDS:
            due = end + timedelta(days=DUE_DAYS[kind])
            submitted = self._submitted(status, kind, due)
            scores, total = self._scores(self.forms[kind], ability) if submitted else (None, None)
            at = datetime.combine(
                min(due - timedelta(days=self.rng.randint(0, 10)), self.today), datetime.min.time()
            )
            if submitted and total is not None:
                totals[kind] = total
            out.append(
                {
                    "id": self._id("evaluations"),
                    "placement_id": pid,
                    "form_id": self.forms[kind].id,
                    "kind": kind.value,
                    "evaluator_name": None,
                    "entered_by": None,
                    "evaluator_id": visitor if kind == EvaluatorKind.ADVISOR else None,
                    "due_on": due,
                    "status": (EvaluationStatus.SUBMITTED if submitted else EvaluationStatus.PENDING).value,
                    "scores": scores,
                    "comments": None,
                    "total": total,
                    "submitted_at": at if submitted else None,
                    "created_at": _naive(self.now) if not submitted else at,
                    "updated_at": at,
                }
            )
        return totals
