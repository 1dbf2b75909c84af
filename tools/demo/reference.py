"""Demo reference data: users, faculties, programs, students, companies, courses, sections, postings."""

from __future__ import annotations

import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import bindparam, update

from db.models import Base, Role
from tools.demo import text as txt
from tools.demo.aftercare import Aftercare, form_rows
from tools.demo.load import (
    Indexer,
    IndexText,
    Loader,
    Row,
    hash_all,
    index_many,
)
from tools.demo.registrations import (
    Plan,
    Term,
    Timelines,
    academic_terms,
    allocate_slots,
    plan_registrations,
    posting_weights,
)

T = Base.metadata.tables
DEMO_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.ADVISOR, Role.STAFF, Role.MANAGER)
N_ADVISORS, N_COMMITTEE, N_COORDINATORS = 40, 10, 2
SLOT_WEIGHTS = [3, 4, 5, 6, 8, 9, 10, 10, 9, 8]  # slots 1..10, mean about 6.3
WORK_MODES = ("onsite", "hybrid", "remote")
PARALLEL_INDEX_FROM = 1_000  # postings; fewer are indexed inline
VISITS = {"coop": 3, "internship": 2}  # supervision visits per student, by course kind


# How much data to make.
class Size(NamedTuple):
    students: int
    companies: int
    postings: int
    registrations: int
    sections_per_course: int  # fmt: skip


SIZES = {
    "small": Size(300, 60, 200, 1500, 2),
    "large": Size(20_000, 2_000, 10_000, 200_000, 6),
    # Ten times large: a consortium of universities (bench: `make bench SIZE=national`).
    "national": Size(200_000, 20_000, 50_000, 2_000_000, 60),
}


