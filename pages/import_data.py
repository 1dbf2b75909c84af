"""Import students or registrations from CSV or Excel: preview every issue, then commit all or nothing."""

import streamlit as st

from core import imports
from core.access import Permission
from core.imports import COLUMNS
from pages._ui import context, flash, guard, run_action, show_flash

UPLOAD = "im_upload"  # bumped after a commit: a new, empty uploader (the file was saved)

actor = guard(Permission.IMPORT_REGISTRATIONS)
ctx = context()
st.title("Import")
show_flash()
kind = st.radio("What to import", list(COLUMNS), horizontal=True, key="im_kind")
st.download_button(
    f"Download the {kind} template (CSV)",
    (",".join(COLUMNS[kind]) + "\n").encode("utf-8-sig"),
    file_name=f"{kind}-template.csv",
    mime="text/csv",
    key="im_template",
)
upload = st.file_uploader(
    "CSV (UTF-8 or Thai Windows) or Excel .xlsx",
    type=["csv", "xlsx"],
    key=f"im_file{st.session_state.get(UPLOAD, 0)}",
)
if upload is None:
    st.info("Choose a file to see what it would change. Nothing is saved before you commit.")
    st.stop()

data, name = upload.getvalue(), upload.name
preview = run_action(lambda: imports.preview_import(ctx, actor=actor, kind=kind, data=data, filename=name))
if preview is None:
    st.stop()
if preview.errors:
    st.error(f"{len(preview.errors)} problems found; nothing can be saved until they are fixed.")
    st.dataframe(preview.errors_frame(), hide_index=True, width="stretch")
    st.stop()

cols = st.columns(3)
cols[0].metric("New", f"{preview.created:,}")
cols[1].metric("Updated", f"{preview.updated:,}")
cols[2].metric("Unchanged", f"{preview.unchanged:,}")
st.dataframe(preview.rows, hide_index=True, width="stretch")
if st.button(
    "Commit import", type="primary", key="im_commit", disabled=not (preview.created or preview.updated)
):
    bar = st.progress(0.0, text="Importing…")
    result = run_action(
        lambda: imports.commit_import(
            ctx, actor=actor, kind=kind, data=data, filename=name, progress=lambda f: bar.progress(f)
        )
    )
    if result:
        flash(
            f"Imported: {result.created:,} new, {result.updated:,} updated, {result.unchanged:,} unchanged "
            f"({result.seconds:.1f} s)."
        )
        st.session_state[UPLOAD] = st.session_state.get(UPLOAD, 0) + 1
        st.rerun()
