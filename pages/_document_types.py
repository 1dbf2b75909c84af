"""The office's document types and which of them each course asks for."""

from __future__ import annotations

import streamlit as st

from core import courses, documents
from core.access import Actor
from core.context import AppContext
from pages._ui import _, act, formatted, lang, run_action


def _type_form(ctx: AppContext, actor: Actor, types: list[documents.TypeView]) -> None:
    names = {t.id: t.name(lang()) for t in types}
    choice = st.selectbox(
        _("Type"), [0, *names], format_func=formatted([0, *names], lambda t: names.get(t) or _("New type")),
        key="dt_pick",
    )  # fmt: skip
    current = next((t for t in types if t.id == choice), None)
    with st.form(f"dt_form_{choice}"):
        code = st.text_input(_("Code"), value=current.code if current else "")
        name_th = st.text_input(_("Name (Thai)"), value=current.name_th if current else "")
        name_en = st.text_input(_("Name (English)"), value=current.name_en if current else "")
        expiry = st.checkbox(_("Has an expiry date"), value=current.has_expiry if current else False)
        active = st.checkbox(_("In use"), value=current.active if current else True)
        if st.form_submit_button(_("Save")):
            act(
                lambda: documents.save_type(
                    ctx,
                    actor=actor,
                    type_id=choice or None,
                    code=code,
                    name_th=name_th,
                    name_en=name_en,
                    has_expiry=expiry,
                    active=active,
                ),
                _("Saved."),
            )


def _requirements(ctx: AppContext, actor: Actor, types: list[documents.TypeView]) -> None:
    options = run_action(lambda: courses.lookups(ctx, actor=actor).courses) or []
    labels = dict(options)
    course_id = st.selectbox(
        _("Course"),
        list(labels),
        index=None,
        key="dt_course",
        format_func=formatted(list(labels), labels.get),
        placeholder=_("Choose a course"),
    )
    if course_id is None:
        return
    current = run_action(lambda: documents.course_requirements(ctx, actor=actor, course_id=course_id)) or {}
    names = {t.id: t.name(lang()) for t in types}
    with st.form(f"dt_req_{course_id}"):
        required = st.multiselect(
            _("Required"),
            list(names),
            default=[t for t, r in current.items() if r],
            format_func=names.get,
            placeholder=_("None required"),
        )
        optional = st.multiselect(
            _("Optional"),
            list(names),
            default=[t for t, r in current.items() if not r],
            format_func=names.get,
            placeholder=_("None"),
        )
        if st.form_submit_button(_("Save")):
            act(
                lambda: documents.set_course_requirements(
                    ctx, actor=actor, course_id=course_id, required=required, optional=optional
                ),
                _("Saved."),
            )


def editor(ctx: AppContext, actor: Actor) -> None:
    """Edit a type, then choose a course's required and optional types."""
    types = run_action(lambda: documents.list_types(ctx, actor=actor)) or []
    _type_form(ctx, actor, types)
    st.divider()
    st.subheader(_("Documents each course asks for"))
    _requirements(ctx, actor, types)
