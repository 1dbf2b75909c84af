"""Documents and mail in the bench: outbox throughput to a local SMTP sink (aiosmtpd on loopback), a
10 MB document's upload and download through the storage back end with the process's RSS growth, and
the documents list (cold against its cache hit; the page itself runs with the other pages)."""

from __future__ import annotations

import dataclasses
import io
import time
from functools import partial

from sqlalchemy import delete, select

from bench.cases import Case
from bench.harness import Row, summarise
from bench.load import rss_mb
from bench.runner import Plan
from core import documents, mail
from core.access import Actor
from core.context import AppContext
from core.registrations import states
from db.models import Document, DocumentType, OutboxMail, Registration, SenderLease
from tests.smtp_sink import sink_process

DOCUMENT_BYTES = 10 * 1024 * 1024 - 4096  # just under the limit
MAILS = 1000


def document_cases(ctx: AppContext, actors: dict[str, Actor]) -> list[Case]:
    """The missing/expiring list as the office opens it, and as an advisor does."""
    filters = documents.DocumentFilters()
    return [
        Case(
            "documents.problems",
            partial(documents.list_document_problems, ctx, actor=actors["admin"], filters=filters),
            cached=True,
        ),
        Case(
            "documents.problems advisor",
            partial(documents.list_document_problems, ctx, actor=actors["advisor"], filters=filters),
            cached=True,
        ),
    ]


def mail_rows(ctx: AppContext, plan: Plan, count: int = MAILS) -> list[Row]:
    """Write `count` Thai mails, then time one sender delivering them all to a local SMTP server."""
    with ctx.sessions.begin() as session:
        ids = [
            mail.enqueue(
                session,
                kind="registration_needs_changes",
                to=f"bench{i}@example.ac.th",
                name="นักศึกษา ทดสอบ",
                lang="th",
                params={"course": "ฝึกงาน ๑", "reason": "แนบหนังสือตอบรับให้ครบ"},
            )
            for i in range(count)
        ]
    try:
        with sink_process() as url:
            smtp_ctx = dataclasses.replace(ctx, settings=ctx.settings.model_copy(update={"smtp_url": url}))
            started, sent = time.perf_counter(), 0
            while sent < count:
                report = mail.send_pending(smtp_ctx, owner="bench", limit=count)
                if report.sent == 0:
                    break
                sent += report.sent
            seconds = time.perf_counter() - started
        rate = sent / seconds if seconds else 0.0
        note = f"{sent} mails in {seconds:.2f} s = {rate:.0f} mails/s (target >= 200) to aiosmtpd's Sink"
        return [Row(plan.backend, "outbox send", "core", sent, seconds * 1000 / max(sent, 1), note=note)]
    finally:
        with ctx.sessions.begin() as session:
            session.execute(delete(OutboxMail).where(OutboxMail.id.in_([i for i in ids if i])))
            session.execute(delete(SenderLease).where(SenderLease.owner == "bench"))


def _registration(ctx: AppContext) -> tuple[int, int] | None:
    with ctx.sessions.begin() as session:
        rid = session.scalar(
            select(Registration.id)
            .where(Registration.status.in_(states.PLACED))
            .order_by(Registration.id)
            .limit(1)
        )
        kind = session.scalar(select(DocumentType.id).where(DocumentType.has_expiry.is_(False)).limit(1))
    return (int(rid), int(kind)) if rid and kind else None


def transfer_rows(ctx: AppContext, admin: Actor, plan: Plan, runs: int = 5) -> list[Row]:
    """Upload then download a 10 MB PDF `runs` times (removed again, untimed): times and RSS growth."""
    target = _registration(ctx)
    if target is None:
        return [Row(plan.backend, "document 10 MB", "core", 0, None, note="no placed registration or type")]
    rid, kind = target
    data = b"%PDF-1.7\n" + bytes(range(256)) * (DOCUMENT_BYTES // 256)
    upload = partial(
        documents.upload_document, ctx, actor=admin, registration_id=rid, type_id=kind, filename="report.pdf"
    )

    def download(document_id: int) -> int:
        got = documents.open_document(ctx, actor=admin, document_id=document_id)
        return sum(len(chunk) for chunk in got.chunks)  # streamed: never joined

    made = [upload(content=io.BytesIO(data)).id]  # warm-up
    download(made[0])
    before, ups, downs = rss_mb(), [], []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            doc = upload(content=io.BytesIO(data))
            ups.append(time.perf_counter() - started)
            made.append(doc.id)
            started = time.perf_counter()
            assert download(doc.id) == len(data)
            downs.append(time.perf_counter() - started)
        growth = rss_mb() - before
    finally:
        with ctx.sessions.begin() as session:
            session.execute(delete(Document).where(Document.id.in_(made)))
    size = len(data) / 1048576
    rows = []
    for name, timings in (("document upload 10 MB", ups), ("document download 10 MB", downs)):
        s = summarise(timings)
        note = (
            f"{size:.1f} MB, {ctx.settings.document_storage} storage (target <= 1 s); "
            f"RSS +{growth:.1f} MiB over {runs} round trips (target <= 30)"
        )
        rows.append(Row(plan.backend, name, "core", s.runs, s.median_ms, s.p95_ms, note=note))
    return rows
