"""Shared posting-search cases: the same table runs on SQLite FTS5 and on MariaDB FULLTEXT."""

from __future__ import annotations

from typing import NamedTuple

# id -> (title, description, skills, company, province); passed to index_text in this order.
POSTINGS: dict[int, tuple[str, ...]] = {
    1: (
        "วิศวกรซอฟต์แวร์ฝึกงาน",
        "รับสมัครนักศึกษาฝึกงานตำแหน่งวิศวกรซอฟต์แวร์ประจำกรุงเทพ",
        "Python, Go, SQL",
        "บริษัท ไทยซอฟต์ จำกัด",
        "กรุงเทพมหานคร",
    ),
    2: (
        "พนักงานต้อนรับส่วนหน้า",
        "โรงแรมริมทะเลรับนักศึกษาต้อนรับแขกและดูแลการเข้าพัก",
        "English, Service Mind",
        "Andaman Resort",
        "ภูเก็ต",
    ),
    3: (
        "AI / Machine Learning Intern",
        "Work on 5G network analytics with the data team in 2026.",
        "Python, PyTorch, C++",
        "Siam Research Lab",
        "Chiang Mai",
    ),
    4: (
        "UX/UI Designer Intern",
        "Design about onboarding flows. Will work with HR and QA.",
        "Figma",
        "Pixel Co.",
        "Bangkok",
    ),
    5: (
        "นักบัญชีฝึกหัด",
        "ฝึกงานด้านบัญชีและภาษี ตรวจสอบเอกสาร",
        "Excel",
        "สำนักงานบัญชีสยาม",
        "ขอนแก่น",
    ),
    6: (
        "Backend Developer (C#/.NET)",
        "Build REST APIs on SQL Server.",
        "C#",
        "Café Systems",
        "Bangkok",
    ),
    7: (
        "นักเทคนิคการแพทย์ฝึกงาน",
        "ปฏิบัติงานในห้องปฏิบัติการ ตรวจวิเคราะห์ตัวอย่างเลือด",
        "",
        "โรงพยาบาลกรุงเทพ",
        "ชลบุรี",
    ),
    8: (
        "Software Engineer Intern",
        "Develop web software in Go and TypeScript.",
        "TypeScript",
        "Thai Beverage (ไทยเบฟเวอเรจ)",
        "Bangkok",
    ),
    9: (
        'Data "Quality" Intern',
        "Check inputs like '; DROP TABLE x; -- and OR NEAR AND NOT title:foo",
        "",
        "Q&A Ltd",
        "Nonthaburi",
    ),
}

ALL_IDS = frozenset(POSTINGS)


class Case(NamedTuple):
    """A query, the postings it must find and the postings it must not find."""

    query: str
    hits: frozenset[int]
    misses: frozenset[int]


def _case(query: str, hits: set[int], misses: set[int] | None = None) -> Case:
    """Build a case; ``misses`` defaults to every posting not in ``hits``."""
    return Case(query, frozenset(hits), frozenset(ALL_IDS - hits if misses is None else misses))


CASES: list[Case] = [
    # Thai: words inside unspaced text, whatever the segmenter did in context
    _case("วิศวกรซอฟต์แวร์", {1}),
    _case("ซอฟต์แวร์", {1}),
    _case("ฝึกงาน", {1, 5, 7}),
    _case("ต้อนรับ", {2}),
    _case("ต้อนรับแขก", {2}),
    _case("นักศึกษาฝึกงาน", {1}),
    _case("นักศึกษา ฝึกงาน", {1}),
    _case("ฝึกงาน นักศึกษา", {1}),
    _case("บัญชี", {5}),
    _case("กรุงเทพ", {1, 7}),
    _case("ภูเก็ต", {2}),
    _case("เลือด", {7}),
    _case("ห้องปฏิบัติการ", {7}),
    _case("วิศวกรซอฟต์แวร์ ภูเก็ต", set()),
    # Thai prefix on the last word (typing in progress)
    _case("วิศว", {1}),
    _case("วิศวกรซอฟต", {1}),
    _case("ไทยเบฟ", {8}),
    # Thai normalisation: zero-width space, Thai digits, typing-order variants
    _case("ซอฟต์\u200bแวร์", {1}),
    _case("\u0e52\u0e50\u0e52\u0e56", {3}),
    # English: any order, AND, prefix on the last word
    _case("software", {8}),
    _case("softw", {8}),
    _case("engineer software", {8}),
    _case("learning machine", {3}),
    _case("python go", {1}),
    _case("python -go", {1}),
    _case("python +pytorch", {3}),
    _case("chiang mai", {3}),
    _case("bangkok", {4, 6, 8}),
    _case("xyzzy", set()),
    # Short tokens and InnoDB stopwords
    _case("go", {1, 8}),
    _case("ai", {3}),
    _case("ux", {4}),
    _case("hr", {4}),
    _case("qa", {4}),
    _case("about", {4}),
    _case("will", {4}),
    _case("the", {3}),
    _case("5g", {3}),
    _case("2026", {3}),
    # Symbols inside tech words, accents, case
    _case("c++", {3}),
    _case("C#", {6}),
    _case("café", {6}),
    _case("CAFE\u0301", {6}),
    _case("soft\u200bware", {8}),
    # Syntax in the box is data
    _case("'; DROP TABLE x; --", {9}),
    _case('"Quality"', {9}),
    _case("OR NEAR", {9}),
    _case("title:foo", {9}),
    _case("NOT", {9}),
    _case("quality*)(", {9}),
]
