"""Administration from the command line, like Django's manage.py.

    python manage.py create-user USERNAME --role ROLE [--full-name NAME] [--email EMAIL]
    python manage.py reset-password USERNAME

The password is read from the terminal (not echoed) or, when piped, from standard input,
and must pass the same policy as in the app. This is how the first admin is made.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from core.access import ROLE_NAMES
from core.context import get_context
from core.errors import DomainError
from core.users import create_user, set_password_by_username


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != first:
            raise DomainError("The passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit code 0 on success, 1 with a message otherwise."""
    parser = argparse.ArgumentParser(prog="manage.py")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-user", help="create a user with a password you type")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=ROLE_NAMES)
    create.add_argument("--full-name", default=None)
    create.add_argument("--email", default=None)
    reset = sub.add_parser("reset-password", help="set a user's password")
    reset.add_argument("username")
    args = parser.parse_args(argv)
    try:
        password = _read_password()
        ctx = get_context()
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
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
