"""The e-mail outbox against a real SMTP server (aiosmtpd on a free loopback port), on both back ends:
Thai delivered intact, a temporary refusal retried once, a crash between sending and marking seen as one
Message-ID, two senders at once sending each mail once, escaping, and the refusal to send in clear."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock, mail
from core.context import AppContext
from core.mail import sender, smtp
from db.models import MailStatus, OutboxMail
from tests.smtp_sink import smtp_sink

NOW = datetime(2026, 8, 3, 3, 0, tzinfo=UTC)
THAI = {"course": "ฝึกงาน ๑ (CS401)", "reason": "แนบหนังสือตอบรับจากบริษัทให้ครบ"}


def _with_smtp(ctx: AppContext, url: str) -> AppContext:
    return dataclasses.replace(ctx, settings=ctx.settings.model_copy(update={"smtp_url": url}))


def _write(ctx: AppContext, n: int = 1, lang: str = "th", **params: object) -> list[int]:
    ids = []
    with ctx.sessions.begin() as session:
        for i in range(n):
            mail_id = mail.enqueue(session, kind="registration_needs_changes", to=f"student{i}@example.ac.th",
                                   name="สมชาย ใจดี", lang=lang, params={**THAI, **params})  # fmt: skip
            assert mail_id is not None
            ids.append(mail_id)
    return ids


def _rows(ctx: AppContext) -> list[OutboxMail]:
    with ctx.sessions.begin() as session:
        rows = list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)))
        session.expunge_all()
        return rows


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """clock.now() reads the list's last item: append to move time on."""
    times = [NOW]
    monkeypatch.setattr(clock, "now", lambda: times[-1])
    return times


def test_thai_subject_and_body_arrive_intact(ctx: AppContext, frozen: list[datetime]) -> None:
    _write(ctx)
    with smtp_sink() as (sink, url):
        report = mail.send_pending(_with_smtp(ctx, url), owner="a")
    assert (report.sent, report.failed) == (1, 0)
    [message] = sink.messages
    assert message["Subject"] == "การลงทะเบียนฝึกงานของคุณต้องแก้ไข (ฝึกงาน ๑ (CS401))"
    assert "=?utf-8?" in sink.raw[0].decode("ascii").split("Subject:", 1)[1].splitlines()[0].lower()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "แนบหนังสือตอบรับจากบริษัทให้ครบ" in text and "เรียน สมชาย ใจดี" in text
    assert "แนบหนังสือตอบรับจากบริษัทให้ครบ" in html
    [row] = _rows(ctx)
    assert row.status == MailStatus.SENT and row.sent_at == NOW and message["Message-ID"] == row.message_id


def test_english_recipient_reads_english_and_values_are_escaped_in_html(ctx: AppContext) -> None:
    _write(ctx, lang="en", reason='<script>alert("x")</script> & more')
    [row] = _rows(ctx)
    assert row.subject.startswith("Your internship registration needs changes")
    assert '<script>alert("x")</script> & more' in row.body_text
    assert "<script>" not in row.body_html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in row.body_html


def test_temporary_refusal_then_acceptance_sends_once(ctx: AppContext, frozen: list[datetime]) -> None:
    _write(ctx)
    with smtp_sink(refuse=1) as (sink, url):
        smtp_ctx = _with_smtp(ctx, url)
        first = mail.send_pending(smtp_ctx, owner="a")
        [row] = _rows(ctx)
        assert (first.sent, first.retried) == (0, 1)
        assert row.status == MailStatus.PENDING and row.last_error and row.last_error.startswith("smtp_4xx")
        assert row.next_attempt_at == NOW + timedelta(seconds=sender.BACKOFF_BASE_SECONDS)
        assert mail.send_pending(smtp_ctx, owner="a").sent == 0  # not yet due: the backoff holds
        frozen.append(NOW + timedelta(seconds=31))
        second = mail.send_pending(smtp_ctx, owner="a")
        assert second.sent == 1
        assert mail.send_pending(smtp_ctx, owner="a").sent == 0
    assert sink.count == 1
    [row] = _rows(ctx)
    assert row.status == MailStatus.SENT and row.attempts == 2


