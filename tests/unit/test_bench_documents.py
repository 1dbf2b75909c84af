"""The bench's documents and mail part runs against a real SMTP sink and leaves the data as it found it."""

from __future__ import annotations

from bench.cases import actor_for
from bench.documents import document_cases, mail_rows, transfer_rows
from bench.runner import Plan
from db.models import Role


def test_outbox_throughput_and_a_10_mb_round_trip_leave_no_rows(ctx) -> None:  # type: ignore[no-untyped-def]
    from tools import demo
    from tools.demo.load import table_counts

    demo.load(ctx.db, "small", rounds=4)
    before = table_counts(ctx.db.engine)
    assert before["course_document_types"] > 0  # the demo requires paperwork of every course
    mail = mail_rows(ctx, Plan("test", 2), count=40)
    assert mail[0].runs == 40 and "40 mails in" in mail[0].note, mail
    admin = actor_for(ctx, "admin", Role.ADMIN)
    rows = transfer_rows(ctx, admin, Plan("test", 2), runs=1)
    assert [r.case for r in rows] == ["document upload 10 MB", "document download 10 MB"], rows
    assert all(r.median_ms for r in rows) and "RSS +" in rows[0].note
    after = table_counts(ctx.db.engine)  # the bench's uploads stay audited: the log and its chain head grow
    assert after == {**before, "audit_log": after["audit_log"], "audit_chain": after["audit_chain"]}
    frame = document_cases(ctx, {"admin": admin, "advisor": actor_for(ctx, "advisor", Role.ADVISOR)})[
        0
    ].call()
    assert len(frame) > 0  # placed registrations owe their letters and agreement
