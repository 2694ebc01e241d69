"""Word classes of the credit-line grammar, in normalised spelling (see ``normalise``).

These are classes of words (verbs that end a name, titles that start a person, heads that start an
organisation), not a list of credit lines: the families in ``grammar`` combine them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


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
    (?:(?:\s?-\s?|\s(?:و\s)?)(?:{IR}|خبری|تحلیلی|رسمی|اینترنتی))*
  | (?:وب\s?سایت|وب\s?گاه|سایت|کانال)(?:\s(?:رسمی|خبری|تحلیلی|اینترنتی|تلگرامی|اطلاع\s?رسانی))*"""
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
    "دفتر": "government", "بانک مرکزی": "government", "سفارت": "government", "کنسولگری": "government",
    "کاخ": "government", "ارتش": "government", "سپاه": "government", "فرمانداری کل": "government",
    "هیئة": "government", "مکتب": "government",
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
    "guards", "corps", "army", "navy", "police", "judiciary", "parliament", "embassy", "mission", "committee",
    "international", "group", "foundation", "association", "federation", "union", "watch", "court",
    "observatory",
    "commission", "administration", "customs", "broadcaster", "channel", "outlet", "portal", "weekly",
    "observer", "monitor", "review", "online", "agencia", "agence", "agentur", "ajansı", "ajansi",
    "diario", "zeitung", "gazete", "televisión", "télévision",
})
ARABIC_CUES = frozenset({
    "وزارة", "وکالة", "صحیفة", "جریدة", "موقع", "قناة", "هیئة", "شرکة", "منظمة", "مرکز", "مکتب",
    "دائرة", "الاذاعة", "التلفزیون", "موسسة", "مؤسسة", "السلطة", "رئاسة", "الحرس", "الجیش", "الشرطة",
    "المرکز", "البنک", "الهیئة",
})


def head_kind(first: str, second: str = "") -> tuple[bool, str | None]:
    """Whether ``first`` (and ``second``) start an organisation's name, and the kind that suggests."""
    for word in (f"{first} {second}", first):
        for w in (word.lower(), word.lower().removeprefix("ال")):
            if w in _HEADS:
                return True, _HEADS[w]
    return False, None


def head_of(words: Sequence[str]) -> tuple[bool, str | None]:
    """:func:`head_kind` of a name's first one or two words."""
    if not words:
        return False, None
    return head_kind(words[0], words[1] if len(words) > 1 else "")


# Words that end a name: verbs, adverbs of time, prepositions starting a new clause, Arabic «أن/في».
STOP_WORDS = _words("""
گفت گفته گفتند نوشت نوشته نوشتند فرمود فرمودند فرموده افزود افزوده اعلام اظهار خاطرنشان تصریح بیان
مدعی هشدار فاش ادعا
اشاره عنوان آمده آورده
است هست بود شد شده شدند کرد کرده کردند کند کنند می نمی خواهد خواهند دارد دارند داشت داشته داد داده
امروز دیروز امشب فردا روز صبح ظهر عصر شب شامگاه بامداد هفته اخیرا اخیر اکنون
در که با طی ضمن پس پیش برای تا نیز هم همچنین را به درباره پیرامون ضمنا درخصوص بر
گزارش منتشر انتشار اطلاعیه بیانیه مصاحبه گفتگو
گفتهاست نوشتهاست کردهاست شدهاست دادهاست بودهاست گفتهاند کردهاند میگوید مینویسد میکند میشود میدهد
میکنند میشوند میگویند میافزاید
ان بان فی الیوم امس عن علی الی التی الذی خلال مساء صباح یوم قد لقد حیث کما
said says announced reported wrote stated told on in at which that who as quoting citing
""")

