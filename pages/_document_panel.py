"""One registration's documents: versions with their download links, upload, and review."""

from __future__ import annotations

import streamlit as st

from core import documents
from core.access import Actor, Permission
from core.context import AppContext
from pages._ui import _, act, day, lang, plain, run_action, when


def _upload(ctx: AppContext, actor: Actor, registration_id: int, types: list[documents.TypeView]) -> None:
    names = {t.id: t.name(lang()) for t in types}
    with st.form(f"doc_upload_{registration_id}", clear_on_submit=True):
        st.markdown(f"**{_('Upload a document')}**")
        type_id = st.selectbox(_("Document type"), list(names), format_func=names.get, key="doc_type")
        file = st.file_uploader(
            _("File (PDF, DOCX, XLSX, PNG or JPEG; at most {n} MB)", n=documents.MAX_BYTES // (1024 * 1024)),
            type=["pdf", "docx", "xlsx", "png", "jpg", "jpeg"],
            key="doc_file",
        )
        expires = st.date_input(_("Expires on (agreements)"), value=None, key="doc_expires")
        if st.form_submit_button(_("Upload the document"), type="primary"):
            if file is None:
                st.error(_("Choose a file to upload."))
                return
            act(
                lambda: documents.upload_document(
                    ctx,
                    actor=actor,
                    registration_id=registration_id,
                    type_id=int(type_id),
                    filename=file.name,
                    content=file,
                    expires_on=expires,
                ),
                lambda d: _("Uploaded {name} as version {version}.", name=d.filename, version=d.version),
            )


def _review(ctx: AppContext, actor: Actor, doc: documents.DocumentView) -> None:
    key = f"doc_review_{doc.id}"
    reason = st.text_input(_("Reason (to send it back)"), key=f"{key}_reason")
    left, right = st.columns(2)
    if left.button(_("Approve"), key=f"{key}_ok"):
        act(
            lambda: documents.review_document(ctx, actor=actor, document_id=doc.id, decision="approved"),
            _("Approved."),
        )
    if right.button(_("Ask for a revision"), key=f"{key}_back"):
        act(
            lambda: documents.review_document(
                ctx, actor=actor, document_id=doc.id, decision="needs_revision", reason=reason
            ),
            _("Sent back for revision; the student is told by e-mail."),
        )


def _version(ctx: AppContext, actor: Actor, doc: documents.DocumentView, newest: bool) -> None:
    status = _(documents.STATUS_LABELS[doc.status])  # type: ignore[index]
    line = f"v{doc.version} · {doc.filename} · {doc.size / 1024:.0f} KB · {when(doc.created_at)} · {status}"
    if doc.expires_on:
        line += " · " + _("expires {date}", date=day(doc.expires_on))
    st.markdown(plain(line))
    if doc.review_reason:
        st.caption(plain(_("Reason: {reason}", reason=doc.review_reason)))
    st.link_button(_("Download"), f"/files/documents/{doc.id}", key=f"doc_dl_{doc.id}")
    if newest and doc.status == "pending":
        _review(ctx, actor, doc)


def panel(ctx: AppContext, actor: Actor, registration_id: int) -> None:
    """The registration's documents by type, newest version first, and the upload form."""
    types = run_action(lambda: documents.list_types(ctx, actor=actor, active_only=True))
    versions = run_action(
        lambda: documents.registration_documents(ctx, actor=actor, registration_id=registration_id)
    )
    if types is None or versions is None:
        return
    if not versions:
        st.info(_("No document has been uploaded for this registration yet."))
    seen: set[int] = set()
    for doc in versions:
        if doc.type_id not in seen:
            st.subheader(doc.type_th if lang() == "th" else doc.type_en)
        with st.container(border=True):
            _version(ctx, actor, doc, doc.type_id not in seen)
        seen.add(doc.type_id)
    if actor.can(Permission.VIEW_DOCUMENTS) and types:
        _upload(ctx, actor, registration_id, types)