def section_rows(
    rng: random.Random,
    terms: list[Term],
    sections: list[tuple[int, int]],
    plans: list[Plan],
    base: dict[str, int],
    coordinators: list[int],
    committee: tuple[list[int], int],
) -> tuple[list[Row], list[list[int]]]:
    """Section rows with room for their registrations, and each one's committee of 3 or 5."""
    counts = [0] * len(sections)
    for p in plans:
        counts[p.section] += 1
    rows, members, numbers = [], [], Counter[tuple[int, int]]()
    for s, (course, term) in enumerate(sections):
        numbers[(course, term)] += 1
        chosen = rng.sample(committee[0], rng.choice((3, 5)))
        chosen[0] = committee[1] if rng.random() < 0.5 else chosen[0]
        members.append(chosen)
        rows.append({
            "id": base["course_sections"] + s + 1, "course_id": base["courses"] + course + 1,
            "section": f"{numbers[(course, term)]:02d}", "semester": terms[term].semester,
            "academic_year": terms[term].year, "capacity": max(30, -(-counts[s] * 12 // 100) * 10),
            "coordinator_id": rng.choices(coordinators, (6, *[2] * (len(coordinators) - 1)))[0],
            "archived": False})  # fmt: skip
    return rows, members


@dataclass
class Generator:
    """Builds the rows in foreign-key order and hands them to a Loader."""

    rng: random.Random
    now: datetime
    index_text: IndexText | None
    rounds: int
    loader: Loader
    base: dict[str, int]
    terms: list[Term] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    ids: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    search_args: list[tuple[int, str, str, str, str, str, str]] = field(default_factory=list)
    indexer: Indexer | None = None

    def __post_init__(self) -> None:
        self.terms = academic_terms(self.now)
        self.epoch = self.terms[0].start - timedelta(days=150)

    def _insert(self, table: str, rows: list[Row]) -> None:
        self.loader.insert(T[table], rows)

    def _stamp(self, row: Row) -> Row:
        return {**row, "created_at": self.epoch, "updated_at": self.epoch}

    def users(self, existing: dict[str, int]) -> None:
        """The five demo accounts (random passwords), advisors, committee members, coordinators."""
        extra = [Role.ADVISOR] * (N_ADVISORS + N_COMMITTEE) + [Role.COORDINATOR] * N_COORDINATORS
        specs = txt.user_specs(self.rng, DEMO_ROLES, extra, set(existing))
        new = [s for s in specs[: len(DEMO_ROLES)] if s[0] not in existing]
        self.passwords = {s[0]: secrets.token_urlsafe(16) for s in new}
        hashes = hash_all([*self.passwords.values(), secrets.token_urlsafe(24)], self.rounds)
        by_name = dict(zip(self.passwords, hashes, strict=False))
        rows = []
        for n, (name, full_name, role) in enumerate(s for s in specs if s[0] not in existing):
            rows.append(self._stamp({
                "id": self.base["users"] + n + 1, "username": name, "full_name": full_name, "role": role,
                "email": f"{name}@example.ac.th", "password_hash": by_name.get(name, hashes[-1]),
                "active": True, "must_change_password": False, "failed_logins": 0}))  # fmt: skip
        self._insert("users", rows)
        self.user_ids = {**existing, **{r["username"]: r["id"] for r in rows}}
        for name, _, role in specs[len(DEMO_ROLES) :]:
            self.ids[role.value].append(self.user_ids[name])

    def programs(self) -> list[int]:
        """Faculties and their programs; returns the program ids."""
        faculties: list[Row] = []
        programs: list[Row] = []
        for f_code, f_th, f_en, progs in txt.FACULTIES:
            fid = self.base["faculties"] + len(faculties) + 1
            faculties.append({"id": fid, "code": f_code, "name_th": f_th, "name_en": f_en})
            for p_code, p_th, p_en in progs:
                pid = self.base["programs"] + len(programs) + 1
                programs.append(
                    {"id": pid, "faculty_id": fid, "code": p_code, "name_th": p_th, "name_en": p_en}
                )
        self._insert("faculties", faculties)
        self._insert("programs", programs)
        return [p["id"] for p in programs]

    def students(self, count: int, program_ids: list[int]) -> list[int]:
        """Students with Thai names and their romanisation; returns each one's advisor id."""
        first, last = txt.thai_names()
        advisors = [self.user_ids["advisor"], *self.ids["advisor"]]
        weights = [len(advisors) * 0.06] + [1.0] * (len(advisors) - 1)
        be_year = self.terms[3].year + 543
        rows, advisor_of = [], []
        for n in range(count):
            (f_th, f_en), (l_th, l_en) = self.rng.choice(first), self.rng.choice(last)
            year = self.rng.choices((2, 3, 4, 5), (5, 45, 45, 5))[0]
            prog = self.rng.randrange(len(program_ids))
            code = f"{(be_year - year + 1) % 100:02d}{prog + 1:02d}{self.base['students'] + n + 1:06d}"
            gpax = Decimal(f"{self.rng.triangular(2.0, 4.0, 3.1):.2f}")
            rows.append(self._stamp({
                "id": self.base["students"] + n + 1, "student_code": code, "first_name_th": f_th,
                "last_name_th": l_th, "first_name_en": f_en, "last_name_en": l_en,
                "email": f"{code}@student.example.ac.th", "phone": txt.phone(self.rng),
                "program_id": program_ids[prog], "gpax": gpax, "year": year}))  # fmt: skip
            advisor_of.append(self.rng.choices(advisors, weights)[0])
        self._insert("students", rows)
        return advisor_of

    def sections(self, per_course: int) -> list[tuple[int, int]]:
        """Courses and their sections per term (capacity filled in later); returns (course, term)."""
        courses, sections = [], []
        for n, (code, name_th, name_en, credits, kind, _) in enumerate(txt.COURSES):
            courses.append(self._stamp({"id": self.base["courses"] + n + 1, "code": code, "name_th": name_th,
                                        "name_en": name_en, "credits": credits, "kind": kind,
                                        "visit_count": VISITS[kind], "archived": False}))  # fmt: skip
            sections += [(n, t) for t in range(len(self.terms)) for _ in range(per_course)]
        self._insert("courses", courses)
        return sections

    def postings(self, count: int, companies: list[Row], plans: list[Plan]) -> None:
        """Postings spread over terms by placement demand; each placed plan takes a free slot."""
        weights = posting_weights(self.terms, plans)
        rows = []
        for n in range(count):
            term = self.rng.choices(range(len(self.terms)), weights)[0]
            rows.append(self._posting(self.base["internships"] + n + 1, self.rng.choice(companies), term))
        allocate_slots(self.rng, plans, [(r["id"], r["slots"], r["term"]) for r in rows])
        if self.index_text is not None and count < PARALLEL_INDEX_FROM:
            for row, text in zip(rows, index_many(self.index_text, self.search_args), strict=True):
                row["search_text"] = text
        elif self.index_text is not None:  # in another process, while the registrations load
            self.indexer = Indexer(self.search_args)
        self._insert("internships", [{k: v for k, v in r.items() if k != "term"} for r in rows])

    def search_texts(self) -> None:
        """Write the search texts computed in the other process (large loads)."""
        if self.indexer is None:
            return
        texts = self.indexer.result()
        rows = [{"_id": a[0], "_text": t} for a, t in zip(self.search_args, texts, strict=True)]
        table = T["internships"]
        statement = update(table).where(table.c.id == bindparam("_id")).values(search_text=bindparam("_text"))
        self.loader.execute(statement, rows, "internships.search_text")

    def _posting(self, pid: int, company: Row, term: int) -> Row:
        province = company["province"]
        if self.rng.random() < 0.15:
            province = self.rng.choices([p[0] for p in txt.PROVINCES], [p[3] for p in txt.PROVINCES])[0]
        title, description, skills = txt.posting_text(self.rng, province)
        phase, start = (
            self.terms[term].phase,
            self.terms[term].start + timedelta(days=self.rng.randint(-7, 14)),
        )
        created = min(start - timedelta(days=self.rng.randint(30, 90)), self.now - timedelta(hours=1))
        created += timedelta(seconds=self.rng.randint(0, 86_399))
        self.search_args.append(
            (pid, title, description, skills, company["name_th"], company["name_en"], province)
        )
        is_open = phase in ("upcoming", "future") and self.rng.random() < 0.9
        return {
            "id": pid, "company_id": company["id"], "title": title, "description": description,
            "skills": skills, "province": province, "stipend": None if self.rng.random() < 0.25 else
            self.rng.randrange(3000, 15_001, 500), "work_mode": self.rng.choices(WORK_MODES, (55, 30, 15))[0],
            "slots": self.rng.choices(range(1, 11), SLOT_WEIGHTS)[0], "period_start": start.date(),
            "period_end": (start + timedelta(weeks=self.rng.randint(8, 16))).date(), "search_text": "",
            "status": "open" if is_open else "closed", "created_at": created, "updated_at": created,
            "term": term,
        }  # fmt: skip

    def insert_sections(self, sections: list[tuple[int, int]], plans: list[Plan]) -> None:
        """Sections sized for their registrations, each with a coordinator and a committee."""
        coordinators = [self.user_ids["coordinator"], *self.ids["coordinator"]]
        committee = (self.ids["advisor"][-N_COMMITTEE:], self.user_ids["advisor"])
        rows, members = section_rows(
            self.rng, self.terms, sections, plans, self.base, coordinators, committee
        )
        self._insert("course_sections", [self._stamp(r) for r in rows])
        pairs = zip(rows, members, strict=True)
        self._insert(
            "section_committee", [{"section_id": r["id"], "user_id": u} for r, m in pairs for u in m]
        )
        ids, coordinator_of = [r["id"] for r in rows], [r["coordinator_id"] for r in rows]
        self.timelines = Timelines(self.rng, self.now, self.terms, self.loader, self.base,
                                   self.base["students"], ids, coordinator_of, members)  # fmt: skip
        forms, criteria, made = form_rows(self.base, self.now)
        self._insert("evaluation_forms", forms)
        self._insert("evaluation_criteria", criteria)
        self.timelines.aftercare = Aftercare(self.rng, self.now, self.base, made)
        self.timelines.visit_counts = [VISITS[txt.COURSES[course][4]] for course, _term in sections]

    def run(self, size: Size, existing: dict[str, int]) -> None:
        """Generate and insert the whole data set."""
        self.users(existing)
        advisor_of = self.students(size.students, self.programs())
        companies = txt.company_rows(self.rng, size.companies, self.base["companies"], self._stamp)
        self._insert("companies", companies)
        sections = self.sections(size.sections_per_course)
        plans = plan_registrations(self.rng, self.terms, size.registrations, size.students, sections)
        self.postings(size.postings, companies, plans)
        self.insert_sections(sections, plans)
        self.timelines.registrations(plans, advisor_of)
        self.timelines.changes()
        self.search_texts()