# The first word of a phrase that is a person or a pointer back, not a named source.
# (No ZWNJ in these lists: normalised text has a space there, so «رئیس‌جمهور» is «رئیس» + «جمهور».)
PERSON_TITLES = _words("""
وزیر معاون رئیس رییس مدیرکل مدیر سخنگوی سخنگو دکتر مهندس آقای خانم سید سیده حجت آیت
نماینده استاندار فرماندار شهردار مشاور دبیر عضو کارشناس مقام مقامات فرمانده سردار سرپرست رهبر مسئول
مسئولان مسئولین دستیار جانشین امام شهید حضرت سفیر وزرای مدیران کارشناسان استاد
mr mrs ms dr minister president spokesman spokeswoman spokesperson deputy head director mp mps lawmaker
lawmakers official officials
الوزیر المتحدث الرئیس نائب مساعد السفیر المدیر قائد المسوول مسوول
""")
NOT_A_SOURCE = _words("""
این آن همین همان وی او ما خود یک برخی چند منابع منبع رسانه ایشان آنها آنان
بعضی سایر دیگر همه هر اینجا آنجا کاربران مردم نویسنده عکس تصویر ها های
دو سه چهار پنج شش هفت هشت ده چندین بنا کد شماره تاریخ زمان ساعت تیتر عنوان لینک
هذا هذه ذلک تلک
this that these those its their his her our sources source media officials reports tv state haber
واضاف وقال وتابع واکد واوضح واشار واعتبر وذکر ولفت قال اضاف تابع
dispatches agencies wires internet
رسیده واصله
""")
POINTER_WORDS = _words("ذاتها نفسها ذاته نفسه المذکورة المذکور")
"""«الوکالة ذاتها» (the same agency): a pointer back, not a name."""

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
طهران ایران بیروت دمشق القاهرة
""")
LANGUAGES = _words("فارسی عربی انگلیسی ترکی کردی")
AMBIGUOUS_WORDS = MONTHS | PLACES | LANGUAGES | _words("ایران صبح شرق جوان امید")

# Nouns whose preposition stays inside a name: «ستاد ملی مبارزه با کرونا», «سازمان حمایت از …».
NAME_GLUE = frozenset({("مبارزه", "با"), ("مقابله", "با"), ("حمایت", "از"), ("پیشگیری", "از"),
                       ("حفاظت", "از"), ("صیانت", "از"), ("دفاع", "از"), ("همکاری", "با")})

# Connectors that hand a credit on to the next source («به گزارش X به نقل از Y»).
HOP = re.compile(
    r"(?:و\s)?(?P<hop>(?:به\s?|ب)نقل\s?(?:از|ا)?\s|نقل\sاز\s|به\sگزارش\s|نقلا\sعن\s|برگرفته\sاز\s|از\sقول\s"
    r"|از\s)"
)
CONNECTOR = re.compile(r"(?:و\s)?(?:(?:به\s?|ب)نقل\s|نقل\sاز\s|به\sگزارش\s|نقلا\sعن\s|از\sقول\s|از\s|عن\s)")
STOP_PHRASE = re.compile(r"(?:اطلاع|خبر)\s(?:داد|داده|می)(?!\w)")
END_MARKER = re.compile(r"(?:انتهای|پایان)\s(?:پیام|خبر|مطلب)(?!\w)|/\s?(?:انتهای|پایان)")

HARD = frozenset("،؛:;,.!?؟\n\"«»[]{}|/<>…-*#=+")
WORD = re.compile(r"[^\s\-،؛:;,.!?؟()«»\"\[\]{}/|<>…*#=+]+")
LATIN_WORD = re.compile(r"[A-Za-z0-9À-ÖØ-öø-ž][\w&'’.-]*")

# Words a media brand carries («سیرجان خبر», «افق نیوز», «همشهری آنلاین», "Iran Press"): with one, an
# unknown name needs no head word and no comma.
OUTLET_CUES = _words("""
نیوز آنلاین انلاین پرس خبر اخبار تی وی نت پلاس ۲۴ 24 رسانه خبرگزاری روزنامه پایگاه سایت شبکه کانال
الاخباری الاخباریة الاخبار
news online press tv daily today times post agency
""")
# A generic head before a quoted brand: «وکالة انباء "فارس"», «وبگاه «دبکا فایل»», «روزنامه «شرق»».
MEDIA_HEAD = re.compile(
    r"(?:خبرگزاری|روزنامه|هفته\s?نامه|ماهنامه|نشریه|مجله|وب\s?گاه|وب\s?سایت|سایت|پایگاه(?:\sخبری)?(?:\sتحلیلی)?"
    r"|شبکه(?:\sتلویزیونی)?|تلویزیون|رادیو|کانال|وکالة(?:\s(?:ال)?انباء)?|الوکالة|موقع|قناة|صحیفة|جریدة"
    r"|agency|news\sagency|newspaper|website|channel)(?:\s[^\W\d_]{2,12}){0,2}\s?(?=[«\"])",
    re.I,
)
# The same heads before a known name, with words that describe it: «وبگاه دنیای اقتصاد», «خبرگزاری حکومتی
# مهر», "the semi-official Tasnim" (the name resolves without them).
MEDIA_LEAD = re.compile(
    r"(?:خبرگزاری|روزنامه|هفته\s?نامه|نشریه|مجله|وب\s?گاه|وب\s?سایت|سایت|پایگاه(?:\sخبری)?(?:\sتحلیلی)?"
    r"|شبکه(?:\sتلویزیونی)?|تلویزیون|وکالة(?:\s(?:ال)?انباء)?|موقع|قناة|صحیفة|جریدة)"
    r"(?:\s(?:حکومتی|دولتی|رسمی|نیمه\s?رسمی|وابسته|اصولگرا|اصلاح\s?طلب|معارض|ایرانی|الرسمیة|الحکومیة))*\s",
)
# What follows a known Arabic agency name and still belongs to it: «وکالة تسنیم للانباء», «… الایرانیة».
ARABIC_NAME_TAIL = re.compile(
    r"(?:\s(?:(?:ال)?دولیة|الایرانیة|الرسمیة|شبه\sالرسمیة|للانباء|الاخباریة))+(?!\w)"
)

def is_cue(word: str) -> bool:
    """A media word, alone or ending a glued brand («شهرآرانیوز», «عصرپرس»)."""
    w = word.lower()
    glued = ("نیوز", "آنلاین", "انلاین", "پرس", "news", "online")
    return w in OUTLET_CUES or (len(w) > 5 and w.endswith(glued))


# Two-word titles whose first word alone is no title («قائم مقام», not «قائم آنلاین»).
TITLE_PHRASES = frozenset({("قائم", "مقام")})
# Common Persian given names: a short unknown name at the start of a line that begins with one is a
# person («علی ربیعی -», «محمد جواد ظریف |»), not an outlet's label.
GIVEN_NAMES = _words("""
محمد علی حسن حسین رضا مهدی احمد محمود مصطفی مجتبی جواد سعید مسعود مجید حمید عباس ابراهیم اسماعیل اکبر
اصغر امیر بهروز بهرام پرویز جعفر حامد حمیدرضا داود رحیم سجاد سید سیده صادق عبدالله عزت غلامرضا فاطمه
فریدون قاسم کاظم کامران لیلا مریم معصومه منصور ناصر نرگس هادی هاشم یوسف زهرا سمیه اسحاق بیژن شهرام
کیانوش کیوان محسن مرتضی مصطفی نادر وحید یاسر ایرج فرهاد آرش داریوش امین عبدالرضا محمدرضا محمدجواد
محمدباقر علیرضا غلامحسین ابوالفضل حجت الله
""")
# Words that describe a source without naming it: «خبرگزاری حکومتی مهر», "the semi-official Tasnim".
DESCRIPTORS = _words("""
حکومتی دولتی رسمی نیمه غیررسمی وابسته اصولگرا اصلاح طلب محافظه کار حامی معارض مستقل ایرانی خارجی
الرسمیة الحکومیة شبه الایرانیة
semi-official semiofficial state-run state-owned state-affiliated state official hardline hard-line
conservative reformist independent pro-government government-run iranian
""")


def arabic_head(word: str) -> bool:
    """An Arabic word that starts an organisation's name, with or without the article."""
    bare = word.removeprefix("ال")
    return word in ARABIC_CUES or bare in ARABIC_CUES or "ال" + bare in ARABIC_CUES or head_kind(word)[0] \
        or head_kind(bare)[0]


