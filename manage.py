"""Operations from the command line, like Django's manage.py.

    python manage.py migrate [--downgrade REV]
    python manage.py demo [--size small|large] [--if-empty] [--reset] [--seed N] [--today YYYY-MM-DD]
    python manage.py create-user USERNAME --role ROLE [--full-name NAME] [--email EMAIL]
    python manage.py reset-password USERNAME
    python manage.py verify-audit
    python manage.py revoke-sessions
    python manage.py send-mail [--once]

`verify-audit` walks the audit log's hash chain and reports the first broken link (exit code 1),
or how many rows it checked (0). It only reads, so it can run as a read-only database user.

Passwords are read from the terminal (not echoed) or, when piped, from standard input, and must
pass the same policy as in the app. This is how the first admin is made.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from core import audit
from core.access import ROLE_NAMES
from core.auth.users import create_user, revoke_all_sessions, set_password_by_username
from core.bootstrap import app_context
from core.config import get_settings
from core.errors import DomainError
from db.migrate import downgrade, upgrade


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != first:
            raise DomainError("The passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _migrate(args: argparse.Namespace) -> int:
    url = get_settings().database_url
    if args.downgrade:
        downgrade(url, args.downgrade)
    else:
        upgrade(url)
    return 0


def _demo(rest: list[str]) -> int:
    from tools import demo

    return demo.main(rest)


def _account(args: argparse.Namespace) -> int:
    password = _read_password()
    ctx = app_context()
    if args.command == "create-user":
        row, _ = create_user(
            ctx,
            actor=None,
            username=args.username,
            full_name=args.full_name or args.username,
            role=args.role,
            email=args.email,
            password=password,
        )
        print(f"Created {row.username} ({row.role}).")
    else:
        set_password_by_username(ctx, username=args.username, password=password)
        print(f"Password set for {args.username}; their sessions were ended.")
    return 0


def _verify_audit() -> int:
    report = audit.verify_chain(app_context().sessions)
    history = f" ({report.unchained:,} older rows predate the chain)" if report.unchained else ""
    if report.intact:
        print(f"Audit log intact: {report.checked:,} chained rows checked{history}.")
        return 0
    print(
        f"Audit log BROKEN at row {report.broken_at}: {report.reason} "
        f"({report.checked:,} rows before it are intact{history}).",
        file=sys.stderr,
    )
    return 1


def _revoke_sessions() -> int:
    ended = revoke_all_sessions(app_context(), actor=None)
    print(f"Ended {ended:,} sessions; everyone signs in again.")
    return 0


def _send_mail(args: argparse.Namespace) -> int:
    import os
    import socket
    import time

    from core import mail, reminders

    ctx = app_context()
    if not ctx.settings.smtp_url:
        print("error: SMTP_URL is not set; mails stay in the outbox.", file=sys.stderr)
        return 1
    owner = f"{socket.gethostname()}:{os.getpid()}:send-mail"
    while True:
        written = reminders.write_reminders(ctx)  # once a day each, by their keys
        print(f"reminders written: {written.digests} digests, {written.evaluations} evaluation notices, "
              f"{written.agreements} agreement notices")  # fmt: skip
        report = mail.send_pending(ctx, owner=owner)
        print(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}"
              + ("" if report.leased else " (another sender holds the lease)"))  # fmt: skip
        if args.once:
            return 0
        time.sleep(ctx.settings.mail_poll_seconds)


def parser() -> argparse.ArgumentParser:
    """The commands and their options."""
    top = argparse.ArgumentParser(
        prog="manage.py", description="Operations for the Internship Management System."
    )
    sub = top.add_subparsers(dest="command", required=True)
    migrate = sub.add_parser("migrate", help="bring the configured database to the newest schema")
    migrate.add_argument("--downgrade", metavar="REV", help="downgrade to REV instead (base: empty)")
    sub.add_parser("demo", help="load demo data (see `manage.py demo --help`)", add_help=False)
    create = sub.add_parser("create-user", help="create a user with a password you type")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=ROLE_NAMES)
    create.add_argument("--full-name", default=None)
    create.add_argument("--email", default=None)
    reset = sub.add_parser("reset-password", help="set a user's password")
    reset.add_argument("username")
    sub.add_parser("revoke-sessions", help="end every user's session (after an incident)")
    sub.add_parser("verify-audit", help="check the audit log's hash chain; report the first broken link")
    send = sub.add_parser("send-mail", help="deliver the e-mail outbox over SMTP_URL")
    send.add_argument("--once", action="store_true", help="one pass, then exit (for cron)")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit code 0 on success, 1 with a message otherwise."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["demo"]:  # its own options (tools.demo parses them)
        return _demo(argv[1:])
    args = parser().parse_args(argv)
    try:
        if args.command == "verify-audit":
            return _verify_audit()
        if args.command == "revoke-sessions":
            return _revoke_sessions()
        if args.command == "send-mail":
            return _send_mail(args)
        return _migrate(args) if args.command == "migrate" else _account(args)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
