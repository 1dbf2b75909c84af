"""Monitoring: incidents of every replica, and the "find incident by id" box, in Thai and English."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core import ops
from tests.ui.apptest import signed_in, texts

LABELS = {
    "en": ("Find incident by id", "Find", "No incident with this id."),
    "th": ("ค้นหาเหตุขัดข้องจากรหัส", "ค้นหา", "ไม่พบเหตุขัดข้องที่มีรหัสนี้"),
}


def _incident_on_other_replica(ctx) -> str:  # type: ignore[no-untyped-def]
    other = replace(ctx, settings=ctx.settings.model_copy(update={"replica_id": "app-elsewhere-7"}))
    incident = ops.new_id()
    try:
        {}["missing"]
    except KeyError as exc:
        ops.record_incident(other, incident=incident, error=exc, page="progress", user_id=None)
    return incident


@pytest.mark.parametrize("lang", ["en", "th"])
def test_admin_finds_an_incident_recorded_by_another_replica(ctx, session_for, lang: str) -> None:  # type: ignore[no-untyped-def]
    incident = _incident_on_other_replica(ctx)
    box, button, none_found = LABELS[lang]
    at = signed_in(session_for("admin"), "pages/monitoring.py", lang=lang)
    assert not at.exception, at.exception
    recent = at.dataframe[-1].value
    assert incident in set(recent.iloc[:, 1]) and "app-elsewhere-7" in set(recent.iloc[:, 2])
    field = next(t for t in at.text_input if t.label == box)
    field.input(f" {incident.upper()} ")
    next(b for b in at.button if b.label == button).click()
    at.run()
    assert not at.exception, at.exception
    found = at.dataframe[0].value
    assert list(found.iloc[:, 1]) == [incident] and list(found.iloc[:, 2]) == ["app-elsewhere-7"]
    field = next(t for t in at.text_input if t.label == box)
    field.input("<script>alert(1)</script>")
    next(b for b in at.button if b.label == button).click()
    at.run()
    assert none_found in texts(at)
