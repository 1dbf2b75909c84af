"""Vocabulary for the demo data: faculties, provinces, companies, postings, courses, reasons."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from faker.providers.person.th_TH import Provider as ThaiNames

from core.registrations import states

Row = dict[str, Any]

# (code, name_th, name_en, [(program code, name_th, name_en), ...])
FACULTIES: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    ("ENG", "คณะวิศวกรรมศาสตร์", "Faculty of Engineering", [
        ("CPE", "วิศวกรรมคอมพิวเตอร์", "Computer Engineering"),
        ("EE", "วิศวกรรมไฟฟ้า", "Electrical Engineering"),
        ("ME", "วิศวกรรมเครื่องกล", "Mechanical Engineering"),
        ("CE", "วิศวกรรมโยธา", "Civil Engineering"),
        ("IE", "วิศวกรรมอุตสาหการ", "Industrial Engineering"),
        ("CHE", "วิศวกรรมเคมี", "Chemical Engineering"),
    ]),
    ("SCI", "คณะวิทยาศาสตร์", "Faculty of Science", [
        ("CS", "วิทยาการคอมพิวเตอร์", "Computer Science"),
        ("MATH", "คณิตศาสตร์", "Mathematics"),
        ("CHEM", "เคมี", "Chemistry"),
        ("STAT", "สถิติ", "Statistics"),
    ]),
    ("IT", "คณะเทคโนโลยีสารสนเทศ", "Faculty of Information Technology", [
        ("ITE", "เทคโนโลยีสารสนเทศ", "Information Technology"),
        ("DS", "วิทยาการข้อมูล", "Data Science"),
    ]),
    ("BA", "คณะบริหารธุรกิจ", "Faculty of Business Administration", [
        ("MKT", "การตลาด", "Marketing"),
        ("MGT", "การจัดการ", "Management"),
        ("BIS", "ระบบสารสนเทศทางธุรกิจ", "Business Information Systems"),
        ("HRM", "การจัดการทรัพยากรมนุษย์", "Human Resource Management"),
    ]),
    ("ACC", "คณะพาณิชยศาสตร์และการบัญชี", "Faculty of Commerce and Accountancy", [
        ("ACT", "การบัญชี", "Accounting"),
        ("FIN", "การเงิน", "Finance"),
    ]),
    ("COMM", "คณะนิเทศศาสตร์", "Faculty of Communication Arts", [
        ("ADV", "การโฆษณา", "Advertising"),
        ("JOUR", "วารสารศาสตร์", "Journalism"),
    ]),
    ("LA", "คณะศิลปศาสตร์", "Faculty of Liberal Arts", [
        ("ENGL", "ภาษาอังกฤษ", "English"),
        ("JPN", "ภาษาญี่ปุ่น", "Japanese"),
        ("THM", "การท่องเที่ยวและการโรงแรม", "Tourism and Hospitality Management"),
    ]),
    ("AGRO", "คณะอุตสาหกรรมเกษตร", "Faculty of Agro-Industry", [
        ("FST", "วิทยาศาสตร์และเทคโนโลยีการอาหาร", "Food Science and Technology"),
        ("BIOT", "เทคโนโลยีชีวภาพ", "Biotechnology"),
    ]),
]  # fmt: skip

# (English name as stored, Thai name, 2-digit registration prefix, weight)
PROVINCES: list[tuple[str, str, str, int]] = [
    ("Bangkok", "กรุงเทพมหานคร", "10", 48), ("Nonthaburi", "นนทบุรี", "12", 6),
    ("Samut Prakan", "สมุทรปราการ", "11", 6), ("Pathum Thani", "ปทุมธานี", "13", 5),
    ("Chon Buri", "ชลบุรี", "20", 7), ("Rayong", "ระยอง", "21", 4), ("Chiang Mai", "เชียงใหม่", "50", 5),
    ("Khon Kaen", "ขอนแก่น", "40", 3), ("Nakhon Ratchasima", "นครราชสีมา", "30", 3),
    ("Phuket", "ภูเก็ต", "83", 3), ("Songkhla", "สงขลา", "90", 2), ("Chachoengsao", "ฉะเชิงเทรา", "24", 2),
    ("Phra Nakhon Si Ayutthaya", "พระนครศรีอยุธยา", "14", 2), ("Nakhon Pathom", "นครปฐม", "73", 2),
    ("Udon Thani", "อุดรธานี", "41", 1), ("Surat Thani", "สุราษฎร์ธานี", "84", 1),
    ("Phitsanulok", "พิษณุโลก", "65", 1), ("Ubon Ratchathani", "อุบลราชธานี", "34", 1),
]  # fmt: skip
PROVINCE_TH = {en: th for en, th, _, _ in PROVINCES}

STEMS = [
    ("สยาม", "Siam"), ("ไทย", "Thai"), ("กรุงเทพ", "Krungthep"), ("เอเชีย", "Asia"), ("ลานนา", "Lanna"),
    ("อันดามัน", "Andaman"), ("รุ่งเรือง", "Rungruang"), ("เจริญ", "Charoen"), ("ศรีสุข", "Srisuk"),
    ("ดิจิทัล", "Digital"), ("เน็กซ์", "Next"), ("อินโนเวชั่น", "Innovation"), ("สมาร์ท", "Smart"),
    ("โกลบอล", "Global"), ("แปซิฟิก", "Pacific"), ("อีสาน", "Isan"), ("เจ้าพระยา", "Chao Phraya"),
    ("ทองคำ", "Thongkham"), ("มั่นคง", "Mankhong"), ("ไพศาล", "Paisan"), ("ยูไนเต็ด", "United"),
    ("พรีเมียร์", "Premier"), ("สุวรรณภูมิ", "Suvarnabhumi"), ("บูรพา", "Burapha"), ("ภูผา", "Phupha"),
    ("นวนคร", "Navanakorn"), ("ธนา", "Thana"), ("แสงทอง", "Saengthong"), ("วัฒนา", "Watthana"),
    ("ชัยพฤกษ์", "Chaiyaphruek"),
]  # fmt: skip
# (Thai, English, company type)
SECTORS = [
    ("เทคโนโลยี", "Technology", "Information technology"), ("ซอฟต์แวร์", "Software", "Information technology"),
    ("ดาต้า", "Data", "Information technology"), ("คลาวด์ โซลูชั่นส์", "Cloud Solutions", "Information technology"),
    ("อุตสาหกรรม", "Industries", "Manufacturing"), ("อิเล็กทรอนิกส์", "Electronics", "Manufacturing"),
    ("วิศวกรรม", "Engineering", "Engineering services"), ("ก่อสร้าง", "Construction", "Construction"),
    ("ฟู้ดส์", "Foods", "Food and agriculture"), ("ไบโอเทค", "Biotech", "Food and agriculture"),
    ("เทรดดิ้ง", "Trading", "Wholesale and retail"), ("โลจิสติกส์", "Logistics", "Logistics"),
    ("แคปปิตอล", "Capital", "Finance and insurance"), ("ประกันภัย", "Insurance", "Finance and insurance"),
    ("มีเดีย", "Media", "Media and advertising"), ("โฮเทล แอนด์ รีสอร์ท", "Hotel & Resort", "Hospitality"),
    ("เอเนอร์ยี", "Energy", "Energy"), ("คอนซัลติ้ง", "Consulting", "Professional services"),
    ("แอคเคาน์ติ้ง", "Accounting", "Professional services"), ("เคมีคอล", "Chemicals", "Manufacturing"),
]  # fmt: skip
MIDDLES = [("", ""), ("กรุ๊ป", "Group"), ("อินเตอร์เนชั่นแนล", "International"), ("ไทยแลนด์", "Thailand")]
ROADS = ["สุขุมวิท", "พหลโยธิน", "รัชดาภิเษก", "เพชรบุรี", "สีลม", "พระรามที่ 9", "วิภาวดีรังสิต", "มิตรภาพ"]

# (Thai role, English role, skills)
ROLES: list[tuple[str, str, list[str]]] = [
    ("วิศวกรซอฟต์แวร์", "Software Engineer", ["Python", "Go", "SQL", "Git", "Docker"]),
    ("นักพัฒนาเว็บ", "Web Developer", ["JavaScript", "React", "HTML", "CSS", "Node.js"]),
    ("นักพัฒนาแอปพลิเคชันมือถือ", "Mobile Developer", ["Flutter", "Kotlin", "Swift", "Firebase"]),
    ("นักพัฒนาระบบหลังบ้าน", "Backend Developer", ["C#", ".NET", "SQL", "Java", "REST"]),
    ("นักพัฒนาระบบสมองกลฝังตัว", "Embedded Developer", ["C", "C++", "IoT", "Linux"]),
    ("นักวิเคราะห์ข้อมูล", "Data Analyst", ["SQL", "Python", "Power BI", "Excel", "AI"]),
    ("วิศวกรปัญญาประดิษฐ์", "AI Engineer", ["Python", "AI", "PyTorch", "NLP", "SQL"]),
    ("นักออกแบบ UX/UI", "UX/UI Designer", ["UX", "UI", "Figma", "Prototyping"]),
    ("ผู้ทดสอบซอฟต์แวร์", "QA Engineer", ["QA", "Selenium", "SQL", "Postman"]),
    ("วิศวกร DevOps", "DevOps Engineer", ["Docker", "Kubernetes", "Linux", "CI/CD", "Go"]),
    ("นักวิเคราะห์ความปลอดภัยไซเบอร์", "Cybersecurity Analyst", ["Security", "Linux", "Network", "SOC"]),
    ("วิศวกรเครือข่าย", "Network Engineer", ["Network", "Cisco", "Linux", "Firewall"]),
    ("ผู้ช่วยฝ่ายทรัพยากรบุคคล", "HR Assistant", ["HR", "Excel", "Recruitment", "Communication"]),
    ("ผู้ช่วยการตลาดดิจิทัล", "Digital Marketing Assistant", ["SEO", "Content", "Social Media", "AI"]),
    ("ผู้ช่วยนักบัญชี", "Accounting Assistant", ["Accounting", "Excel", "SAP", "Tax"]),
    ("นักวิเคราะห์การเงิน", "Financial Analyst", ["Finance", "Excel", "Valuation", "SQL"]),
    ("วิศวกรเครื่องกล", "Mechanical Engineer", ["AutoCAD", "SolidWorks", "Maintenance"]),
    ("วิศวกรไฟฟ้า", "Electrical Engineer", ["PLC", "AutoCAD", "Power Systems"]),
    ("วิศวกรโยธา", "Civil Engineer", ["AutoCAD", "Revit", "BIM", "Site Survey"]),
    ("วิศวกรอุตสาหการ", "Industrial Engineer", ["Lean", "Six Sigma", "Excel", "QA"]),
    ("นักวิทยาศาสตร์การอาหาร", "Food Scientist", ["QA", "HACCP", "GMP", "Lab"]),
    ("ผู้ช่วยนักวิทยาศาสตร์ห้องปฏิบัติการ", "Laboratory Assistant", ["Lab", "HPLC", "Chemistry"]),
    ("พนักงานต้อนรับส่วนหน้า", "Front Office Agent", ["English", "Customer Service", "Opera PMS"]),
    ("ผู้สื่อข่าวฝึกหัด", "Junior Reporter", ["Writing", "Video Editing", "Photography"]),
    ("ล่ามและนักแปลภาษาญี่ปุ่น", "Japanese Interpreter", ["Japanese", "English", "Translation"]),
    ("ผู้ประสานงานโลจิสติกส์", "Logistics Coordinator", ["Logistics", "Excel", "SAP", "English"]),
]  # fmt: skip

TH_SENTENCES = [
    "ร่วมงานกับทีม{role}ในโครงการจริงของบริษัท",
    "ได้เรียนรู้กระบวนการทำงานตั้งแต่การวางแผนจนถึงการส่งมอบงาน",
    "มีพี่เลี้ยงดูแลและให้คำปรึกษาตลอดระยะเวลาการฝึกงาน",
    "ใช้เครื่องมือ {skills} ในการทำงานประจำวัน",
    "ทำงานวันจันทร์ถึงวันศุกร์ เวลา 09:00–18:00 น.",
    "นักศึกษาที่ผ่านการฝึกงานมีโอกาสได้รับการพิจารณาเข้าทำงานประจำ",
    "ต้อนรับแขกและประสานงานกับหน่วยงานภายนอกเป็นครั้งคราว",
    "มีสวัสดิการอาหารกลางวันและที่พักสำหรับนักศึกษาต่างจังหวัด",
    "จัดทำรายงานและนำเสนอผลงานต่อผู้บริหารเมื่อสิ้นสุดการฝึกงาน",
    "สามารถสื่อสารภาษาอังกฤษได้จะได้รับการพิจารณาเป็นพิเศษ",
]  # fmt: skip
EN_SENTENCES = [
    "Join our {role} team and work on production projects from day one.",
    "You will use {skills} every day with guidance from a dedicated mentor.",
    "Learn how real products are planned, built, reviewed and shipped.",
    "Work Monday to Friday, 9:00-18:00; hybrid days depend on the team.",
    "Outstanding interns may be offered a full-time position after graduation.",
    "Present your project to the management team at the end of the internship.",
    "Good communication in Thai and English is a plus.",
]  # fmt: skip

# (code, name_th, name_en, credits, kind, popularity)
COURSES = [
    ("CP491", "การฝึกงานทางวิศวกรรมคอมพิวเตอร์", "Computer Engineering Internship", 1, "internship", 3),
    ("IT390", "การฝึกงานด้านเทคโนโลยีสารสนเทศ", "Information Technology Internship", 3, "internship", 3),
    ("BA395", "การฝึกงานทางธุรกิจ", "Business Internship", 3, "internship", 2),
    ("SC399", "การฝึกงานทางวิทยาศาสตร์", "Science Internship", 2, "internship", 1),
    ("CO-OP401", "สหกิจศึกษา 1", "Co-operative Education I", 6, "coop", 2),
    ("CO-OP402", "สหกิจศึกษา 2", "Co-operative Education II", 9, "coop", 1),
]  # fmt: skip

S = states.Status
REASONS: dict[str, list[str]] = {
    S.REJECTED: [
        "เอกสารประกอบการสมัครไม่ครบถ้วน", "GPAX ต่ำกว่าเกณฑ์ที่หลักสูตรกำหนด",
        "ลักษณะงานไม่ตรงกับสาขาวิชา", "ยังลงทะเบียนรายวิชาบังคับก่อนไม่ครบ",
    ],
    S.NEEDS_CHANGES: [
        "กรุณาแนบหนังสือตอบรับจากสถานประกอบการ", "แก้ไขช่วงเวลาฝึกงานให้ตรงกับภาคการศึกษา",
        "เพิ่มรายละเอียดลักษณะงานที่จะได้รับมอบหมาย", "ระบุชื่อพี่เลี้ยงและข้อมูลติดต่อให้ครบ",
    ],
    S.WITHDRAWN: [
        "นักศึกษาขอถอนเนื่องจากได้รับทุนแลกเปลี่ยน", "นักศึกษาขอถอนด้วยเหตุผลด้านสุขภาพ",
        "เลื่อนไปฝึกงานในภาคการศึกษาถัดไป", "นักศึกษาลาออก",
    ],
    "reinstate": ["ตรวจสอบเอกสารเพิ่มเติมแล้วครบถ้วน", "อุทธรณ์ผลการพิจารณาและได้รับอนุมัติ"],
    "no_place": ["ไม่ได้รับการตอบรับจากสถานประกอบการ"],
    S.FAILED: ["ผลการประเมินจากสถานประกอบการไม่ผ่านเกณฑ์", "ไม่ส่งรายงานการฝึกงานตามกำหนด"],
}  # fmt: skip
ACADEMIC_TITLES = ["อ.", "อ.ดร.", "ผศ.", "ผศ.ดร.", "รศ.", "รศ.ดร.", "ศ.ดร."]


@lru_cache(maxsize=1)
def thai_names() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Faker th_TH first and last names, each paired with its RTGS romanisation."""
    from pythainlp.transliterate import romanize

    def pair(name: str) -> tuple[str, str]:
        return name, romanize(name, engine="royin").capitalize()

    first = [pair(n) for n in (*ThaiNames.first_names_male, *ThaiNames.first_names_female)]
    return first, [pair(n) for n in ThaiNames.last_names]


