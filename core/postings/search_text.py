"""Pure text side of posting search: Thai-aware tokens encoded for FULLTEXT and FTS5.

Every token is stored as a lower-case ASCII word of ``[a-z0-9]`` with a two-letter kind
marker, so it is always at least 3 characters long (InnoDB ``innodb_ft_min_token_size``),
never an InnoDB stopword, never FTS5 or BOOLEAN MODE syntax, and at most 84 characters
(``innodb_ft_max_token_size``). The encodings preserve prefixes, so a prefix of a word
encodes to a prefix of the word's code and ``*`` prefix search keeps working.

- ``zw`` + the word itself: ASCII letters and digits (``go`` -> ``zwgo``)
- ``zs`` + word + ``p``/``s`` for ``+``/``#``: ``c++`` -> ``zscpp``, ``c#`` -> ``zscs``
- ``zt`` + 2 base-36 digits per Thai character (offset from U+0E00)
- ``zu`` + 4 base-36 digits per code point: any other script (``café``)

Thai text is segmented with PyThaiNLP newmm; on top of that every dictionary word found
inside a Thai run is indexed too, so a query word matches however its context was split.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.tokenize.tcc import tcc_pos
from pythainlp.util import Trie
from pythainlp.util import normalize as thai_normalize

MAX_TOKEN_CHARS = 84  # innodb_ft_max_token_size default: longer tokens are not indexed
MAX_INDEX_CHARS = 60_000  # the encoded column must fit a TEXT (65,535 bytes, all ASCII)
MAX_INPUT_CHARS = 20_000  # of all fields together; the rest is not indexed
MAX_QUERY_TERMS = 12
MAX_QUERY_CHARS = 500

_THAI = "\u0e01-\u0e3a\u0e40-\u0e4e"
_SCAN = re.compile(
    rf"(?P<thai>[{_THAI}]+(?:[^\S\n]+[{_THAI}]+)*)"
    r"|(?P<word>[^\W_\u0e00-\u0e7f]+)(?P<sym>[+#]+)?"
)
_HAS_THAI = re.compile(f"[{_THAI}]")
_CLEAN: dict[int, int | None] = {ord(c): None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"}
_CLEAN.update({0x0E50 + i: ord(str(i)) for i in range(10)})  # Thai digits -> 0-9
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_THAI_CODES = {cp: _B36[(cp - 0x0E00) // 36] + _B36[(cp - 0x0E00) % 36] for cp in range(0x0E00, 0x0E80)}
_QUERY_NOISE = frozenset({"a", "an", "the", "and", "or", "of", "in", "at", "for", "to", "on"})


def normalize(text: str | None) -> str:
    """Return ``text`` NFC, zero-width-free, lower-cased, Thai digits as 0-9, Thai marks reordered."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text.translate(_CLEAN).lower())
    return thai_normalize(text) if _HAS_THAI.search(text) else text


@lru_cache(maxsize=1)
def _dictionary() -> tuple[Trie, list[str]]:
    words = thai_words()
    return Trie(words), sorted(words)


def _b36(value: int, width: int) -> str:
    digits = []
    for _ in range(width):
        value, rem = divmod(value, 36)
        digits.append(_B36[rem])
    return "".join(reversed(digits))


