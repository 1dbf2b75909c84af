"""The default evaluation forms, after the Thai co-operative education association's standard forms:
(section Thai, section English, criterion Thai, criterion English, weight), weights summing to 100."""

from __future__ import annotations

from db.models import EvaluatorKind

Criterion = tuple[str, str, str, str, int]

_WORK = ("ผลสำเร็จของงาน", "Work achievement")
_ABILITY = ("ความรู้ความสามารถ", "Knowledge and ability")
_CONDUCT = ("ความรับผิดชอบและลักษณะส่วนบุคคล", "Responsibility and personal qualities")
_VISIT = ("การนิเทศ", "The supervision visit")
_REPORT = ("รายงานและการนำเสนอ", "Report and presentation")
_JOB = ("งานที่ได้รับมอบหมาย", "The assigned work")
_CARE = ("การดูแลและสภาพแวดล้อม", "Supervision and environment")

DEFAULT_FORMS: dict[EvaluatorKind, tuple[str, str, tuple[Criterion, ...]]] = {
    EvaluatorKind.SUPERVISOR: (
        "แบบประเมินผลนักศึกษาโดยพนักงานที่ปรึกษา",
        "Student evaluation by the workplace supervisor",
        (
            (*_WORK, "ปริมาณงาน", "Quantity of work", 10),
            (*_WORK, "คุณภาพงาน", "Quality of work", 15),
            (*_ABILITY, "ความรู้ความสามารถทางวิชาการ", "Academic knowledge", 10),
            (*_ABILITY, "ความสามารถในการเรียนรู้และประยุกต์ใช้", "Ability to learn and apply", 10),
            (*_ABILITY, "ความชำนาญด้านการปฏิบัติงาน", "Practical skills", 10),
            (*_ABILITY, "วิจารณญาณและการตัดสินใจ", "Judgement and decision making", 5),
            (*_ABILITY, "การจัดการและวางแผน", "Organisation and planning", 5),
            (*_ABILITY, "ทักษะการสื่อสาร", "Communication skills", 5),
            (*_CONDUCT, "ความรับผิดชอบและความน่าไว้วางใจ", "Responsibility and dependability", 10),
            (*_CONDUCT, "ความสนใจและความอุตสาหะในการทำงาน", "Interest and diligence", 5),
            (*_CONDUCT, "ความสามารถในการเริ่มงานได้ด้วยตนเอง", "Initiative", 5),
            (*_CONDUCT, "การตรงต่อเวลาและการปฏิบัติตามระเบียบ", "Punctuality and discipline", 5),
            (*_CONDUCT, "การทำงานร่วมกับผู้อื่น", "Teamwork", 5),
        ),
    ),
    EvaluatorKind.ADVISOR: (
        "แบบประเมินผลนักศึกษาโดยอาจารย์ที่ปรึกษา",
        "Student evaluation by the advisor",
        (
            (*_VISIT, "การเตรียมตัวและการนำเสนอระหว่างการนิเทศ", "Preparation and presentation at the visit", 20),
            (*_VISIT, "ความเข้าใจในงานที่ได้รับมอบหมาย", "Understanding of the assigned work", 20),
            (*_VISIT, "พัฒนาการระหว่างการปฏิบัติงาน", "Progress during the placement", 10),
            (*_REPORT, "เนื้อหาและความถูกต้องของรายงาน", "Content and accuracy of the report", 25),
            (*_REPORT, "การเรียบเรียงและรูปแบบของรายงาน", "Organisation and format of the report", 15),
            (*_REPORT, "การนำเสนอผลการปฏิบัติงาน", "Final presentation", 10),
        ),
    ),
    EvaluatorKind.STUDENT: (
        "แบบประเมินสถานประกอบการโดยนักศึกษา",
        "Workplace evaluation by the student",
        (
            (*_JOB, "งานตรงกับสาขาวิชาที่เรียน", "The work matches the field of study", 20),
            (*_JOB, "ปริมาณงานเหมาะสม", "The workload is appropriate", 15),
            (*_CARE, "การดูแลของพนักงานที่ปรึกษา", "Support from the workplace supervisor", 25),
            (*_CARE, "ความปลอดภัยและสภาพแวดล้อมในการทำงาน", "Safety and working environment", 20),
            (*_CARE, "ประโยชน์ต่ออาชีพในอนาคต", "Usefulness for a future career", 20),
        ),
    ),
}