def full_name_th(rng: random.Random, title: str = "") -> str:
    """A Thai full name, optionally with an academic title."""
    first, last = thai_names()
    name = f"{rng.choice(first)[0]} {rng.choice(last)[0]}"
    return f"{title}{name}" if title else name


def company_names(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """`count` (name_th, name_en, company type) triples, distinct while the vocabulary lasts."""
    combos = [(s, m, k) for s in STEMS for m in MIDDLES for k in SECTORS]
    picks = rng.sample(combos, count) if count <= len(combos) else rng.choices(combos, k=count)
    out = []
    for (s_th, s_en), (m_th, m_en), (k_th, k_en, kind) in picks:
        public = rng.random() < 0.1
        th = " ".join(p for p in (s_th, m_th, k_th) if p)
        en = " ".join(p for p in (s_en, m_en, k_en) if p)
        suffix_th, suffix_en = ("จำกัด (มหาชน)", "Public Company Limited") if public else ("จำกัด", "Co., Ltd.")
        out.append((f"บริษัท {th} {suffix_th}", f"{en} {suffix_en}", kind))
    return out


def address(rng: random.Random, province: str) -> str:
    """A Thai street address in `province`."""
    where = "กรุงเทพมหานคร" if province == "Bangkok" else f"อำเภอเมือง จังหวัด{PROVINCE_TH[province]}"
    return f"{rng.randint(1, 999)}/{rng.randint(1, 99)} ถนน{rng.choice(ROADS)} {where}"


def posting_text(rng: random.Random, province: str) -> tuple[str, str, str]:
    """A posting's (title, description, skills) in Thai, English or a mix."""
    role_th, role_en, pool = rng.choice(ROLES)
    skills = rng.sample(pool, rng.randint(2, len(pool)))
    joined = ", ".join(skills)
    city = "กรุงเทพ" if province == "Bangkok" else PROVINCE_TH[province]
    style = rng.random()
    if style < 0.4:
        title = rng.choice(
            [f"รับสมัครนักศึกษาฝึกงานตำแหน่ง{role_th} ประจำสำนักงาน{city}", f"นักศึกษาฝึกงาน{role_th}",
             f"สหกิจศึกษา ตำแหน่ง{role_th}"]
        )  # fmt: skip
    elif style < 0.8:
        title = rng.choice([f"{role_en} Intern ({', '.join(skills[:2])})", f"{role_en} Internship",
                            f"Co-op Student - {role_en}"])  # fmt: skip
    else:
        title = f"นักศึกษาฝึกงาน {role_en} ({skills[0]})"
    source = TH_SENTENCES if style < 0.55 or style >= 0.8 else EN_SENTENCES
    role = role_th if source is TH_SENTENCES else role_en
    lines = rng.sample(source, rng.randint(3, 5))
    return title, " ".join(s.format(role=role, skills=joined) for s in lines), joined


def _check_digit(digits: str) -> str:
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits))
    return str((11 - total % 11) % 10)


