"""The audit log page: admins and managers read it in Thai and English, filter it, page it, open an
entry's before and after, and download the filtered view; nobody else can open it."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from core.access import Actor
from core.auth import users
from core.context import AppContext
from db.models import Role
from tests.ui.apptest import offers, page_alone, signed_in, texts

PAGE = "pages/audit_log.py"


def _history(ctx: AppContext, make_actor, n: int = 3) -> Actor:  # type: ignore[no-untyped-def]
    admin = make_actor(Role.ADMIN, "historian")
    for i in range(n):
        row, _ = users.create_user(
            ctx, actor=admin, username=f"newbie{i}", full_name=f"น้องใหม่ {i}", role="staff"
        )
        users.change_role(ctx, actor=admin, user_id=row.id, role="manager")
    return admin


@pytest.mark.parametrize(("role", "lang", "title"), [
    (Role.ADMIN, "en", "Audit log"), (Role.ADMIN, "th", "บันทึกการตรวจสอบ"),
    (Role.MANAGER, "en", "Audit log"), (Role.MANAGER, "th", "บันทึกการตรวจสอบ"),
])  # fmt: skip
def test_admins_and_managers_read_the_log_in_both_languages(
    ctx: AppContext, session_for, make_actor, role: Role, lang: str, title: str
) -> None:
    _history(ctx, make_actor)
    at = signed_in(session_for(role), PAGE, lang=lang)
    assert not at.exception, at.exception
    assert at.title[0].value == title
    actions = set(at.dataframe[0].value["action"])
    assert {"user.create", "user.role_change", "login"} <= actions
    assert {b.label for b in at.get("download_button")} == (
        {"Download CSV", "Download Excel"} if lang == "en" else {"ดาวน์โหลด CSV", "ดาวน์โหลด Excel"}
    )


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADVISOR, Role.STAFF])
def test_other_roles_cannot_open_it(ctx: AppContext, session_for, role: Role) -> None:
    actor = session_for(role)
    assert not offers(signed_in(actor), PAGE)
    at = page_alone(actor, PAGE)
    assert "You do not have access to this page." in texts(at) and not at.dataframe


def test_filter_page_open_an_entry_and_download_the_filtered_view(
    ctx: AppContext, session_for, make_actor, monkeypatch
) -> None:
    downloads: dict[str, object] = {}
    real = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kw):  # type: ignore[no-untyped-def]
        downloads[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    _history(ctx, make_actor, n=30)  # 60 changes: more than one page
    at = signed_in(session_for(Role.ADMIN), PAGE)
    at.selectbox(key="al_action").select("user.role_change").run()
    assert not at.exception, at.exception
    first = at.dataframe[0].value
    assert set(first["action"]) == {"user.role_change"} and len(first) == 30
    at.selectbox(key="al_action").select("user.create").run()
    at.selectbox(key="al_entity").select("user").run()
    assert len(at.dataframe[0].value) == 30
    at.selectbox(key="al_action").set_value(None).run()
    assert len(at.dataframe[0].value) == 50 and "Page 1" in texts(at)
    newest = set(at.dataframe[0].value["id"])
    at.button(key="al_older").click().run()
    assert "Page 2" in texts(at) and not newest & set(at.dataframe[0].value["id"])
    at.button(key="al_newer").click().run()
    assert set(at.dataframe[0].value["id"]) == newest
    csv = pd.read_csv(io.BytesIO(downloads["audit-log.csv"]()), encoding="utf-8-sig")  # type: ignore[operator]
    assert set(csv["Entity"]) == {"user"} and len(csv) == 61  # 60 changes and the sign-in
