"""A relevance set for posting search: Thai and English queries and the postings that must rank top 10.

`measure_recall(ctx, actor)` loads the corpus through the ORM factories, runs every query
through core.search.search_postings (relevance sort) and returns the mean recall@10 and the
misses. tests/unit/test_search.py runs it on SQLite and on MariaDB and asserts >= 0.9.
"""

from __future__ import annotations

from core.access import Actor
from core.context import AppContext
from core.postings.search import search_postings
from tests import factories as f

# key -> (title, description, skills, company (th, en), province)
CORPUS: dict[str, tuple[str, str, str, tuple[str, str], str]] = {
    "swe_th": ("วิศวกรซอฟต์แวร์ฝึกงาน", "รับนักศึกษาฝึกงานพัฒนาเว็บแอปพลิเคชันด้วยภาษาไพทอน", "Python, Django",
               ("บริษัท ไทยซอฟต์ จำกัด", "Thai Soft"), "กรุงเทพมหานคร"),
    "swe_en": ("Software Engineer Intern", "Build web services in Go and TypeScript.", "Go, TypeScript",
               ("บริษัท ไทยเบฟเวอเรจ จำกัด", "Thai Beverage"), "Bangkok"),
    "mobile": ("Mobile Developer Intern", "Develop iOS and Android apps with Flutter.", "Flutter, Dart",
               ("บริษัท แอปเวิร์ค จำกัด", "AppWork"), "Bangkok"),
    "data_sci": ("Data Scientist Intern", "Machine learning models for credit risk.", "Python, SQL, scikit-learn",
                 ("ธนาคารกสิกรไทย", "Kasikornbank"), "Bangkok"),
    "ml": ("AI / Machine Learning Intern", "Computer vision research with PyTorch.", "PyTorch, C++",
           ("สยามรีเสิร์ชแล็บ", "Siam Research Lab"), "Chiang Mai"),
    "data_eng": ("วิศวกรข้อมูลฝึกงาน", "ออกแบบท่อข้อมูลและคลังข้อมูลบนคลาวด์", "SQL, Airflow, Spark",
                 ("บริษัท ดาต้าเฮาส์ จำกัด", "DataHouse"), "นนทบุรี"),
    "ux": ("UX/UI Designer Intern", "Design onboarding flows and prototypes.", "Figma",
           ("บริษัท พิกเซล จำกัด", "Pixel Co."), "Bangkok"),
    "graphic": ("นักออกแบบกราฟิกฝึกงาน", "ออกแบบสื่อสิ่งพิมพ์และสื่อโซเชียลมีเดีย", "Photoshop, Illustrator",
                ("บริษัท ครีเอทีฟ จำกัด", "Creative Studio"), "กรุงเทพมหานคร"),
    "account": ("นักบัญชีฝึกหัด", "ฝึกงานด้านบัญชีและภาษี ตรวจสอบเอกสารทางการเงิน", "Excel",
                ("สำนักงานบัญชีสยาม", "Siam Accounting Office"), "ขอนแก่น"),
    "audit": ("Audit Intern", "Assist financial statement audits for listed companies.", "Excel, IFRS",
              ("บริษัท สอบบัญชี จำกัด", "Audit Partners"), "Bangkok"),
    "marketing": ("นักการตลาดดิจิทัลฝึกงาน", "วางแผนโฆษณาออนไลน์และวิเคราะห์ผลแคมเปญ", "Facebook Ads, SEO",
                  ("บริษัท มาร์เก็ตโปร จำกัด", "MarketPro"), "กรุงเทพมหานคร"),
    "content": ("Content Writer Intern", "Write blog posts and social media content in Thai and English.",
                "Copywriting", ("บริษัท คอนเทนต์ไทย จำกัด", "Content Thai"), "Chiang Mai"),
    "hr": ("HR Intern", "Support recruitment and onboarding of new staff.", "Communication",
           ("บริษัท ปูนซิเมนต์ไทย จำกัด", "Siam Cement Group"), "Bangkok"),
    "front": ("พนักงานต้อนรับส่วนหน้า", "โรงแรมริมทะเลรับนักศึกษาต้อนรับแขกและดูแลการเข้าพัก", "English, Service Mind",
              ("อันดามัน รีสอร์ท", "Andaman Resort"), "ภูเก็ต"),
    "chef": ("ผู้ช่วยเชฟฝึกงาน", "ฝึกงานในครัวโรงแรม เตรียมวัตถุดิบและอาหารไทย", "Cooking",
             ("โรงแรมเชียงใหม่ฮิลล์", "Chiang Mai Hill Hotel"), "เชียงใหม่"),
    "tour": ("Tour Guide Intern", "Lead cultural tours for foreign visitors in Ayutthaya.", "English, Chinese",
             ("บริษัท ทัวร์สยาม จำกัด", "Siam Tours"), "Ayutthaya"),
    "medtech": ("นักเทคนิคการแพทย์ฝึกงาน", "ปฏิบัติงานในห้องปฏิบัติการ ตรวจวิเคราะห์ตัวอย่างเลือด", "",
                ("โรงพยาบาลกรุงเทพ", "Bangkok Hospital"), "ชลบุรี"),
    "pharma": ("เภสัชกรฝึกงาน", "ฝึกงานร้านยาและการให้คำปรึกษาด้านยา", "",
               ("บริษัท ร้านยาดี จำกัด", "Good Pharmacy"), "กรุงเทพมหานคร"),
    "nurse": ("Nursing Intern", "Ward rotation at a private hospital.", "Patient care",
              ("โรงพยาบาลสมิติเวช", "Samitivej Hospital"), "Bangkok"),
    "civil": ("วิศวกรโยธาฝึกงาน", "ควบคุมงานก่อสร้างอาคารและถนน", "AutoCAD",
              ("บริษัท ช.การช่าง จำกัด", "CH. Karnchang"), "กรุงเทพมหานคร"),
    "electrical": ("Electrical Engineer Intern", "Maintain power systems in a factory.", "PLC, AutoCAD",
                   ("บริษัท ไฟฟ้าไทย จำกัด", "Thai Electric"), "Rayong"),
    "mech": ("วิศวกรเครื่องกลฝึกงาน", "ดูแลเครื่องจักรในโรงงานผลิตชิ้นส่วนยานยนต์", "SolidWorks",
             ("บริษัท ออโต้พาร์ท จำกัด", "AutoParts Thailand"), "ชลบุรี"),
    "logistics": ("Logistics Intern", "Plan warehouse operations and shipping routes.", "Excel, SAP",
                  ("บริษัท โลจิสติกส์ไทย จำกัด", "Thai Logistics"), "Samut Prakan"),
    "supply": ("นักวางแผนซัพพลายเชนฝึกงาน", "วางแผนการผลิตและสินค้าคงคลัง", "SAP",
               ("บริษัท ไทยเบฟเวอเรจ จำกัด", "Thai Beverage"), "ปทุมธานี"),
    "law": ("Legal Intern", "Draft contracts and research Thai law.", "Legal research",
            ("สำนักงานกฎหมายสยาม", "Siam Law Office"), "Bangkok"),
    "teacher": ("ครูผู้ช่วยฝึกสอน", "ช่วยสอนภาษาอังกฤษและคณิตศาสตร์ระดับประถม", "English",
                ("โรงเรียนสาธิต", "Demonstration School"), "นครปฐม"),
    "agri": ("นักวิชาการเกษตรฝึกงาน", "ดูแลแปลงทดลองปลูกข้าวและวิเคราะห์ดิน", "",
             ("ศูนย์วิจัยข้าว", "Rice Research Center"), "สุพรรณบุรี"),
    "cyber": ("Cybersecurity Intern", "Monitor the SOC and run penetration tests.", "Linux, Networking",
              ("บริษัท ไซเบอร์การ์ด จำกัด", "CyberGuard"), "Bangkok"),
    "devops": ("DevOps Intern", "Automate CI/CD pipelines on Kubernetes.", "Docker, Kubernetes, Go",
               ("บริษัท คลาวด์ไทย จำกัด", "Cloud Thai"), "Bangkok"),
    "game": ("Game Developer Intern", "Build gameplay systems in Unity with C#.", "C#, Unity",
             ("บริษัท เกมสตูดิโอ จำกัด", "Game Studio"), "Bangkok"),
    "finance": ("นักวิเคราะห์การเงินฝึกงาน", "วิเคราะห์งบการเงินและจัดทำรายงานการลงทุน", "Excel",
                ("ธนาคารไทยพาณิชย์", "SCB"), "กรุงเทพมหานคร"),
    "sales": ("Sales Intern", "Visit customers and prepare quotations.", "Communication",
              ("บริษัท เซลส์โปร จำกัด", "SalesPro"), "Khon Kaen"),
}  # fmt: skip

