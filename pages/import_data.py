"""Import students or registrations from CSV or Excel: preview every issue, then commit all or nothing."""

import hashlib

import streamlit as st

from core import imports
from core.access import Permission
from core.i18n import N_
from pages._ui import (
    _,
    context,
    failure,
    flash,
    formatted,
    guard,
    lang,
    ngettext,
    plain,
    run_action,
    show_flash,
)

UPLOAD = "im_upload"  # bumped after a commit: a new, empty uploader (the file was saved)
PREVIEW_OF, PREVIEW = "im_preview_of", "im_preview"
KINDS = {"students": N_("Students"), "registrations": N_("Registrations")}
ISSUE_COLUMNS = {"line": N_("Line"), "column": N_("Column"), "message": N_("Problem")}
ROW_COLUMNS = {"line": N_("Line"), "student_code": N_("Student code"), "action": N_("What happens")}

actor = guard(Permission.IMPORT_REGISTRATIONS)
ctx = context()
st.title(_("Import"))
show_flash()
kind = st.radio(
    _("What to import"),
    list(KINDS),
    format_func=formatted(KINDS, lambda k: _(KINDS[k])),
    horizontal=True,
    key="im_kind",
)
st.caption(
    _(
        "Faculty, program, section, advisor and company may be written as the code, the Thai name or the "
        "English name. Years may be written in the Buddhist era (2569) or in CE (2026). Commas, semicolons "
        "and tabs all work as separators."
    )
)
st.download_button(
    _("Download the template with an example row (CSV)"),
    imports.template(kind),
    file_name=f"{kind}-template.csv",
    mime="text/csv",
    key="im_template",
)
upload = st.file_uploader(
    _("CSV (UTF-8 or Thai Windows) or Excel .xlsx"),
    type=["csv", "xlsx"],
    key=f"im_file{st.session_state.get(UPLOAD, 0)}",
)
if upload is None:
    st.info(_("Choose a file to see what it would change. Nothing is saved before you commit."))
    st.stop()

data, name = upload.getvalue(), upload.name
# Parsed and checked once per upload: every later rerun (a click, a widget) reuses the outcome.
this_upload = (kind, name, hashlib.sha256(data).hexdigest())
if st.session_state.get(PREVIEW_OF) != this_upload:
    with st.spinner(_("Checking every row…")):
        try:
            outcome: object = imports.preview_import(ctx, actor=actor, kind=kind, data=data, filename=name)
        except Exception as exc:  # shown on every rerun of this upload, checked only once
            outcome = failure(exc)
    st.session_state[PREVIEW_OF], st.session_state[PREVIEW] = this_upload, outcome
preview = st.session_state[PREVIEW]
if isinstance(preview, str):
    st.error(plain(preview))
    st.stop()
if preview.errors:
    n = len(preview.errors)
    st.error(
        ngettext(
            "{n} problem found; nothing can be saved until it is fixed.",
            "{n} problems found; nothing can be saved until they are fixed.",
            n,
        )
    )
    st.dataframe(
        preview.errors_frame(lang()),
        hide_index=True,
        width="stretch",
        column_config={c: _(label) for c, label in ISSUE_COLUMNS.items()},
    )
    st.stop()

cols = st.columns(3)
cols[0].metric(_("New"), f"{preview.created:,}")
cols[1].metric(_("Updated"), f"{preview.updated:,}")
cols[2].metric(_("Unchanged"), f"{preview.unchanged:,}")
rows = preview.rows.assign(action=[_(imports.ACTION_LABELS[a]) for a in preview.rows["action"]])
st.dataframe(
    rows, hide_index=True, width="stretch", column_config={c: _(label) for c, label in ROW_COLUMNS.items()}
)
if st.button(
    _("Commit import"), type="primary", key="im_commit", disabled=not (preview.created or preview.updated)
):
    with st.status(_("Importing…"), expanded=True) as status:
        bar = st.progress(0.0)
        result = run_action(
            lambda: imports.commit_import(
                ctx, actor=actor, kind=kind, data=data, filename=name, progress=lambda f: bar.progress(f)
            )
        )
        status.update(
            label=_("Import finished") if result else _("Import failed"),
            state="complete" if result else "error",
        )
    if result:
        flash(
            _(
                "Imported: {created:,} new, {updated:,} updated, {unchanged:,} unchanged ({seconds:.1f} s).",
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                seconds=result.seconds,
            )
        )
        st.session_state[UPLOAD] = st.session_state.get(UPLOAD, 0) + 1
        st.session_state.pop(PREVIEW_OF, None)  # the data changed: the same file again is checked afresh
        st.rerun()