def registration_no(rng: random.Random, province: str, seq: int) -> str:
    """A 13-digit juristic-person number (like 0105556012345) unique through `seq`."""
    prefix = next(p for en, _, p, _ in PROVINCES if en == province)
    head = f"0{prefix}{rng.choice('557')}{rng.randint(530, 568):03d}{seq % 100_000:05d}"
    return head + _check_digit(head)


def phone(rng: random.Random, mobile: bool = True, province: str = "Bangkok") -> str:
    """A Thai mobile or landline number."""
    if mobile:
        return f"0{rng.choice('689')}{rng.randint(0, 9)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    if province == "Bangkok":
        return f"02-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    return f"0{rng.randint(32, 77)}-{rng.randint(100, 999)}-{rng.randint(100, 999)}"


def username(first_en: str, last_en: str, taken: set[str]) -> str:
    """A login name from a romanised name, made unique against `taken` (and added to it)."""
    base = "".join(c for c in f"{first_en}.{last_en[:2]}".lower() if c.isalnum() or c == ".")
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def user_specs(rng: random.Random, demo: Sequence[Any], extra: Sequence[Any], taken: set[str]) -> list[Any]:
    """(username, Thai full name, role): one account per role in `demo`, then one per role in `extra`."""
    specs = [(role.value, full_name_th(rng), role) for role in demo]
    taken, (first, last) = {s[0] for s in specs} | taken, thai_names()
    for role in extra:
        (f_th, f_en), (l_th, l_en) = rng.choice(first), rng.choice(last)
        title = rng.choice(ACADEMIC_TITLES) if role.value == "advisor" else ""
        specs.append((username(f_en, l_en, taken), f"{title}{f_th} {l_th}", role))
    return specs


def company_rows(rng: random.Random, count: int, base_id: int, stamp: Callable[[Row], Row]) -> list[Row]:
    """Companies with Thai and English names, Bangkok-heavy provinces."""
    provinces, weights = [p[0] for p in PROVINCES], [p[3] for p in PROVINCES]
    rows = []
    for n, (name_th, name_en, kind) in enumerate(company_names(rng, count)):
        cid, province = base_id + n + 1, rng.choices(provinces, weights)[0]
        domain = "".join(c for c in name_en.split(" Co")[0].split(" Public")[0].lower() if c.isalnum())
        rows.append(stamp({
            "id": cid, "registration_no": registration_no(rng, province, cid), "name_th": name_th,
            "name_en": name_en, "province": province, "address": address(rng, province),
            "contact_name": "คุณ" + full_name_th(rng), "contact_email": f"hr@{domain}.co.th",
            "contact_phone": phone(rng, False, province), "company_type": kind,
            "active": rng.random() < 0.97}))  # fmt: skip
    return rows
