"""Password fields are masked (ASVS V6.2.6); ending one's other sessions asks for the password (V7.5.2);
the admin can sign everyone out (V7.4.5) — through the pages, as users click them."""

from __future__ import annotations

from streamlit.proto.TextInput_pb2 import TextInput

from core.auth import sessions
from core.context import AppContext
from db.models import Role
from tests.ui.apptest import confirm, page_alone, signed_in, texts

MASKED = TextInput.Type.PASSWORD


def test_every_password_field_is_masked(ctx: AppContext, session_for) -> None:
    login = page_alone(None, "pages/login.py")
    fields = {t.label: t.proto.type for t in login.text_input}
    assert fields == {"Username": TextInput.Type.DEFAULT, "Password": MASKED}
    profile = signed_in(session_for(Role.STAFF), "pages/profile.py")
    secret_labels = {
        "Current password",
        "New password",
        "Repeat new password",
        "Your password, to confirm it is you",
    }
    shown = {t.label: t.proto.type for t in profile.text_input}
    assert secret_labels <= set(shown) and all(shown[label] == MASKED for label in secret_labels)


def test_signing_out_elsewhere_from_the_profile_needs_the_password(ctx: AppContext, session_for) -> None:
    from core import auth
    from tests.conftest import TEST_PASSWORD

    me = session_for(Role.STAFF, "twoplaces")
    other = auth.login(ctx, "twoplaces", TEST_PASSWORD).actor
    at = signed_in(me, "pages/profile.py")
    field = next(t for t in at.text_input if t.label == "Your password, to confirm it is you")
    field.input("a wrong password here")
    next(b for b in at.button if b.label == "Sign out everywhere else").click().run()
    assert "The current password is not correct." in texts(at)
    assert sessions.resume(ctx, session_id=other.session_id) is not None
    field = next(t for t in at.text_input if t.label == "Your password, to confirm it is you")
    field.input(TEST_PASSWORD)
    next(b for b in at.button if b.label == "Sign out everywhere else").click().run()
    assert not at.exception, at.exception
    assert sessions.resume(ctx, session_id=other.session_id) is None


def test_admin_signs_everyone_out_from_the_users_page(ctx: AppContext, session_for) -> None:
    admin = session_for(Role.ADMIN)
    others = [session_for(Role.STAFF) for _ in range(2)]
    at = signed_in(admin, "pages/admin_users.py")
    at.button(key="um_revoke_all").click().run()
    confirm(at, "um_revoke_all")
    assert all(sessions.resume(ctx, session_id=o.session_id) is None for o in others)
    assert sessions.resume(ctx, session_id=admin.session_id) is not None
