"""Documents: each registration's missing, waiting, sent-back and expiring documents, with filters and
export; open a registration to see, upload and review its documents; the office sets the types."""

import streamlit as st

from core import documents
from core.access import Permission
from pages import _document_panel, _document_types
from pages._ui import _, context, day, formatted, guard, lang, run_action, show_flash

ALL = "all"  # the filters' first choice: no filter
actor = guard(Permission.VIEW_DOCUMENTS)
ctx = context()
st.title(_("Documents"))
show_flash()
tabs = [_("Missing and expiring"), _("Open a registration")]
if actor.can(Permission.MANAGE_DOCUMENT_TYPES):
    tabs.append(_("Document types"))
shown = st.tabs(tabs)

with shown[0]:
    types = run_action(lambda: documents.list_types(ctx, actor=actor)) or []
    type_names = {t.id: t.name(lang()) for t in types}
    left, right = st.columns(2)
    problem = left.selectbox(
        _("Problem"),
        [ALL, *documents.PROBLEMS],
        format_func=formatted(
            [ALL, *documents.PROBLEMS], lambda p: _("All") if p == ALL else _(documents.PROBLEMS[p])
        ),
        key="docs_problem",
    )
    type_id = right.selectbox(
        _("Document type"),
        [0, *type_names],
        format_func=formatted([0, *type_names], lambda t: type_names.get(t) or _("All")),
        key="docs_type",
    )
    filters = documents.DocumentFilters(problem=None if problem == ALL else problem, type_id=type_id or None)
    frame = run_action(lambda: documents.list_document_problems(ctx, actor=actor, filters=filters))
    if frame is not None:
        view = frame.assign(
            document=frame["document_th"] if lang() == "th" else frame["document_en"],
            problem=[_(documents.PROBLEMS.get(p, p)) for p in frame["problem"]],
            expires_on=[day(d) if d is not None and d == d else "" for d in frame["expires_on"]],
        )
        columns = list(documents.HEADERS)
        st.caption(_("{n} rows (at most {m})", n=len(view), m=documents.MAX_ROWS))
        st.dataframe(
            view[columns],
            hide_index=True,
            width="stretch",
            column_config={c: _(documents.HEADERS[c]) for c in columns},
        )
        reader = lang()
        for fmt, label in (("csv", _("Export CSV")), ("xlsx", _("Export Excel"))):
            st.download_button(  # the file is made when the button is pressed, not on every run
                label,
                lambda fmt=fmt: documents.export_document_problems(
                    ctx, actor=actor, filters=filters, lang=reader, fmt=fmt
                ),
                file_name=f"documents.{fmt}",
                key=f"docs_export_{fmt}",
            )

with shown[1]:
    rid = st.number_input(_("Registration no."), min_value=1, step=1, value=None, key="docs_registration")
    if rid:
        _document_panel.panel(ctx, actor, int(rid))

if len(shown) > 2:
    with shown[2]:
        _document_types.editor(ctx, actor)