def _encode_thai(word: str) -> str:
    return "zt" + word[: (MAX_TOKEN_CHARS - 2) // 2].translate(_THAI_CODES)


def _encode_word(word: str) -> str:
    if word.isascii():
        return "zw" + word[: MAX_TOKEN_CHARS - 2]
    return "zu" + "".join(_b36(ord(c), 4) for c in word[: (MAX_TOKEN_CHARS - 2) // 4])


def _encode_sym(word: str, sym: str) -> str | None:
    if not word.isascii():
        return None
    code = word + sym.replace("+", "p").replace("#", "s")
    return "zs" + code[: MAX_TOKEN_CHARS - 2]


def _segment(thai: str) -> list[str]:
    return [t for t in word_tokenize(thai, engine="newmm", keep_whitespace=False) if t.strip()]


def _dictionary_words(run: str) -> Iterator[str]:
    """Yield dictionary words (2+ chars) inside ``run`` that start and end on a TCC edge."""
    trie = _dictionary()[0]
    edges = tcc_pos(run)
    for start in {0, *edges}:
        for word in trie.prefixes(run, start):
            if len(word) > 1 and start + len(word) in edges:
                yield word


def _index_tokens(text: str) -> Iterator[str]:
    for match in _SCAN.finditer(text):
        thai, word, sym = match.group("thai", "word", "sym")
        if thai:
            for token in _segment(thai):
                yield _encode_thai(token)
            for token in _dictionary_words("".join(thai.split())):
                yield _encode_thai(token)
        else:
            yield _encode_word(word)
            if sym and (code := _encode_sym(word, sym)):
                yield code


def index_text(*fields: str | None) -> str:
    """Build the ``search_text`` column value from a posting's fields, most important first."""
    seen: dict[str, None] = {}
    size = 0
    text = "\n".join(normalize(f) for f in fields if f)
    for token in _index_tokens(text[:MAX_INPUT_CHARS]):
        if token in seen:
            continue
        size += len(token) + 1
        if size > MAX_INDEX_CHARS:
            break
        seen[token] = None
    return " ".join(seen)


def _is_dictionary_prefix(text: str) -> bool:
    words = _dictionary()[1]
    at = bisect_left(words, text)
    return at < len(words) and words[at].startswith(text)


def _thai_terms(run: str, last: bool) -> list[tuple[str, bool]]:
    """Split a Thai query run into (word, is_prefix); the tail of the last run is a prefix."""
    words = _segment(run)
    words = [w for i, w in enumerate(words) if len(w) > 1 or (last and i == len(words) - 1)]
    if not last or not words:
        return [(w, False) for w in words]
    for cut in range(len(words)):
        tail = "".join(words[cut:])
        if _is_dictionary_prefix(tail):
            return [(w, False) for w in words[:cut]] + [(tail, True)]
    return [(w, False) for w in words[:-1]] + [(words[-1], True)]


def _raw_terms(query: str) -> list[tuple[str, str, bool]]:
    """Return (kind, term, is_prefix) triples of a query; kind is ``thai``, ``word`` or ``sym``."""
    text = normalize(query[:MAX_QUERY_CHARS])
    matches = list(_SCAN.finditer(text))
    terms: list[tuple[str, str, bool]] = []
    for i, match in enumerate(matches):
        last = i == len(matches) - 1
        thai, word, sym = match.group("thai", "word", "sym")
        if thai:
            chunks = thai.split()  # a space the user typed separates words
            for j, chunk in enumerate(chunks):
                terms += [("thai", w, p) for w, p in _thai_terms(chunk, last and j == len(chunks) - 1)]
        elif sym and word.isascii():
            terms.append(("sym", word + sym, last))
        else:
            terms.append(("word", word, last))
    return _drop_noise(terms)


def _drop_noise(terms: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    kept = [t for t in terms if not (t[0] == "word" and t[1] in _QUERY_NOISE and not t[2])]
    return kept or terms


def query_terms(query: str) -> list[str]:
    """Return the normalised words of a query (not encoded), e.g. for highlighting hits."""
    return list(dict.fromkeys(term for _, term, _ in _raw_terms(query)))


def _encode_term(kind: str, term: str) -> str:
    if kind == "thai":
        return _encode_thai(term)
    if kind == "sym":
        stripped = term.rstrip("+#")
        return _encode_sym(stripped, term[len(stripped) :]) or _encode_word(stripped)
    return _encode_word(term)


def _encoded_query(query: str) -> list[tuple[str, bool]]:
    """Encoded (token, is_prefix) pairs of a query, de-duplicated and capped."""
    out: dict[str, bool] = {}
    for kind, term, prefix in _raw_terms(query):
        token = _encode_term(kind, term)
        out[token] = out.get(token, False) or prefix
    return list(out.items())[-MAX_QUERY_TERMS:]


def fts5_match(query: str) -> str | None:
    """Return the FTS5 MATCH expression for a user's query, or None to list everything."""
    tokens = _encoded_query(query)
    if not tokens:
        return None
    return " ".join(f'"{t}"' + ("*" if prefix else "") for t, prefix in tokens)


def mysql_against(query: str) -> str | None:
    """Return the ``AGAINST (:q IN BOOLEAN MODE)`` string for a user's query, or None."""
    tokens = _encoded_query(query)
    if not tokens:
        return None
    return " ".join(f"+{t}" + ("*" if prefix else "") for t, prefix in tokens)


def warm_up() -> None:
    """Load the Thai dictionary and segmenter now instead of on the first search."""
    _dictionary()
    index_text("ทดสอบ")
