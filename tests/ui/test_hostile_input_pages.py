"""HTML, JavaScript and markdown typed into the pages come back only as plain text.

AppTest shows the source each element was given: a markdown element (title, caption, success,
error ...) must never carry a payload unescaped, because Streamlit would interpret it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.context import AppContext
from db.models import RegistrationStatus
from tests import factories as f
from tests.ui.apptest import signed_in, texts

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "**bold** _it_ $x^2$ :red[red] `code`",
]
MARKDOWN_KINDS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "error",
    "warning",
    "success",
    "info",
)
ROOT = Path(__file__).resolve().parents[2]
RAW_MARKUP = re.compile(r"(?<!\\)<(img|script)|(?<!\\)\]\(javascript")  # not backslash-escaped


def by_label(widgets, label: str):  # type: ignore[no-untyped-def]
    """The one widget with this label."""
    (widget,) = [w for w in widgets if w.label == label]
    return widget


def assert_plain(at: AppTest, payload: str) -> None:
    """No markdown element carries `payload` (or a raw tag or javascript: link), and no HTML element does."""
    assert not at.exception, at.exception
    for kind in MARKDOWN_KINDS:
        for element in at.get(kind):
            value = str(element.value)
            assert payload not in value, (kind, value)
            assert not RAW_MARKUP.search(value), (kind, value)
    for element in at.get("html"):
        assert payload not in str(element.proto), element


def visible(at: AppTest) -> str:
    """Everything a reader sees, tables and widget options included."""
    frames = "".join(df.value.to_csv() for df in at.dataframe)
    options = "".join(str(o) for box in at.selectbox for o in box.options)
    return texts(at) + frames + options


@pytest.mark.parametrize("payload", PAYLOADS)
def test_profile_name_is_shown_as_plain_text(ctx: AppContext, session_for, payload: str) -> None:
    actor = session_for("staff")
    at = signed_in(actor, "pages/profile.py")
    by_label(at.text_input, "Full name").input(payload)
    by_label(at.button, "Save profile").click().run()
    assert "Profile saved." in texts(at)
    assert_plain(at, payload)
    home = signed_in(actor)  # the next rerun reads the new name for the sidebar and the home caption
    assert_plain(home, payload)
    assert payload in texts(home)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_box_payload_is_never_markup(ctx: AppContext, session_for, payload: str) -> None:
    at = signed_in(session_for("manager"), "pages/search.py")
    by_label(at.text_input, "Search (Thai or English)").input(payload).run()
    assert_plain(at, payload)
    assert "0 postings" in texts(at)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_company_and_posting_names_are_plain_text(ctx: AppContext, session_for, payload: str) -> None:
    at = signed_in(session_for("staff"), "pages/postings.py")
    by_label(
        at.text_input, "Registration number (13-digit Thai juristic id, or 5–20 letters and digits)"
    ).input("0105556012345")
    by_label(at.text_input, "Name (Thai)").input(payload)
    by_label(at.text_input, "Name (English)").input(payload)
    by_label(at.text_input, "Province of the company").input("Bangkok")
    by_label(at.button, "Save company").click().run()
    assert_plain(at, payload)
    assert f"Saved {payload} (0105556012345)." in texts(at)
    at.run()
    by_label(at.text_input, "Title (3–200 characters)").input(payload)
    by_label(at.text_input, "Province").input("Bangkok")
    by_label(at.button, "Save posting").click().run()
    assert_plain(at, payload)
    assert f": {payload}" in texts(at)
    at.run()
    assert_plain(at, payload)
    assert payload in visible(at)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_student_name_and_reason_in_the_review_queue(ctx: AppContext, session_for, payload: str) -> None:
    actor = session_for("coordinator")
    with ctx.sessions.begin() as s:
        student = f.student(s, first_name_th=payload, first_name_en=payload)
        reg = f.registration(s, student_id=student, status=RegistrationStatus.SUBMITTED)
    at = signed_in(actor, "pages/review_queue.py")
    at.selectbox(key="rq_open").select(reg).run()
    assert_plain(at, payload)
    at.text_input(key="rd_reason").input(payload)
    at.button(key="rd_reject").click().run()
    assert_plain(at, payload)
    at = signed_in(actor, "pages/review_queue.py")
    at.multiselect(key="rq_status").select("rejected").run()
    at.selectbox(key="rq_open").select(reg).run()
    assert_plain(at, payload)
    assert payload in visible(at)  # the reason, in the timeline table


@pytest.mark.parametrize("payload", PAYLOADS)
def test_admin_creates_a_user_with_a_hostile_name(ctx: AppContext, session_for, payload: str) -> None:
    at = signed_in(session_for("admin"), "pages/admin_users.py")
    by_label(at.text_input, "New username").input("hostile")
    by_label(at.text_input, "Full name (Thai or English)").input(payload)
    by_label(at.button, "Create user").click().run()
    assert_plain(at, payload)
    assert "Created hostile (Staff)." in texts(at)
    by_label(at.text_input, "Filter by name, username or email").input(payload).run()
    assert_plain(at, payload)
    assert list(at.dataframe[0].value["full_name"]) == [payload]


def test_temporary_password_shows_exactly(ctx: AppContext, session_for, monkeypatch) -> None:
    """token_urlsafe passwords hold _ and -, which markdown would turn into emphasis."""
    from core import auth
    from core.auth import users

    monkeypatch.setattr(users, "temporary_password", lambda: "_Temp_pass-word_2026_")
    at = signed_in(session_for("admin"), "pages/admin_users.py")
    by_label(at.text_input, "New username").input("newcomer")
    by_label(at.text_input, "Full name (Thai or English)").input("สมหญิง ใจดี")
    by_label(at.button, "Create user").click().run()
    (password,) = [c.value for c in at.code]  # st.code: shown verbatim, with a copy button
    assert password == "_Temp_pass-word_2026_"
    assert auth.login(ctx, "newcomer", password).actor.username == "newcomer"
    at.run()
    assert not at.code  # shown once


def _calls(path: Path) -> list[ast.Call]:
    return [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)]


def test_no_page_allows_raw_html() -> None:
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    for path in files:
        for call in _calls(path):
            for keyword in call.keywords:
                assert keyword.arg != "unsafe_allow_html", f"{path.name}:{call.lineno}"
            name = ast.unparse(call.func)
            if name == "st.html":
                # Only app.py's fixed cookie script, built from our own URL and a random ticket.
                assert path.name == "app.py" and ast.unparse(call.args[0]).startswith("web.post_script("), (
                    name
                )


def test_chart_helper_escapes_every_shown_text_in_one_place() -> None:
    """Any chart, present or future, goes through figure(): names and titles reach plotly escaped."""
    import pandas as pd
    import plotly.graph_objects as go

    from pages import _charts as charts

    link = '<a href="https://evil.example">click</a>'
    bars = go.Bar(y=[link, "plain"], x=[1, 2], name=link, text=[link, "t"], orientation="h")
    spec = charts.figure(
        [bars, {"type": "scatter", "x": [link], "y": [3]}], link, link, link
    ).to_plotly_json()
    shown = [spec["layout"]["title"]["text"], spec["layout"]["xaxis"]["title"]["text"]]
    for trace in spec["data"]:
        shown += [
            str(v)
            for f in charts.TEXT_FIELDS
            for v in ([trace[f]] if isinstance(trace.get(f), str) else trace.get(f) or [])
        ]
    assert shown and not any("<a" in text for text in shown)
    assert '&lt;a href="https://evil.example"&gt;click&lt;/a&gt;' in shown
    # An approver's own full name (every user controls it) on the approver chart:
    frame = pd.DataFrame(
        {
            "state": ["submitted"],
            "approver": [link],
            "median_days": [2.0],
            "stands_out": [True],
            "transitions": [3],
        }
    )
    approvers = charts.approver_times(frame, "submitted").to_plotly_json()
    assert not any("<a" in str(y) for y in approvers["data"][0]["y"])


def test_download_names_are_set_by_the_server_in_plain_ascii() -> None:
    """ASVS V5.4.1/V5.4.2: every download's file name is a literal (or a literal around a fixed format
    name), never user text, so the Content-Disposition name needs no encoding."""
    import re

    safe = re.compile(r"^[a-z0-9._-]+$")
    seen = 0
    for path in sorted((ROOT / "pages").glob("*.py")):
        for call in _calls(path):
            if not ast.unparse(call.func).endswith("download_button"):
                continue
            given = {k.arg: k.value for k in call.keywords}
            name = given.get("file_name", call.args[2] if len(call.args) > 2 else None)
            assert name is not None, f"{path.name}:{call.lineno} has no server-set file name"
            if isinstance(name, ast.Constant):
                literal = str(name.value)
            else:  # an f-string: its text parts are literals, its fields fixed names (fmt, kind)
                assert isinstance(name, ast.JoinedStr), f"{path.name}:{call.lineno}"
                fields = [v.value for v in name.values if isinstance(v, ast.FormattedValue)]
                assert all(isinstance(f, ast.Name) and f.id in {"fmt", "kind"} for f in fields), path.name
                literal = "".join(str(v.value) for v in name.values if isinstance(v, ast.Constant)) + "x"
            assert safe.match(literal), f"{path.name}:{call.lineno}: {literal!r}"
            seen += 1
    assert seen >= 8
