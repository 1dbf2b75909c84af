"""Finding what an imported cell refers to: a faculty, program, course, section, advisor or company.

A cell may give the code, the Thai name or the English name, in any case and with any spacing.
When no key equals it, a prefix of a key or a whole word of a name counts if exactly one thing
fits ("Engineering" is the "Faculty of Engineering"). Nothing fits: the message suggests the
closest; several fit: it lists them, and the row is refused either way.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from core.i18n import N_, Text, msg

MAX_LISTED = 5


def fold(value: str) -> str:
    """A key as compared: NFC, case-folded, runs of spaces as one."""
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


@dataclass(frozen=True)
class Choice:
    """One thing a cell can name: its id, how it is shown in messages, and every key that names it."""

    id: int
    shown: str
    keys: tuple[str, ...]


@dataclass
class Reference:
    """Everything of one kind a file may refer to (`kind` is a msgid: "faculty", "advisor", ...)."""

    kind: str
    choices: Sequence[Choice]
    _exact: dict[str, set[int]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for choice in self.choices:
            for key in choice.keys:
                if key:
                    self._exact.setdefault(fold(key), set()).add(choice.id)
        self._by_id = {c.id: c for c in self.choices}

    def find(self, value: str) -> tuple[int | None, Text | None]:
        """(id, None) when exactly one thing fits `value`, else (None, what is wrong)."""
        wanted = fold(value)
        exact = self._exact.get(wanted, set())
        if len(exact) == 1:
            return next(iter(exact)), None
        fits = exact or {c.id for c in self.choices if _partly(wanted, c.keys)}
        if len(fits) == 1:
            return next(iter(fits)), None
        if fits:
            listed = ", ".join(self._by_id[i].shown for i in sorted(fits)[:MAX_LISTED])
            return None, msg(
                "{value!r} could be more than one {kind}: {listed}.",
                value=value,
                kind=msg(self.kind),
                listed=listed,
            )
        return None, self._unknown(value, wanted)

    def _unknown(self, value: str, wanted: str) -> Text:
        close = difflib.get_close_matches(wanted, list(self._exact), n=1, cutoff=0.6)
        guesses = self._exact[close[0]] if close else set()
        if len(guesses) == 1:
            shown = self._by_id[next(iter(guesses))].shown
            return msg(
                "unknown {kind} {value!r}: did you mean {shown}?",
                kind=msg(self.kind),
                value=value,
                shown=shown,
            )
        return msg(
            "unknown {kind} {value!r} (give its code, Thai or English name).",
            kind=msg(self.kind),
            value=value,
        )


def _partly(wanted: str, keys: Iterable[str]) -> bool:
    """A key starts with `wanted`, or `wanted` is one or more whole words of a key."""
    if len(wanted) < 2:
        return False
    for key in keys:
        folded = fold(key)
        if folded.startswith(wanted) or f" {wanted} " in f" {folded} ":
            return True
    return False


KINDS = {
    "faculty": N_("faculty"),
    "program": N_("program"),
    "course": N_("course"),
    "advisor": N_("advisor"),
    "company": N_("company"),
}