def test_backoff_doubles_up_to_an_hour_then_gives_up_with_the_reason(
    ctx: AppContext, frozen: list[datetime]
) -> None:
    assert [sender.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert sender.backoff(20) == timedelta(hours=1)
    _write(ctx)
    with smtp_sink(refuse=100) as (sink, url):
        smtp_ctx = _with_smtp(ctx, url)
        for _ in range(sender.MAX_ATTEMPTS):
            mail.send_pending(smtp_ctx, owner="a")
            frozen.append(frozen[-1] + timedelta(hours=2))
    [row] = _rows(ctx)
    assert row.status == MailStatus.FAILED and row.attempts == sender.MAX_ATTEMPTS and sink.count == 0
    with ctx.sessions.begin() as session:
        stats = mail.outbox_stats(session, frozen[-1])
    assert stats.failed_by_reason == {"smtp_4xx": 1} and stats.backlog == 0


def test_crash_between_sending_and_marking_reaches_the_receiver_as_one_message_id(
    ctx: AppContext, frozen: list[datetime]
) -> None:
    _write(ctx)

    def crash(row: OutboxMail) -> None:
        raise RuntimeError("the process died here")

    with smtp_sink() as (sink, url):
        smtp_ctx = _with_smtp(ctx, url)
        with pytest.raises(RuntimeError):
            mail.send_pending(smtp_ctx, owner="a", after_send=crash)
        [row] = _rows(ctx)
        assert row.status == MailStatus.SENDING
        assert (
            mail.send_pending(smtp_ctx, owner="b").sent == 0
        )  # the dead sender's lease and claim still hold
        frozen.append(NOW + timedelta(seconds=sender.CLAIM_SECONDS + 1))
        assert mail.send_pending(smtp_ctx, owner="b").sent == 1
    assert sink.count == 2 and set(sink.message_ids()) == {row.message_id}
    assert _rows(ctx)[0].status == MailStatus.SENT


def test_two_senders_at_once_send_each_mail_once(ctx: AppContext) -> None:
    ids = _write(ctx, 40)
    with smtp_sink() as (sink, url):
        smtp_ctx = _with_smtp(ctx, url)
        start = threading.Barrier(2)
        reports: list[mail.SendReport] = []

        def run(owner: str) -> None:
            start.wait()
            reports.append(mail.send_pending(smtp_ctx, owner=owner))

        threads = [threading.Thread(target=run, args=(f"replica-{i}",)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        while mail.send_pending(smtp_ctx, owner="replica-0").sent:  # whatever the lease holder left
            pass
    assert sorted(sink.message_ids()) == sorted({r.message_id for r in _rows(ctx)})
    assert len(sink.message_ids()) == len(ids) == sum(r.sent for r in reports) + 0 * len(reports)
    assert all(r.status == MailStatus.SENT for r in _rows(ctx))


def test_login_is_used_and_a_wrong_password_fails_with_its_reason(
    ctx: AppContext, frozen: list[datetime]
) -> None:
    _write(ctx, 2)
    with smtp_sink(login=("office", "s3cret pass")) as (sink, url):
        assert mail.send_pending(_with_smtp(ctx, url), owner="a").sent == 2
    assert sink.count == 2
    _write(ctx)
    with smtp_sink(login=("office", "right")) as (sink, url):
        report = mail.send_pending(_with_smtp(ctx, url.replace("right", "wrong")), owner="a")
    assert report.failed == 1 and sink.count == 0
    assert _rows(ctx)[-1].last_error.startswith("smtp_5xx")  # type: ignore[union-attr]


def test_starttls_is_required_so_nothing_goes_out_in_clear(ctx: AppContext, frozen: list[datetime]) -> None:
    _write(ctx)
    with smtp_sink() as (sink, url):
        report = mail.send_pending(_with_smtp(ctx, url.replace("smtp+insecure://", "smtp://")), owner="a")
    assert report.failed == 1 and sink.count == 0
    assert _rows(ctx)[0].last_error.startswith("smtp_unsupported")  # type: ignore[union-attr]


def test_without_smtp_url_mails_stay_in_the_outbox(ctx: AppContext) -> None:
    _write(ctx, 3)
    assert mail.send_pending(ctx, owner="a") == mail.SendReport(leased=False)
    assert {r.status for r in _rows(ctx)} == {MailStatus.PENDING}


def test_a_dedupe_key_writes_a_reminder_once_and_a_missing_address_writes_nothing(ctx: AppContext) -> None:
    with ctx.sessions.begin() as session:
        first = mail.enqueue(session, kind="registration_approved", to="a@example.ac.th", name="A", lang="en",
                             params={"course": "CS401"}, dedupe_key="k1")  # fmt: skip
        again = mail.enqueue(session, kind="registration_approved", to="a@example.ac.th", name="A", lang="en",
                             params={"course": "CS401"}, dedupe_key="k1")  # fmt: skip
        nobody = mail.enqueue(session, kind="registration_approved", to=None, name="A", lang="en",
                              params={"course": "CS401"})  # fmt: skip
    assert first is not None and again is None and nobody is None
    assert len(_rows(ctx)) == 1


def test_smtp_url_forms() -> None:
    assert mail.parse_smtp_url("smtp://u%40x:p%3Aw@mail.example.ac.th") == smtp.SmtpTarget(
        "mail.example.ac.th", 587, "starttls", "u@x", "p:w"
    )
    assert mail.parse_smtp_url("smtps://mail.example.ac.th").port == 465
    with pytest.raises(Exception, match="SMTP_URL"):
        mail.parse_smtp_url("http://mail.example.ac.th")


def test_metrics_show_the_backlog_its_oldest_age_and_failures_by_reason(
    ctx: AppContext, frozen: list[datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    from tests.unit.test_monitoring import _get_metrics

    _write(ctx)
    with smtp_sink(login=("office", "right")) as (sink, url):
        mail.send_pending(_with_smtp(ctx, url.replace("right", "wrong")), owner="a")  # 535: failed
    _write(ctx, 2)
    frozen.append(NOW + timedelta(minutes=10))
    monkeypatch.setattr(ctx.settings, "metrics_token", "s3cret-token-for-scrapers")
    status, body, _type = _get_metrics("Bearer s3cret-token-for-scrapers")
    assert status == 200
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }
    assert samples[("ims_outbox_backlog", ())] == 2
    assert samples[("ims_outbox_oldest_unsent_seconds", ())] == 600
    assert samples[("ims_outbox_failed", (("reason", "smtp_5xx"),))] == 1
