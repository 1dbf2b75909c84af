"""New registration (coordinators, admins): a walk-in entered by hand under the intake rules, then shown;
and a withdrawal on the student's behalf."""

import streamlit as st

from core import courses, postings, registrations, students
from core.access import Permission
from pages import _registration_detail as detail
from pages._ui import (
    _,
    confirm,
    context,
    failure,
    flash,
    formatted,
    guard,
    plain,
    run_action,
    show_flash,
    term,
    tr,
)

ENTERED = "nr_entered"  # the registration this page entered last, shown below the form

actor = guard(Permission.ENTER_REGISTRATION)
ctx = context()
st.title(_("New registration"))
show_flash()


def _student() -> int | None:
    typed = st.text_input(
        _("Find the student (code, Thai or English name)"),
        type="search",
        live=True,
        max_chars=200,
        placeholder=_("e.g. 6512345678 or สมชาย ใจดี"),
        key="nr_q",
    )
    found = run_action(lambda: students.find_students(ctx, actor=actor, text=typed)) or []
    if typed.strip() and not found:
        st.info(_("No student matches. Type the code, or the first name and last name."))
    labels = {s.id: f"{s.student_code} {s.name_th} / {s.name_en} · {s.program_th}" for s in found}
    return st.selectbox(_("Student"), list(labels), format_func=formatted(labels, labels.get), index=None,
                        placeholder=_("Choose the student"), key="nr_student")  # fmt: skip


def _section() -> int | None:
    choices = run_action(lambda: courses.lookups(ctx, actor=actor))
    sections = choices.sections if choices else ()
    terms = sorted({(row[3], row[4]) for row in sections}, key=lambda t: (t[1], t[0]), reverse=True)
    left, right = st.columns(2)
    chosen = left.selectbox(_("Term"), terms, format_func=formatted(terms, lambda t: term(*t)), index=None,
                            placeholder=_("Choose the term"), key="nr_term")  # fmt: skip
    labels = {i: _("{course} section {section}", course=code, section=label)
              for i, code, label, sem, year in sections if (sem, year) == chosen}  # fmt: skip
    return right.selectbox(_("Section"), list(labels), format_func=formatted(labels, labels.get), index=None,
                           placeholder=_("Choose the section"), key="nr_section")  # fmt: skip


def _posting(student_id: int | None, section_id: int | None) -> int | None:
    query = st.text_input(_("Posting the student asks for (optional): search as on the search page"),
                          max_chars=200, key="nr_post_q")  # fmt: skip
    if not query.strip() or student_id is None or section_id is None:
        return None
    found = run_action(lambda: postings.intake_choices(ctx, actor=actor, student_id=student_id,
                                                       section_id=section_id, query=query))  # fmt: skip
    labels = {p.id: tr(p.label()) for p in found.eligible} if found else {}
    for posting, problems in found.refused if found else ():
        st.caption(plain(" · ".join([tr(posting.label()), *(tr(p) for p in problems)])))
    if not labels:
        st.info(_("No open posting that matches can take this student. Search with other words."))
    return st.selectbox(_("Posting"), list(labels), format_func=formatted(labels, labels.get), index=None,
                        placeholder=_("No posting"), key="nr_posting")  # fmt: skip


def _advisor() -> int | None:
    choices = run_action(lambda: courses.lookups(ctx, actor=actor))
    labels = dict(choices.advisors) if choices else {}
    return st.selectbox(_("Advisor (optional)"), list(labels), format_func=formatted(labels, labels.get),
                        index=None, placeholder=_("No advisor yet"), key="nr_advisor")  # fmt: skip


def _save(
    student_id: int | None, section_id: int | None, posting_id: int | None, advisor_id: int | None
) -> None:
    request = registrations.IntakeRequest(student_id=student_id, section_id=section_id,
                                          internship_id=posting_id, advisor_id=advisor_id)  # fmt: skip
    try:
        entered = registrations.enter_registration(ctx, actor=actor, request=request)
    except registrations.IntakeRefused as refused:
        for problem in refused.problems:  # one message per rule broken
            st.error(plain(tr(problem.message)))
        return
    except Exception as exc:  # a domain error as it is, anything else by incident id
        st.error(plain(failure(exc)))
        return
    st.session_state[ENTERED] = entered.registration_id
    flash(_("Registration {id} entered: submitted, waiting for review.", id=entered.registration_id))
    st.rerun()


def _withdraw(registration_id: int) -> None:
    st.subheader(_("Withdraw on the student's behalf"))
    reason = st.text_input(_("Reason (required)"), max_chars=2000, key="nr_withdraw_reason")
    if st.button(_("Withdraw registration {id}", id=registration_id), key="nr_withdraw"):
        confirm(
            "nr_withdraw_confirm",
            _("Withdraw registration {id}?", id=registration_id),
            [_("The registration becomes withdrawn and leaves the review queue."),
             _("Reason: {reason}", reason=reason.strip() or "—")],
            lambda: registrations.withdraw_registration(ctx, actor=actor, registration_id=registration_id,
                                                        reason=reason),
            _("Registration {id} withdrawn.", id=registration_id),
            label=_("Withdraw"),
        )  # fmt: skip


student_id = _student()
section_id = _section()
posting_id = _posting(student_id, section_id)
advisor_id = _advisor()
if st.button(_("Save registration"), type="primary", key="nr_save"):
    _save(student_id, section_id, posting_id, advisor_id)

if (shown := st.session_state.get(ENTERED)) is not None:
    st.divider()
    detail.read_only(ctx, actor, int(shown))
    _withdraw(int(shown))
