"""Word classes of the credit-line grammar, in normalised spelling (see ``normalise``).

These are classes of words (verbs that end a name, titles that start a person, heads that start an
organisation), not a list of credit lines: the families in ``grammar`` combine them.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


IR = r"اطلاع\s?رسانی"  # «اطلاع‌رسانی» with ZWNJ, space or neither

# «روابط عمومی X», «مرکز روابط عمومی و اطلاع‌رسانی X», «اداره کل روابط عمومی X», «پایگاه اطلاع‌رسانی X»,
# «سایت خبری X», «کانال تلگرامی X»: the office or portal of an organisation, credited as the organisation.
_OFFICE = rf"""
    (?:(?:اداره\s?کل|اداره|مرکز|دفتر|واحد|حوزه|معاونت|مدیریت)\s)?
    (?:روابط\s?عمومی(?:\s(?:و\s)?{IR})?|ارتباطات\s(?:و\s)?{IR}|{IR})
    (?:\s(?:و\s)?امور\s?بین\s?الملل)?"""
_PORTAL = rf"""
    (?:پایگاه|درگاه|سامانه|شبکه|مرکز)\s(?:{IR}|خبری|اینترنتی|رسمی)
    (?:\s(?:و\s)?(?:{IR}|خبری|تحلیلی|رسمی|اینترنتی))*
  | (?:وب\s?سایت|سایت|کانال)(?:\s(?:رسمی|خبری|تحلیلی|اینترنتی|تلگرامی|اطلاع\s?رسانی))*"""
PR_OFFICE = re.compile(rf"(?:{_OFFICE})(?!\w)", re.VERBOSE)
PR_PREFIX = re.compile(rf"(?:{_OFFICE}|{_PORTAL})(?!\w)", re.VERBOSE)

# Words that start an organisation's name, and the kind each suggests.
_HEADS: dict[str, str | None] = {
    "وزارت": "ministry", "وزارتخانه": "ministry", "وزارة": "ministry", "ministry": "ministry",
    "خبرگزاری": "agency", "وکالة": "agency", "agency": "agency",
    "روزنامه": "newspaper", "هفته نامه": "newspaper", "هفتهنامه": "newspaper", "ماهنامه": "newspaper",
    "فصلنامه": "newspaper", "دوهفته نامه": "newspaper", "نشریه": "newspaper", "مجله": "newspaper",
    "صحیفة": "newspaper", "جریدة": "newspaper", "newspaper": "newspaper", "daily": "newspaper",
    "پایگاه": "outlet", "سایت": "outlet", "وب سایت": "outlet", "وبسایت": "outlet", "شبکه": "outlet",
    "کانال": "outlet", "رادیو": "outlet", "تلویزیون": "outlet",
    "موقع": "outlet", "قناة": "outlet", "website": "outlet", "times": "newspaper", "news": "outlet",
    "سازمان": "government", "اداره": "government", "اداره کل": "government", "استانداری": "government",
    "فرمانداری": "government", "شهرداری": "government", "دولت": "government", "ریاست جمهوری": "government",
    "نهاد": "government", "معاونت": "government", "مجلس": "government", "شورای": "government",
    "شورا": "government", "ستاد": "government", "دبیرخانه": "government", "قوه": "government",
    "دادگستری": "government", "گمرک": "government", "پلیس": "government", "مرکز": "government",
    "دفتر": "government", "بانک مرکزی": "government", "هیئة": "government", "مکتب": "government",
    "دائرة": "government", "organization": "government", "organisation": "government",
    "authority": "government", "office": "government", "department": "government",
    "شرکت": None, "بانک": None, "دانشگاه": None, "انجمن": None, "اتحادیه": None, "کانون": None,
    "بنیاد": None, "موسسه": None, "مؤسسه": None, "پژوهشگاه": None, "پژوهشکده": None, "اتاق": None,
    "سندیکا": None, "صندوق": None, "پارک": None, "ستاد ملی": None, "شرکة": None, "منظمة": None,
    "company": None, "council": None, "institute": None, "bank": None, "center": None, "centre": None,
}
HEAD_WORDS = frozenset(_HEADS)
LATIN_CUES = frozenset({
    "ministry", "agency", "news", "times", "post", "daily", "press", "tv", "television", "radio",
    "organization", "organisation", "authority", "company", "office", "department", "center",
    "centre", "bank", "council", "institute", "university", "website", "journal", "network",
    "broadcasting", "tribune", "herald", "gazette", "newspaper", "magazine", "service", "corporation",
})
ARABIC_CUES = frozenset({
    "وزارة", "وکالة", "صحیفة", "جریدة", "موقع", "قناة", "هیئة", "شرکة", "منظمة", "مرکز", "مکتب",
    "دائرة", "الاذاعة", "التلفزیون", "موسسة", "مؤسسة", "السلطة", "رئاسة",
})


def head_kind(first: str, second: str = "") -> tuple[bool, str | None]:
    """Whether ``first`` (and ``second``) start an organisation's name, and the kind that suggests."""
    for word in (f"{first} {second}", first):
        for w in (word.lower(), word.lower().removeprefix("ال")):
            if w in _HEADS:
                return True, _HEADS[w]
    return False, None


