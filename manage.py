"""Operations from the command line, like Django's manage.py.

    python manage.py migrate [--downgrade REV]
    python manage.py check                  # configuration, database, Redis, schema, secrets
    python manage.py serve [--address A] [--port N]
    python manage.py revoke-sessions [--user NAME]
    python manage.py demo [--size small|large] [--if-empty] [--only-embedded] [--reset] [--seed N]
    python manage.py create-user USERNAME --role ROLE [--full-name NAME] [--email EMAIL]
    python manage.py reset-password USERNAME
    python manage.py verify-audit
    python manage.py send-mail [--once]

`verify-audit` walks the audit log's hash chain and reports the first broken link (exit code 1),
or how many rows it checked (0). It only reads, so it can run as a read-only database user.

Passwords are read from the terminal (not echoed) or, when piped, from standard input, and must
pass the same policy as in the app. This is how the first admin is made.

Exit codes: 0 done; 1 a command failed (`check`: a check failed); 2 the configuration is invalid.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from pydantic import ValidationError

from core import audit, ops
from core.access import ROLE_NAMES
from core.auth.users import create_user, revoke_sessions_cli, set_password_by_username
from core.bootstrap import app_context, configure_logging
from core.config import Settings, get_settings
from core.context import build_context
from core.errors import DomainError
from db.migrate import downgrade, upgrade

EXIT_FAILED, EXIT_CONFIG = 1, 2


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != first:
            raise DomainError("The passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _migrate(args: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(settings)
    if args.downgrade:
        downgrade(settings.database_url, args.downgrade)
    else:
        upgrade(settings.database_url)
    print("Schema is at the newest revision." if not args.downgrade else f"Downgraded to {args.downgrade}.")
    return 0


def _check(settings: Settings) -> int:
    ctx = build_context(settings)
    try:
        checks = [ops.Check("configuration", True, settings.app_env), *ops.readiness(ctx)]
        checks += ops.secret_checks(settings)
    finally:
        ctx.db.engine.dispose()
    for check in checks:
        informative = check.name in ("configuration", "redis", "schema")  # else: the rule, for a FAIL
        detail = check.detail if (not check.ok or informative) else ""
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.name:<16}{detail}".rstrip())
    return 0 if all(c.ok for c in checks) else EXIT_FAILED


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """Replace this process by the Streamlit server (SIGTERM then reaches it directly)."""
    env = dict(os.environ)
    # The server believes X-Forwarded-For/-Proto only from these peers (none unless behind a proxy).
    env["FORWARDED_ALLOW_IPS"] = settings.forwarded_allow_ips if settings.behind_proxy else ""
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    if args.address:
        command += ["--server.address", args.address]
    if args.port:
        command += ["--server.port", str(args.port)]
    sys.stdout.flush()
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    os.execve(sys.executable, command, env)  # noqa: S606 - our own interpreter and fixed arguments
    return 0  # pragma: no cover - execve does not return


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


def _revoke(args: argparse.Namespace) -> int:
    ended = revoke_sessions_cli(app_context(), username=args.user)
    print(f"Ended {ended} session(s) of {args.user or 'every user'}.")
    return 0


def parser() -> argparse.ArgumentParser:
    """The commands and their options."""
    top = argparse.ArgumentParser(
        prog="manage.py", description="Operations for the Internship Management System."
    )
    sub = top.add_subparsers(dest="command", required=True)
    migrate = sub.add_parser("migrate", help="bring the configured database to the newest schema")
    migrate.add_argument("--downgrade", metavar="REV", help="downgrade to REV instead (base: empty)")
    sub.add_parser("check", help="check configuration, database, Redis, schema version and secrets")
    serve = sub.add_parser("serve", help="run the web server (the production start command)")
    serve.add_argument("--address", default=os.environ.get("BIND_ADDRESS"), help="default: BIND_ADDRESS")
    serve.add_argument("--port", type=int, default=os.environ.get("PORT"), help="default: PORT, else 8501")
    revoke = sub.add_parser("revoke-sessions", help="end every session, or one user's")
    revoke.add_argument("--user", default=None, metavar="NAME")
    sub.add_parser("demo", help="load demo data (see `manage.py demo --help`)", add_help=False)
    create = sub.add_parser("create-user", help="create a user with a password you type")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=ROLE_NAMES)
    create.add_argument("--full-name", default=None)
    create.add_argument("--email", default=None)
    reset = sub.add_parser("reset-password", help="set a user's password")
    reset.add_argument("username")
    sub.add_parser("verify-audit", help="check the audit log's hash chain; report the first broken link")
    send = sub.add_parser("send-mail", help="deliver the e-mail outbox over SMTP_URL")
    send.add_argument("--once", action="store_true", help="one pass, then exit (for cron)")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit code 0 on success, 1 with a message, 2 on invalid configuration."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["demo"]:  # its own options (tools.demo parses them)
        return _demo(argv[1:])
    args = parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as exc:  # the reasons only: the input values may hold secrets
        reasons = "; ".join(str(e["msg"]) for e in exc.errors(include_input=False))
        print(f"error: invalid configuration: {reasons}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        if args.command == "migrate":
            return _migrate(args)
        if args.command == "check":
            return _check(settings)
        if args.command == "serve":
            return _serve(args, settings)
        if args.command == "revoke-sessions":
            return _revoke(args)
        if args.command == "verify-audit":
            return _verify_audit()
        if args.command == "send-mail":
            return _send_mail(args)
        return _account(args)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
