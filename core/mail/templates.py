"""Mail templates in Thai and English: a subject and paragraphs, each an English msgid translated
through the catalogs, rendered as plain text and as HTML in which every value is escaped."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from core.i18n import N_, Text, format_date, format_datetime, gettext, language

LINK = "link"  # a parameter of this name also becomes the HTML part's one link


@dataclass(frozen=True)
class Template:
    """One kind of mail: its subject and paragraphs (msgids with {named} values)."""

    subject: str
    paragraphs: tuple[str, ...]


_GREETING = N_("Dear {name},")
_SIGNATURE = N_("Internship Office")

TEMPLATES: dict[str, Template] = {
    "registration_needs_changes": Template(
        N_("Your internship registration needs changes ({course})"),
        (
            _GREETING,
            N_("Your registration for {course} needs changes before it can go on."),
            N_("Reason: {reason}"),
            N_("Please contact the internship office to make the changes."),
        ),
    ),
    "registration_rejected": Template(
        N_("Your internship registration was rejected ({course})"),
        (
            _GREETING,
            N_("Your registration for {course} was rejected."),
            N_("Reason: {reason}"),
        ),
    ),
    "registration_approved": Template(
        N_("Your internship registration was approved ({course})"),
        (_GREETING, N_("Your registration for {course} was approved by the committee.")),
    ),
    "document_needs_revision": Template(
        N_("Your document needs revision: {document}"),
        (
            _GREETING,
            N_("The {document} you handed in for {course} needs revision."),
            N_("Reason: {reason}"),
            N_("Please hand in a corrected version to the internship office."),
        ),
    ),
    "evaluation_request": Template(
        N_("Please evaluate {student}'s internship"),
        (
            _GREETING,
            N_("Please evaluate the internship of {student} at {company} ({period}) by {due}."),
            N_("Open the evaluation form with this link (it works once, until {expires}): {link}"),
        ),
    ),
    "evaluation_due": Template(
        N_("Evaluation due on {due}: {student}"),
        (_GREETING, N_("The evaluation of {student} at {company} is due on {due}."), "{link}"),
    ),
    "evaluation_overdue": Template(
        N_("Evaluation overdue since {due}: {student}"),
        (
            _GREETING,
            N_("The evaluation of {student} at {company} was due on {due} and is not in yet."),
            "{link}",
        ),
    ),
    "agreement_expiring": Template(
        N_("Agreement expires on {expires}: {student}"),
        (_GREETING, N_("The agreement of {student} ({course}) expires on {expires}."), "{link}"),
    ),
    "daily_digest": Template(
        N_("Waiting longer than {days} days: {count} items"),
        (
            _GREETING,
            N_("These items have waited longer than {days} days:"),
            "{items}",
            N_("Open the dashboard: {link}"),
            N_("You can turn this daily mail off on My profile."),
        ),
    ),
}


@dataclass(frozen=True)
class RenderedMail:
    """A mail as the recipient reads it."""

    subject: str
    text: str
    html: str


def _value(value: object, lang: str) -> str:
    # Dates, times and Texts are written as the language writes them (core.i18n).
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    return str(value)


def _values(params: Mapping[str, object], lang: str) -> dict[str, str]:
    return {key: _value(value, lang) for key, value in params.items()}


def render_mail(kind: str, lang: str, params: Mapping[str, object]) -> RenderedMail:
    """The mail of `kind` in `lang` with `params`: subject (one line), plain text and escaped HTML."""
    template = TEMPLATES[kind]
    lang = language(lang)
    values = _values(params, lang)
    escaped = {key: html.escape(value, quote=True) for key, value in values.items()}
    subject = " ".join(gettext(lang, template.subject).format(**values).split())[:300]
    texts, blocks = [], []
    for paragraph in (*template.paragraphs, _SIGNATURE):
        msgid = gettext(lang, paragraph)
        texts.append(msgid.format(**values))
        block = html.escape(msgid, quote=False).format(**escaped).replace("\n", "<br>")
        if LINK in values and "{" + LINK + "}" in paragraph:
            link = escaped[LINK]
            block = block.replace(link, f'<a href="{link}">{link}</a>', 1)
        blocks.append(f"<p>{block}</p>")
    body_html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head><body>'
        + "".join(blocks)
        + "</body></html>"
    )
    return RenderedMail(subject, "\n\n".join(texts) + "\n", body_html)
