"""After placement on both back ends: details, visits and photos, evaluations and form versions,
advisor scoping, bulk planning, lists, the managers' aggregates, and the completion rule."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import func, select

from core import clock, placements
from core import registrations as workflow
from core.access import Actor
from core.context import AppContext
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.placements import rules
from core.placements.photos import GPS_IFD
from core.registrations import states
from db.models import (
    AuditEntry,
    Evaluation,
    EvaluationForm,
    EvaluationStatus,
    EvaluatorKind,
    Placement,
    Registration,
    Role,
    Visit,
)
from db.models import RegistrationStatus as S
from tests import factories as f

NOW = datetime(2026, 8, 3, 3, 0, tzinfo=UTC)  # a Monday in term 1/2026 (1 Jun - 31 Oct)
DETAILS = {
    "supervisor_name": "คุณสมศรี ดูแลดี",
    "supervisor_position": "ผู้จัดการฝ่ายไอที",
    "supervisor_email": "somsri@example.co.th",
    "supervisor_phone": "02-123-4567",
    "department": "ฝ่ายเทคโนโลยีสารสนเทศ",
    "position_title": "นักพัฒนาซอฟต์แวร์ฝึกงาน",
    "job_description": "พัฒนาระบบภายใน\nทดสอบซอฟต์แวร์",
    "start_date": date(2026, 6, 15),
    "end_date": date(2026, 10, 15),
    "document_language": "th",
}


@dataclass
class Office:
    ctx: AppContext
    actors: dict[str, Actor]
    section_id: int
    posting_id: int

    def reg(
        self, status: S = S.IN_PROGRESS, *, advisor: str = "advisor", province: str = "กรุงเทพมหานคร"
    ) -> int:
        with self.ctx.sessions.begin() as s:
            company = f.company(s, province=province)
            posting = f.posting(s, company, slots=5)
            return f.registration(s, section_id=self.section_id, internship_id=posting,
                                  advisor_id=self.actors[advisor].user_id, status=status)  # fmt: skip

    def placed(self, status: S = S.IN_PROGRESS, **kw: object) -> int:
        rid = self.reg(status, **kw)  # type: ignore[arg-type]
        placements.save_placement(self.ctx, actor=self.actors["coordinator"], registration_id=rid, **DETAILS)
        return rid

    def evaluations(self, rid: int) -> dict[str, int]:
        with self.ctx.sessions.begin() as s:
            rows = s.execute(
                select(Evaluation.kind, Evaluation.id)
                .join(Placement, Placement.id == Evaluation.placement_id)
                .where(Placement.registration_id == rid)
            ).all()
        return {k.value: i for k, i in rows}


@pytest.fixture
def office(ctx: AppContext, make_actor, monkeypatch: pytest.MonkeyPatch) -> Office:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    actors = {
        "admin": make_actor(Role.ADMIN),
        "coordinator": make_actor(Role.COORDINATOR),
        "advisor": make_actor(Role.ADVISOR, full_name="อาจารย์ ที่ปรึกษา"),
        "other_advisor": make_actor(Role.ADVISOR),
        "member": make_actor(Role.ADVISOR, full_name="กรรมการ นิเทศ"),
        "staff": make_actor(Role.STAFF),
        "manager": make_actor(Role.MANAGER),
    }
    with ctx.sessions.begin() as s:
        course = f.course(s, required_evaluations="supervisor,advisor", visit_count=2)
        section = f.section(s, course, capacity=200, members=[actors["member"].user_id])
    return Office(ctx, actors, section, 0)


def _scores(ctx: AppContext, evaluation_id: int, value: int) -> dict[int, int]:
    with ctx.sessions.begin() as s:
        form_id = s.scalar(select(Evaluation.form_id).where(Evaluation.id == evaluation_id))
        from db.models import EvaluationCriterion

        ids = s.scalars(select(EvaluationCriterion.id).where(EvaluationCriterion.form_id == form_id))
        return dict.fromkeys(ids, value)


def _image(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), gps: bool = True) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (13.0, 45.0, 0.0), 3: "E", 4: (100.0, 30.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


# --- placement details ---------------------------------------------------------------------------


def test_details_are_saved_audited_and_bring_the_evaluations(office: Office) -> None:
    rid = office.placed()
    kinds = office.evaluations(rid)
    assert set(kinds) == {"supervisor", "advisor", "student"}
    with office.ctx.sessions.begin() as s:
        placement = s.scalars(select(Placement).where(Placement.registration_id == rid)).one()
        assert placement.supervisor_name == "คุณสมศรี ดูแลดี" and placement.end_date == date(2026, 10, 15)
        due = {e.kind.value: e.due_on for e in s.scalars(select(Evaluation))}
        audit = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "placement")).all()
    assert due["supervisor"] == date(2026, 10, 22) and due["advisor"] == date(2026, 10, 29)
    assert audit == ["placement.create"]
    # the advisor edits their own student's placement; a later end moves the due dates
    placements.save_placement(office.ctx, actor=office.actors["advisor"], registration_id=rid,
                              **{**DETAILS, "end_date": date(2026, 10, 30), "document_language": "en"})  # fmt: skip
    view = placements.placement_workspace(office.ctx, actor=office.actors["advisor"], registration_id=rid)
    assert view.details is not None and view.details["document_language"] == "en"
    assert {e.kind: e.due_on for e in view.evaluations}["supervisor"] == date(2026, 11, 6)
    with office.ctx.sessions.begin() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "placement.update")) == 1


@pytest.mark.parametrize("who", ["other_advisor", "staff", "manager"])
def test_only_the_office_and_the_students_advisor_edit(office: Office, who: str) -> None:
    rid = office.reg()
    with pytest.raises(PermissionDenied):
        placements.save_placement(office.ctx, actor=office.actors[who], registration_id=rid, **DETAILS)
    with office.ctx.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(Placement)) == 0


def test_dates_are_checked_against_the_term_and_its_margin(office: Office) -> None:
    rid = office.reg()
    coordinator = office.actors["coordinator"]
    with pytest.raises(InvalidInput, match="must be after the first day"):
        placements.save_placement(office.ctx, actor=coordinator, registration_id=rid,
                                  **{**DETAILS, "end_date": date(2026, 6, 1)})  # fmt: skip
    with pytest.raises(
        InvalidInput, match="within term 1/2026 and its margin: from 2 May 2026 to 30 Nov 2026"
    ):
        placements.save_placement(office.ctx, actor=coordinator, registration_id=rid,
                                  **{**DETAILS, "end_date": date(2026, 12, 31)})  # fmt: skip
    with pytest.raises(InvalidInput) as bad:
        placements.save_placement(office.ctx, actor=coordinator, registration_id=rid,
                                  **{**DETAILS, "supervisor_name": " ", "supervisor_email": "no-at",
                                     "supervisor_phone": "call me"})  # fmt: skip
    assert all(word in bad.value.message for word in ("Supervisor's name", "valid address", "phone"))
    # within the 30-day margin is fine
    placements.save_placement(office.ctx, actor=coordinator, registration_id=rid,
                              **{**DETAILS, "start_date": date(2026, 5, 10), "end_date": date(2026, 11, 20)})  # fmt: skip
    done = office.reg(S.COMPLETED)
    with pytest.raises(Conflict, match="cannot change"):
        placements.save_placement(office.ctx, actor=coordinator, registration_id=done, **DETAILS)


# --- visits and photos ---------------------------------------------------------------------------


def test_visits_are_planned_up_to_the_course_count_cancelled_with_a_reason_and_recorded(
    office: Office,
) -> None:
    rid = office.placed()
    advisor, member = office.actors["advisor"], office.actors["member"]
    with pytest.raises(InvalidInput, match="advisor or a member"):
        placements.plan_visit(office.ctx, actor=advisor, registration_id=rid, planned_at=NOW, mode="onsite",
                              visitor_id=office.actors["other_advisor"].user_id)  # fmt: skip
    first = placements.plan_visit(office.ctx, actor=advisor, registration_id=rid, planned_at=NOW + timedelta(days=3),
                                  mode="onsite", visitor_id=None)  # fmt: skip
    second = placements.plan_visit(office.ctx, actor=advisor, registration_id=rid, mode="online",
                                   planned_at=datetime(2026, 9, 1, 10, 0), visitor_id=member.user_id)  # fmt: skip
    with pytest.raises(Conflict, match="All 2 visits"):
        placements.plan_visit(office.ctx, actor=advisor, registration_id=rid, planned_at=NOW, mode="onsite",
                              visitor_id=None)  # fmt: skip
    with pytest.raises(InvalidInput, match="reason is required"):
        placements.cancel_visit(office.ctx, actor=advisor, visit_id=second, reason=" ")
    placements.cancel_visit(office.ctx, actor=advisor, visit_id=second, reason="บริษัทปิดทำการ")
    third = placements.plan_visit(office.ctx, actor=advisor, registration_id=rid, planned_at=NOW, mode="onsite",
                                  visitor_id=None)  # fmt: skip
    with pytest.raises(InvalidInput, match="Visit report"):
        placements.record_visit(office.ctx, actor=advisor, visit_id=first, report="  ")
    ids = placements.record_visit(office.ctx, actor=advisor, visit_id=first, report="นักศึกษาปฏิบัติงานได้ดี",
                                  photos=[("site.jpg", _image())])  # fmt: skip
    view = placements.placement_workspace(office.ctx, actor=advisor, registration_id=rid)
    by_id = {v.id: v for v in view.visits}
    assert by_id[first].status == "done" and by_id[first].report == "นักศึกษาปฏิบัติงานได้ดี"
    assert [p.id for p in by_id[first].photos] == ids
    assert by_id[second].status == "cancelled" and by_id[second].cancel_reason == "บริษัทปิดทำการ"
    assert by_id[third].number == 2 and by_id[third].planned_at == NOW
    # a naive time is the office's (Bangkok): 10:00 there is 03:00 UTC
    with office.ctx.sessions.begin() as s:
        assert s.get_one(Visit, second).planned_at == datetime(2026, 9, 1, 3, 0, tzinfo=UTC)
    with pytest.raises(Conflict, match="cancelled visit"):
        placements.record_visit(office.ctx, actor=advisor, visit_id=second, report="x")
    with pytest.raises(InvalidInput, match="at most 5 photos"):
        placements.add_visit_photos(office.ctx, actor=advisor, visit_id=first,
                                    photos=[(f"p{n}.png", _image("PNG", gps=False)) for n in range(5)])  # fmt: skip
    placements.add_visit_photos(
        office.ctx, actor=advisor, visit_id=first, photos=[("b.webp", _image("WEBP"))]
    )
    placements.remove_visit_photo(office.ctx, actor=advisor, photo_id=ids[0])
    with pytest.raises(PermissionDenied):
        placements.cancel_visit(office.ctx, actor=office.actors["other_advisor"], visit_id=third, reason="x")
    with pytest.raises(PermissionDenied):
        placements.visit_photo(office.ctx, actor=office.actors["other_advisor"], photo_id=ids[0] + 1)


def test_a_renamed_executable_is_refused_and_nothing_is_stored(office: Office) -> None:
    rid = office.placed()
    visit = placements.plan_visit(office.ctx, actor=office.actors["advisor"], registration_id=rid, planned_at=NOW,
                                  mode="onsite", visitor_id=None)  # fmt: skip
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 2000
    with pytest.raises(InvalidInput, match="not a JPEG, PNG or WEBP image"):
        placements.record_visit(office.ctx, actor=office.actors["advisor"], visit_id=visit, report="รายงาน",
                                photos=[("photo.jpg", elf)])  # fmt: skip
    with pytest.raises(InvalidInput, match="damaged"):  # a JPEG signature on something that is not one
        placements.clean_photo("fake.jpg", b"\xff\xd8\xff\xe0" + b"junk" * 100)
    with office.ctx.sessions.begin() as s:
        assert s.get_one(Visit, visit).status.value == "planned"


def test_a_6_mb_image_is_refused_with_a_clear_message() -> None:
    big = _image("PNG", gps=False) + b"\x00" * (6 * 1024 * 1024)
    with pytest.raises(InvalidInput) as refused:
        placements.clean_photo("big.png", big)
    assert refused.value.message.startswith("\u201cbig.png\u201d is 6.0 MB; a photo may be at most 5 MB.")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_gps_is_removed_from_what_is_stored(office: Office, fmt: str) -> None:
    original = _image(fmt)
    assert GPS_IFD in Image.open(io.BytesIO(original)).getexif()
    rid = office.placed()
    visit = placements.plan_visit(office.ctx, actor=office.actors["coordinator"], registration_id=rid,
                                  planned_at=NOW, mode="onsite", visitor_id=None)  # fmt: skip
    [photo] = placements.record_visit(office.ctx, actor=office.actors["coordinator"], visit_id=visit,
                                      report="ไปพบที่บริษัท", photos=[("site", original)])  # fmt: skip
    stored = placements.visit_photo(
        office.ctx, actor=office.actors["advisor"], photo_id=photo, thumbnail=False
    )
    image = Image.open(io.BytesIO(stored.data))
    assert GPS_IFD not in image.getexif() and image.getexif()[0x010F] == "Camera"
    assert image.size == (640, 480) and stored.content_type == f"image/{fmt.lower()}"
    thumb = placements.visit_photo(office.ctx, actor=office.actors["advisor"], photo_id=photo)
    assert thumb.content_type == "image/jpeg" and max(Image.open(io.BytesIO(thumb.data)).size) == 320


# --- evaluations and forms -----------------------------------------------------------------------


def test_an_evaluation_is_drafted_submitted_once_and_totalled_by_weight(office: Office) -> None:
    rid = office.placed()
    supervisor = office.evaluations(rid)["supervisor"]
    advisor = office.actors["advisor"]
    scores = _scores(office.ctx, supervisor, 4)
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        placements.save_evaluation(office.ctx, actor=advisor, evaluation_id=supervisor,
                                   scores={**scores, next(iter(scores)): 9})  # fmt: skip
    first = next(iter(scores))
    draft = placements.save_evaluation(office.ctx, actor=advisor, evaluation_id=supervisor, scores={first: 5})
    assert draft.state == "in_progress" and draft.total is None
    with pytest.raises(InvalidInput, match="Score every criterion"):
        placements.save_evaluation(office.ctx, actor=advisor, evaluation_id=supervisor, scores={first: 5},
                                   submit=True)  # fmt: skip
    done = placements.save_evaluation(office.ctx, actor=advisor, evaluation_id=supervisor, scores=scores,
                                      evaluator_name="คุณสมศรี ดูแลดี", comments="ขยัน", submit=True)  # fmt: skip
    assert done.state == "submitted" and done.total == Decimal("80.00")
    # weights count: 5 on the heaviest criterion (quality, 15 of 100) adds 15 x 1/5 = 3 points
    heavy = max(done.form.criteria, key=lambda c: c.weight)
    assert placements.weighted_total(done.form, {**scores, heavy.id: 5}) == Decimal("83.00")
    with pytest.raises(Conflict, match="submitted already"):
        placements.save_evaluation(office.ctx, actor=advisor, evaluation_id=supervisor, scores=scores)
    with pytest.raises(PermissionDenied):
        placements.save_evaluation(office.ctx, actor=office.actors["other_advisor"],
                                   evaluation_id=office.evaluations(rid)["advisor"], scores=scores)  # fmt: skip
    with pytest.raises(NotFound):
        placements.save_evaluation(office.ctx, actor=advisor, evaluation_id=999_999, scores={})


def test_a_form_in_use_is_never_changed_a_new_version_is_made(office: Office) -> None:
    coordinator = office.actors["coordinator"]
    [form] = [x for x in placements.current_forms(office.ctx, actor=coordinator) if x.kind == "supervisor"]
    assert form.version == 1 and not form.in_use and sum(c.weight for c in form.criteria) == 100
    criteria = [{"section_th": c.section_th, "section_en": c.section_en, "text_th": c.text_th,
                 "text_en": c.text_en, "weight": c.weight} for c in form.criteria]  # fmt: skip
    edited = placements.save_form(office.ctx, actor=coordinator, kind="supervisor", name_th=form.name_th,
                                  name_en=form.name_en, scale_min=1, scale_max=5, comments=True,
                                  criteria=criteria[:-1])  # fmt: skip
    assert (
        not edited.new_version and edited.form.version == 1 and len(edited.form.criteria) == len(criteria) - 1
    )
    started, waiting = office.placed(), office.placed()
    evaluation = office.evaluations(started)["supervisor"]
    placements.save_evaluation(office.ctx, actor=coordinator, evaluation_id=evaluation,
                               scores=_scores(office.ctx, evaluation, 3))  # fmt: skip
    saved = placements.save_form(office.ctx, actor=coordinator, kind="supervisor", name_th="แบบใหม่",
                                 name_en="New form", scale_min=0, scale_max=4, comments=False,
                                 criteria=criteria[:2])  # fmt: skip
    assert saved.new_version and saved.form.version == 2 and len(saved.form.criteria) == 2
    with office.ctx.sessions.begin() as s:
        forms = {e.id: e.form_id for e in s.scalars(select(Evaluation))}
        assert s.scalar(select(func.count()).where(EvaluationForm.kind == EvaluatorKind.SUPERVISOR)) == 2
    assert forms[evaluation] == form.id  # started on version 1: stays there, criteria intact
    assert forms[office.evaluations(waiting)["supervisor"]] == saved.form.id  # not started: moves on
    view = placements.placement_workspace(office.ctx, actor=coordinator, registration_id=started)
    [kept] = [e for e in view.evaluations if e.kind == "supervisor"]
    assert len(kept.form.criteria) == len(criteria) - 1 and kept.form.in_use
    with pytest.raises(InvalidInput, match="Criterion 1"):
        placements.save_form(office.ctx, actor=coordinator, kind="advisor", name_th="ก", name_en="a",
                             scale_min=1, scale_max=5, comments=True, criteria=[{"weight": 0}])  # fmt: skip
    with pytest.raises(PermissionDenied):
        placements.save_form(office.ctx, actor=office.actors["advisor"], kind="advisor", name_th="ก",
                             name_en="a", scale_min=1, scale_max=5, comments=True, criteria=criteria)  # fmt: skip


# --- the completion rule -------------------------------------------------------------------------

KINDS = list(EvaluatorKind)
SUBSETS = [frozenset(c) for n in range(4) for c in itertools.combinations(KINDS, n)]


@pytest.mark.parametrize("grading", ["su", "score"])
@pytest.mark.parametrize("required", SUBSETS, ids=lambda k: "+".join(sorted(k)) or "none")
def test_the_completion_rule_over_every_combination(required: frozenset, grading: str) -> None:
    for submitted in SUBSETS:
        totals = {k: Decimal(40 + 10 * n) for n, k in enumerate(sorted(submitted))}
        facts = states.CompletionFacts(required, states.Grading(grading), 60, totals)
        problems = states.completion_problems(facts)
        graded = [
            totals[k] for k in sorted((required & states.GRADED_KINDS) or states.GRADED_KINDS) if k in totals
        ]
        may = required <= submitted and (grading == "su" or bool(graded))
        assert (not problems) == may, (required, submitted)
        if may:
            outcome = states.completion_outcome(facts)
            mean = sum(graded) / len(graded) if graded else None
            assert outcome.score == (None if mean is None else Decimal(mean).quantize(Decimal("0.01")))
            if grading == "su":
                assert outcome.result == (
                    states.CourseResult.S if mean is None or mean >= 60 else states.CourseResult.U
                )
            else:
                assert outcome.result is None


def test_completion_is_refused_in_core_until_the_required_evaluations_are_submitted(office: Office) -> None:
    """Walk every set of submitted evaluations on a course that requires the supervisor's and the advisor's."""
    admin = office.actors["admin"]
    bare = office.reg()
    with pytest.raises(Conflict, match="Enter the placement details"):
        workflow.transition(office.ctx, actor=admin, registration_id=bare, action="complete")
    for submitted in SUBSETS:
        rid = office.placed()
        ids = office.evaluations(rid)
        for kind in submitted:
            placements.save_evaluation(office.ctx, actor=admin, evaluation_id=ids[kind.value], submit=True,
                                       scores=_scores(office.ctx, ids[kind.value], 4))  # fmt: skip
        call = {"actor": admin, "registration_id": rid, "action": "complete"}
        if {EvaluatorKind.SUPERVISOR, EvaluatorKind.ADVISOR} <= submitted:
            assert workflow.transition(office.ctx, **call).status == "completed"
            view = placements.placement_workspace(office.ctx, actor=admin, registration_id=rid)
            assert (view.final_score, view.final_result) == (Decimal("80.00"), "S")
        else:
            with pytest.raises(Conflict, match="is not submitted yet"):
                workflow.transition(office.ctx, **call)
            with office.ctx.sessions.begin() as s:
                assert s.get_one(Registration, rid).status == S.IN_PROGRESS
            view = placements.placement_workspace(office.ctx, actor=admin, registration_id=rid)
            assert view.completion_problems and view.final_score is None
    with pytest.raises(InvalidInput, match="reason is required"):
        workflow.transition(office.ctx, actor=admin, registration_id=bare, action="fail")
    assert (
        workflow.transition(
            office.ctx, actor=admin, registration_id=bare, action="fail", reason="ขาดงาน"
        ).status
        == "failed"
    )


# --- lists, planning, aggregates -----------------------------------------------------------------


def test_advisors_see_only_their_own_students_and_overdue_is_read_from_the_dates(
    office: Office, monkeypatch
) -> None:
    mine, theirs = office.placed(), office.placed(advisor="other_advisor")
    placements.plan_visit(office.ctx, actor=office.actors["advisor"], registration_id=mine,
                          planned_at=NOW - timedelta(days=2), mode="onsite", visitor_id=None)  # fmt: skip
    frame = placements.my_students(office.ctx, actor=office.actors["advisor"])
    assert list(frame["registration_id"]) == [mine] and int(frame["overdue_visits"].iloc[0]) == 1
    with pytest.raises(PermissionDenied):
        placements.placement_workspace(office.ctx, actor=office.actors["advisor"], registration_id=theirs)
    with pytest.raises(PermissionDenied):
        placements.my_students(office.ctx, actor=office.actors["coordinator"])
    every = placements.list_placements(office.ctx, actor=office.actors["coordinator"],
                                       filters=placements.PlacementFilters(academic_year=2026))  # fmt: skip
    assert set(every["registration_id"]) == {mine, theirs}
    late = placements.PlacementFilters(overdue="evaluations")
    assert placements.list_placements(office.ctx, actor=office.actors["coordinator"], filters=late).empty
    monkeypatch.setattr(
        clock, "now", lambda: datetime(2026, 10, 25, 3, 0, tzinfo=UTC)
    )  # supervisor's due 22 Oct
    frame = placements.list_placements(office.ctx, actor=office.actors["coordinator"], filters=late)
    assert set(frame["registration_id"]) == {mine, theirs} and set(frame["evaluations_overdue"]) == {2}
    view = placements.placement_workspace(office.ctx, actor=office.actors["admin"], registration_id=mine)
    assert {e.kind: e.state for e in view.evaluations} == {"supervisor": "overdue", "advisor": "pending",
                                                           "student": "overdue"}  # fmt: skip
    data = placements.export_placements(
        office.ctx, actor=office.actors["coordinator"], filters=late, lang="th"
    )
    assert "รหัสนักศึกษา".encode() in data or b"Student code" in data


def test_a_section_is_planned_in_one_action_by_province_over_the_term(office: Office) -> None:
    coordinator = office.actors["coordinator"]
    regs = [office.placed(province=p) for p in ("ชลบุรี", "เชียงใหม่", "ชลบุรี", "เชียงใหม่", "ชลบุรี")]
    proposal = placements.propose_visits(office.ctx, actor=coordinator, section_id=office.section_id)
    assert len(proposal) == 2 * len(regs)  # two visits each
    first_round = proposal[proposal["number"] == 1]
    assert first_round["planned_at"].max() < datetime(2026, 8, 16)  # round 1 in the first half of the term
    assert (proposal[proposal["number"] == 2]["planned_at"].min()) >= datetime(2026, 8, 16)
    by_day = first_round.groupby(first_round["planned_at"].dt.date)["province"].nunique()
    assert set(by_day) == {1}  # one province a day
    assert all(d.weekday() < 5 for d in first_round["planned_at"].dt.date)
    bad = proposal.to_dict("records")
    bad[0] = {**bad[0], "visitor_id": office.actors["other_advisor"].user_id}
    with pytest.raises(InvalidInput, match="Row 1"):
        placements.save_visit_plan(office.ctx, actor=coordinator, rows=bad)
    with office.ctx.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 0  # all or nothing
    assert placements.save_visit_plan(office.ctx, actor=coordinator, rows=proposal.to_dict("records")) == 10
    assert placements.propose_visits(office.ctx, actor=coordinator, section_id=office.section_id).empty
    with pytest.raises(PermissionDenied):
        placements.propose_visits(office.ctx, actor=office.actors["advisor"], section_id=office.section_id)


def test_managers_read_coverage_completeness_and_scores(office: Office) -> None:
    admin, manager = office.actors["admin"], office.actors["manager"]
    visited, done = office.placed(), office.placed()
    office.placed()
    visit = placements.plan_visit(office.ctx, actor=admin, registration_id=visited, planned_at=NOW, mode="onsite",
                                  visitor_id=None)  # fmt: skip
    placements.record_visit(office.ctx, actor=admin, visit_id=visit, report="เรียบร้อย")
    for kind, value in (("supervisor", 5), ("advisor", 3)):
        evaluation = office.evaluations(done)[kind]
        placements.save_evaluation(office.ctx, actor=admin, evaluation_id=evaluation, submit=True,
                                   scores=_scores(office.ctx, evaluation, value))  # fmt: skip
    workflow.transition(office.ctx, actor=admin, registration_id=done, action="complete")
    filters = placements.StatsFilters(2026)
    assert placements.stats_years(office.ctx, actor=manager) == (2026,)
    coverage = placements.visit_coverage(office.ctx, actor=manager, filters=filters)
    assert coverage[["students", "visited", "visits"]].sum().tolist() == [3, 1, 1]
    assert coverage["coverage"].dropna().tolist() == [round(100 / 3, 1)] or len(coverage) == 3
    scores = placements.score_distribution(office.ctx, actor=manager, filters=filters, by="program")
    assert scores["students"].tolist() == [1] and scores["mean"].tolist() == [80.0]
    rows = placements.score_drilldown(office.ctx, actor=manager, filters=filters, by="program",
                                      group_id=int(scores["group_id"].iloc[0]))  # fmt: skip
    assert rows["registration_id"].tolist() == [done] and rows["result"].tolist() == ["S"]
    completeness = placements.evaluation_completeness(office.ctx, actor=manager, filters=filters)
    assert completeness.empty  # nothing has fallen due yet in August
    with pytest.raises(InvalidInput):
        placements.score_distribution(office.ctx, actor=manager, filters=filters, by="faculty")
    for who in ("coordinator", "advisor", "staff"):
        with pytest.raises(PermissionDenied):
            placements.visit_coverage(office.ctx, actor=office.actors[who], filters=filters)
    assert rules.evaluation_state("pending", date(2026, 1, 1), date(2026, 1, 2)) == rules.OVERDUE
    assert (
        rules.evaluation_state(EvaluationStatus.SUBMITTED, date(2026, 1, 1), date(2026, 1, 2)) == "submitted"
    )


def test_a_course_sets_its_visits_required_evaluations_and_grading(office: Office) -> None:
    from core import courses

    coordinator = office.actors["coordinator"]
    made = courses.create_course(office.ctx, actor=coordinator, code="COOP-9", name_th="สหกิจ", name_en="Co-op",
                                 credits=6, kind="coop", visit_count=4, required_evaluations=["student"],
                                 grading="score", pass_score=70)  # fmt: skip
    assert (made.visit_count, made.required_evaluations, made.grading, made.pass_score) == (
        4,
        ("student",),
        "score",
        70,
    )
    kept = courses.update_course(office.ctx, actor=coordinator, course_id=made.id, code="COOP-9", name_th="สหกิจ",
                                 name_en="Co-op", credits=6, kind="coop")  # fmt: skip
    assert kept.visit_count == 4 and kept.required_evaluations == ("student",)
    for bad in (
        {"visit_count": 5},
        {"required_evaluations": ["boss"]},
        {"grading": "letters"},
        {"pass_score": 101},
    ):
        with pytest.raises(InvalidInput):
            courses.update_course(office.ctx, actor=coordinator, course_id=made.id, code="COOP-9", name_th="สหกิจ",
                                  name_en="Co-op", credits=6, kind="coop", **bad)  # fmt: skip