# Media named only by what they are, not who: "state television", «التلفزيون الرسمي», «رسانه های دولتی».
# A credit to one of these is no source to follow.
def _generic_key(name: str) -> str:
    return " ".join(w.removeprefix("ال") for w in name.lower().replace("ي", "ی").replace("إ", "ا").split())


_GENERIC_MEDIA = frozenset(_generic_key(n) for n in (
    "state tv", "state television", "state media", "state news agency", "official news agency",
    "staatsfernsehen", "staatsmedien", "staatliche medien", "haber kaynağı", "devlet televizyonu",
    "التلفزيون الرسمي", "التلفزيون الحكومي", "الاعلام الرسمي", "وسائل الاعلام الرسمية",
    "التلفزيون الرسمي الايراني", "التلفزيون الايراني", "التلفزيون الحكومي الايراني",
    "fernsehens", "fernsehen", "staatlichen fernsehens", "staatsfernsehens",
    "iranian state television", "iranian state tv", "iranian state media", "state-run television",
    "state-run media", "state-run tv", "the semiofficial news agency",
    "تلویزیون دولتی", "رسانه های دولتی", "رسانه دولتی", "رسانه های رسمی", "خبرگزاری رسمی",
))


def generic_media(name: str) -> bool:
    """Whether ``name`` only says what kind of media spoke."""
    return _generic_key(name) in _GENERIC_MEDIA
