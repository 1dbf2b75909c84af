"""The translation catalogs, managed with Babel: extract, update, compile, check.

    python -m tools.messages update   # extract every msgid, merge into locale/{th,en}, compile .mo
    python -m tools.messages check    # fail on a msgid missing from the Thai catalog, or untranslated/fuzzy

The keywords that mark a msgid live here only: `make messages` and the catalog test use them.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
TEMPLATE = LOCALE / "messages.pot"
# Functions whose string arguments are msgids (argument positions for plurals). Errors take a msgid first.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "msg": None,
    "msg_n": (1, 2),
    **dict.fromkeys(
        (
            "DomainError",
            "NotFound",
            "Conflict",
            "Outdated",
            "InvalidInput",
            "PermissionDenied",
            "AuthError",
            "KeyReused",
        )
    ),
}
PLACEHOLDER = re.compile(r"(?<!%)\{([^{}:!]*)[^{}]*\}")


def _method_map() -> list[tuple[str, str]]:
    """The [python: ...] patterns of babel.cfg."""
    text = (ROOT / "babel.cfg").read_text(encoding="utf-8")
    return [(pattern, "python") for pattern in re.findall(r"^\[python:\s*(.+?)\]", text, re.MULTILINE)]


def extract() -> Catalog:
    """Every msgid in the code, as pybabel extract finds it with our keywords."""
    catalog = Catalog()
    keywords = {name: spec or () for name, spec in KEYWORDS.items()}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), _method_map(), keywords=keywords
    ):
        catalog.add(message)
    return catalog


def _ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def problems(lang: str = "th") -> list[str]:
    """What is wrong with `lang`'s catalog: msgids the code uses that it lacks, untranslated or fuzzy
    entries, and translations whose {placeholders} differ from their msgid's."""
    path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    found = [f"not in the catalog: {m!r}" for m in sorted(_ids(extract()) - _ids(catalog))]
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy:
            found.append(f"fuzzy: {ids[0]!r}")
        if not all(strings):
            found.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            found.append(f"placeholders differ: {ids[0]!r}")
    return found


def update() -> None:
    """pybabel extract, update and compile, with our keywords."""
    cli = CommandLineInterface()
    keywords = [
        f"-k{name}" if spec is None else f"-k{name}:{','.join(map(str, spec))}"
        for name, spec in KEYWORDS.items()
    ]
    cli.run(["pybabel", "extract", "-F", str(ROOT / "babel.cfg"), *keywords, "--no-location", "--sort-output",
             "--omit-header", "-o", str(TEMPLATE), str(ROOT)])  # fmt: skip
    for lang in ("th", "en"):
        target = LOCALE / lang / "LC_MESSAGES" / "messages.po"
        command = "update" if target.exists() else "init"
        cli.run(["pybabel", command, "-i", str(TEMPLATE), "-o", str(target), "-l", lang,
                 *(["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else [])])  # fmt: skip
        _tidy(target, lang)
    cli.run(["pybabel", "compile", "-d", str(LOCALE), "--statistics"])


def _tidy(path: Path, lang: str) -> None:
    """Rewrite a catalog without locations, sorted, so a diff shows only real changes."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=110, sort_output=True, no_location=True)
    path.write_bytes(buffer.getvalue())


def main(argv: list[str]) -> int:
    """update or check."""
    if argv[1:] == ["update"]:
        update()
        return 0
    if argv[1:] == ["check"]:
        found = problems("th")
        print("\n".join(found) or "The Thai catalog is complete.")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