# Words that end a name: verbs, adverbs of time, prepositions starting a new clause, Arabic «أن/في».
STOP_WORDS = _words("""
گفت گفته گفتند نوشت نوشته نوشتند فرمود فرمودند فرموده افزود افزوده اعلام اظهار خاطرنشان تصریح بیان
اشاره عنوان آمده آورده
است هست بود شد شده شدند کرد کرده کردند کند کنند می نمی خواهد خواهند دارد دارند داشت داشته داد داده
امروز دیروز امشب فردا روز صبح ظهر عصر شب شامگاه بامداد هفته اخیرا اخیر اکنون
در که با طی ضمن پس پیش برای تا نیز هم همچنین را به درباره پیرامون ضمنا درخصوص بر
گزارش منتشر انتشار اطلاعیه بیانیه مصاحبه گفتگو
ان بان فی الیوم امس عن علی الی التی الذی خلال مساء صباح یوم قد لقد حیث کما
said says announced reported wrote stated told on in at which that who as quoting citing
""")

# The first word of a phrase that is a person or a pointer back, not a named source.
# (No ZWNJ in these lists: normalised text has a space there, so «رئیس‌جمهور» is «رئیس» + «جمهور».)
PERSON_TITLES = _words("""
وزیر معاون رئیس رییس مدیرکل مدیر سخنگوی سخنگو دکتر مهندس آقای خانم سید سیده حجت آیت
نماینده استاندار فرماندار شهردار مشاور دبیر عضو کارشناس مقام مقامات فرمانده سردار سرپرست رهبر مسئول
مسئولان مسئولین دستیار قائم جانشین امام شهید حضرت سفیر وزرای مدیران کارشناسان استاد
mr mrs ms dr minister president spokesman spokeswoman spokesperson deputy head director
""")
NOT_A_SOURCE = _words("""
این آن همین همان وی او ما خود یک برخی چند منابع منبع رسانه ایشان آنها آنان
بعضی سایر دیگر همه هر اینجا آنجا کاربران مردم
هذا هذه ذلک تلک
this that these those its their his her our sources source media officials reports
""")

MONTHS = _words(
    "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند "
    "محرم صفر رمضان شوال ژانویه فوریه مارس آوریل مه ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر"
)
PLACES = _words("""
تهران اصفهان شیراز مشهد تبریز کرج قم اهواز کرمان کرمانشاه رشت ارومیه زاهدان همدان یزد اراک اردبیل
بندرعباس زنجان قزوین سنندج خرم گرگان ساری بیرجند بجنورد بوشهر شهرکرد یاسوج سمنان ایلام کیش
فارس خوزستان گیلان مازندران گلستان خراسان کردستان لرستان هرمزگان سیستان بلوچستان آذربایجان کهگیلویه
استان شهر شهرستان کشور ایران منطقه پایتخت جهان دنیا خارج داخل
قزاقستان روسیه چین عراق ترکیه افغانستان پاکستان هند آمریکا اروپا لندن پاریس مسکو پکن بغداد دوحه
""")
LANGUAGES = _words("فارسی عربی انگلیسی ترکی کردی")
AMBIGUOUS_WORDS = MONTHS | PLACES | LANGUAGES | _words("ایران صبح شرق جوان امید")

# Nouns whose preposition stays inside a name: «ستاد ملی مبارزه با کرونا», «سازمان حمایت از …».
NAME_GLUE = frozenset({("مبارزه", "با"), ("مقابله", "با"), ("حمایت", "از"), ("پیشگیری", "از"),
                       ("حفاظت", "از"), ("صیانت", "از"), ("دفاع", "از"), ("همکاری", "با")})

# Connectors that hand a credit on to the next source («به گزارش X به نقل از Y»).
HOP = re.compile(
    r"(?:و\s)?(?P<hop>(?:به\s?|ب)نقل\s?(?:از|ا)?\s|نقل\sاز\s|به\sگزارش\s|نقلا\sعن\s|برگرفته\sاز\s|از\s)"
)
CONNECTOR = re.compile(r"(?:و\s)?(?:(?:به\s?|ب)نقل\s|نقل\sاز\s|به\sگزارش\s|نقلا\sعن\s|از\s|عن\s)")
STOP_PHRASE = re.compile(r"(?:اطلاع|خبر)\s(?:داد|داده|می)(?!\w)")
END_MARKER = re.compile(r"(?:انتهای|پایان)\s(?:پیام|خبر|مطلب)(?!\w)|/\s?(?:انتهای|پایان)")

HARD = frozenset("،؛:;,.!?؟\n\"«»[]{}|/<>…-*#=+")
WORD = re.compile(r"[^\s\-،؛:;,.!?؟()«»\"\[\]{}/|<>…*#=+]+")
LATIN_WORD = re.compile(r"[A-Za-z0-9][\w&'.-]*")