# (query, postings that must be in the first 10 results)
QUERIES: list[tuple[str, set[str]]] = [
    ("วิศวกรซอฟต์แวร์", {"swe_th"}),
    ("ซอฟต์แวร์", {"swe_th"}),
    ("software engineer", {"swe_en"}),
    ("python", {"swe_th", "data_sci"}),
    ("machine learning", {"data_sci", "ml"}),
    ("ai", {"ml"}),
    ("วิศวกรข้อมูล", {"data_eng"}),
    ("คลังข้อมูล", {"data_eng"}),
    ("ux", {"ux"}),
    ("figma", {"ux"}),
    ("ออกแบบ", {"graphic", "data_eng"}),
    ("บัญชี", {"account", "audit"}),
    ("audit", {"audit"}),
    ("การตลาด", {"marketing"}),
    ("โฆษณา", {"marketing"}),
    ("content writer", {"content"}),
    ("hr", {"hr"}),
    ("ต้อนรับ", {"front"}),
    ("โรงแรม", {"front", "chef"}),
    ("เชฟ", {"chef"}),
    ("tour guide", {"tour"}),
    ("เลือด", {"medtech"}),
    ("เภสัช", {"pharma"}),
    ("hospital", {"medtech", "nurse"}),
    ("วิศวกรโยธา", {"civil"}),
    ("autocad", {"civil", "electrical"}),
    ("เครื่องจักร", {"mech"}),
    ("sap", {"logistics", "supply"}),
    ("ไทยเบฟ", {"swe_en", "supply"}),
    ("legal", {"law"}),
    ("ภาษาอังกฤษ", {"teacher"}),
    ("ข้าว", {"agri"}),
    ("kubernetes", {"devops"}),
    ("c#", {"game"}),
    ("c++", {"ml"}),
    ("การเงิน", {"finance", "account"}),
    ("chiang mai", {"ml", "content"}),
    ("เชียงใหม่", {"chef"}),
    ("developer intern", {"mobile", "game"}),
    ("ฝึกงาน", {"swe_th", "data_eng", "graphic"}),
]


def load_corpus(ctx: AppContext) -> dict[str, int]:
    """Insert the corpus (one company per distinct name); returns key -> posting id."""
    companies: dict[tuple[str, str], int] = {}
    ids: dict[str, int] = {}
    for key, (title, description, skills, company, province) in CORPUS.items():
        if company not in companies:
            companies[company] = f.new(
                ctx, f.company, name_th=company[0], name_en=company[1], province=province
            )
        ids[key] = f.new(
            ctx,
            f.posting,
            companies[company],
            title,
            description=description,
            skills=skills,
            province=province,
            slots=3,
        )
    return ids


def measure_recall(ctx: AppContext, actor: Actor) -> tuple[float, list[tuple[str, list[str]]]]:
    """Mean recall@10 over QUERIES, and the (query, missing keys) that fell short."""
    ids = load_corpus(ctx)
    names = {v: k for k, v in ids.items()}
    total, misses = 0.0, []
    for query, expected in QUERIES:
        rows = search_postings(ctx, actor=actor, query=query, sort="relevance", page_size=10).rows
        top = {names[i] for i in rows["id"]}
        total += len(expected & top) / len(expected)
        if expected - top:
            misses.append((query, sorted(expected - top)))
    return total / len(QUERIES), misses
