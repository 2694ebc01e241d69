# ruff: noqa: E501  (sentences and names are data)
"""English and Arabic pages about ministry releases: retellings that must be linked, and look-alikes
that must not (issue 16's ground truth).

A **retelling** is what an agency's English or Arabic service makes of a Persian release: a few
sentences, reordered and rewritten, that keep at least two of the release's figures and spell its
names the way foreign desks do. A **hard negative** is an English or Arabic story on the same
ministry that is not the release: the same official on another event (``other_event``), or a
retelling of a release of the same templates, official and province with other figures that this
web never publishes (``same_template``).

Everything here is written from the release's facts and the templates it was drawn from, never
from a product table: the transliterations below are this fixture's own, so the ground truth does
not share a spelling rule with what it scores. Two phrase banks, ``dev`` and ``blind``, differ in
every sentence frame, title, credit wording and spelling variant, so a product tuned on one can be
scored once on the other. Nothing here draws from the generator's main random source.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from fixtureweb import corpus as C

BANKS = ("dev", "blind")
LANGS = ("en", "ar")
SITE_FOR = {"en": "shahr", "ar": "akharin"}
"""Foreign pages sit on existing outlets: English on shahr, Arabic on akharin."""
RETELLING_SHARE = 0.16
NEGATIVE_SHARE = 0.16
"""Retellings and hard negatives per unit of ``size`` (32 each at size 200), at least 2 each."""
MIN_FIGURE = 11
SIBLING_WINDOW = timedelta(days=7)
MAX_DELAY = timedelta(days=5)


class Release(Protocol):
    """What a retelling needs of a release (``generate.Doc`` is one)."""

    topic: str
    title: str
    paragraphs: list[str]
    published: datetime
    release: str | None
    facts: dict[str, str]
    templates: frozenset[str]


# ------------------------------------------------------------------ names ---
@dataclass(frozen=True)
class Spellings:
    """Spellings of one Persian name: English and Arabic, each per bank (dev, blind)."""

    en: tuple[tuple[str, ...], tuple[str, ...]]
    ar: tuple[tuple[str, ...], tuple[str, ...]]

    def pick(self, rng: random.Random, lang: str, bank: str) -> str:
        options = (self.en if lang == "en" else self.ar)[BANKS.index(bank)]
        return rng.choice(options)


def _n(en_dev: str, ar_dev: str, en_blind: str = "", ar_blind: str = "") -> Spellings:
    """``"a|b"`` lists of variants; the blind bank falls back on the dev spellings when it has none."""
    return Spellings(
        (tuple(en_dev.split("|")), tuple((en_blind or en_dev).split("|"))),
        (tuple(ar_dev.split("|")), tuple((ar_blind or ar_dev).split("|"))),
    )


NAMES: dict[str, Spellings] = {
    # officials
    "علیرضا نوروزی": _n("Alireza Norouzi|Alireza Nowruzi", "علي رضا نوروزي|عليرضا نوروزي", "Ali-Reza Nowrouzi|Alireza Noroozi", "عليرضا نوروزى|علي رضا نوروزى"),
    "مهدی صالحی‌نیا": _n("Mehdi Salehinia|Mahdi Salehi-Nia", "مهدي صالحي نيا", "Mehdi Salehi Nia|Mahdi Salehinia", "مهدى صالحى نيا"),
    "حسین کریمی‌پور": _n("Hossein Karimipour|Hossein Karimi-Pour", "حسين كريمي بور", "Hosein Karimipur|Hussein Karimipour", "حسين كريمى بور|حسين كريمي پور"),
    "فاطمه رحیمی": _n("Fatemeh Rahimi", "فاطمة رحيمي", "Fatima Rahimi|Fatemeh Rahimy", "فاطمه رحيمى"),
    "محمد جعفری‌زاده": _n("Mohammad Jafarizadeh|Mohammad Jafari-Zadeh", "محمد جعفري زاده", "Mohammed Jafarizade|Muhammad Jafarizadeh", "محمد جعفرى زاده"),
    "سعید امینی‌فر": _n("Saeed Aminifar|Saeid Aminifar", "سعيد اميني فر", "Said Amini-Far|Saeed Amini Far", "سعيد أميني فر"),
    "زهرا موسوی‌نژاد": _n("Zahra Mousavinejad|Zahra Moosavi-Nejad", "زهراء موسوي نجاد", "Zahra Musavinezhad|Zahra Mousavi Nejad", "زهرا موسوى نجاد"),
    "رضا قاسمی‌راد": _n("Reza Ghasemirad|Reza Qasemi-Rad", "رضا قاسمي راد", "Reza Qasemirad|Reza Ghasemi Rad", "رضا قاسمى راد"),
    "مریم حیدری": _n("Maryam Heidari|Maryam Heydari", "مريم حيدري", "Mariam Haidari|Maryam Heidary", "مريم حيدرى"),
    "امیر طاهرخانی": _n("Amir Taherkhani", "أمير طاهرخاني", "Amir Taher-Khani|Ameer Taherkhani", "امير طاهر خاني"),
    # provinces and cities
    "آذربایجان شرقی": _n("East Azarbaijan", "أذربيجان الشرقية", "East Azerbaijan", "آذربيجان الشرقية"),
    "تبریز": _n("Tabriz", "تبريز"),
    "آذربایجان غربی": _n("West Azarbaijan", "أذربيجان الغربية", "West Azerbaijan", "آذربيجان الغربية"),
    "ارومیه": _n("Urmia", "أرومية", "Orumiyeh|Urumieh", "اورمية"),
    "اردبیل": _n("Ardabil", "أردبيل", "Ardebil", "اردبيل"),
    "اصفهان": _n("Isfahan|Esfahan", "أصفهان", "Esfahan|Ispahan", "اصفهان"),
    "البرز": _n("Alborz", "البرز", "Alburz", "ألبرز"),
    "کرج": _n("Karaj", "كرج"),
    "ایلام": _n("Ilam", "إيلام", "Eelam", "ايلام"),
    "بوشهر": _n("Bushehr", "بوشهر", "Boushehr|Bushire", "بوشهر"),
    "تهران": _n("Tehran", "طهران"),
    "چهارمحال و بختیاری": _n("Chaharmahal and Bakhtiari", "جهارمحال وبختياري", "Chahar Mahal-Bakhtiari", "تشهارمحال وبختياري"),
    "شهرکرد": _n("Shahrekord", "شهركرد", "Shahr-e Kord", "شهر كرد"),
    "خراسان جنوبی": _n("South Khorasan", "خراسان الجنوبية", "Southern Khorasan", "خراسان الجنوبي"),
    "بیرجند": _n("Birjand", "بيرجند"),
    "خراسان رضوی": _n("Razavi Khorasan", "خراسان الرضوية", "Khorasan Razavi", "خراسان رضوي"),
    "مشهد": _n("Mashhad|Mashad", "مشهد", "Mashhad|Meshed", "مشهد المقدسة"),
    "خراسان شمالی": _n("North Khorasan", "خراسان الشمالية", "Northern Khorasan", "خراسان الشمالي"),
    "بجنورد": _n("Bojnurd", "بجنورد", "Bojnourd", "بجنورد"),
    "خوزستان": _n("Khuzestan", "خوزستان", "Khouzestan", "خوزستان"),
    "اهواز": _n("Ahvaz", "الأهواز", "Ahwaz", "أهواز"),
    "زنجان": _n("Zanjan", "زنجان"),
    "سمنان": _n("Semnan", "سمنان"),
    "سیستان و بلوچستان": _n("Sistan and Baluchestan", "سيستان وبلوشستان", "Sistan-Baluchistan", "سيستان وبلوتشستان"),
    "زاهدان": _n("Zahedan", "زاهدان"),
    "فارس": _n("Fars", "فارس"),
    "شیراز": _n("Shiraz", "شيراز"),
    "قزوین": _n("Qazvin", "قزوين", "Ghazvin", "قزوين"),
    "قم": _n("Qom", "قم", "Ghom", "قم المقدسة"),
    "کردستان": _n("Kurdistan", "كردستان", "Kordestan", "كردستان الإيرانية"),
    "سنندج": _n("Sanandaj", "سنندج"),
    "کرمان": _n("Kerman", "كرمان"),
    "کرمانشاه": _n("Kermanshah", "كرمانشاه"),
    "کهگیلویه و بویراحمد": _n("Kohgiluyeh and Boyer-Ahmad", "كهكيلويه وبوير أحمد", "Kohgiluyeh-Boyerahmad", "كهغيلويه وبوير أحمد"),
    "یاسوج": _n("Yasuj", "ياسوج", "Yasouj", "ياسوج"),
    "گلستان": _n("Golestan", "كلستان", "Golestan", "غلستان"),
    "گرگان": _n("Gorgan", "كركان", "Gorgan", "جرجان"),
    "گیلان": _n("Gilan", "كيلان", "Guilan", "جيلان"),
    "رشت": _n("Rasht", "رشت"),
    "لرستان": _n("Lorestan", "لرستان", "Luristan", "لورستان"),
    "خرم‌آباد": _n("Khorramabad", "خرم آباد", "Khoram Abad", "خرم‌آباد"),
    "مازندران": _n("Mazandaran", "مازندران"),
    "ساری": _n("Sari", "ساري"),
    "مرکزی": _n("Markazi", "المركزية", "Markazi|Central", "مركزي"),
    "اراک": _n("Arak", "أراك", "Arak", "اراك"),
    "هرمزگان": _n("Hormozgan", "هرمزكان", "Hormozgan", "هرمزغان"),
    "بندرعباس": _n("Bandar Abbas", "بندر عباس", "Bandar-Abbas", "بندرعباس"),
    "همدان": _n("Hamedan", "همدان", "Hamadan", "همذان"),
    "یزد": _n("Yazd", "يزد"),
    # operators
    "همراه اول": _n("MCI|Hamrah-e Aval", "همراه أول|شركة الاتصالات المتنقلة الإيرانية", "Hamrah Aval|Mobile Telecommunication Company of Iran", "همراه اول|الاتصالات المتنقلة (همراه أول)"),
    "ایرانسل": _n("Irancell|MTN Irancell", "إيرانسل", "MTN-Irancell|Irancell", "ايرانسل"),
    "رایتل": _n("Rightel", "رايتل", "RighTel", "رايتل"),
    "شرکت مخابرات ایران": _n("the Telecommunication Company of Iran|TCI", "شركة الاتصالات الإيرانية", "Iran Telecom|TCI", "شركة مخابرات إيران"),
    "شبکه مستقل ملی": _n("the National Independent Network", "الشبكة الوطنية المستقلة", "Shabakeh Mostaghel Melli", "الشبكة المستقلة الوطنية"),
    # countries
    "قزاقستان": _n("Kazakhstan", "كازاخستان", "Kazakhstan|Qazaqstan", "قازاقستان"),
    "ارمنستان": _n("Armenia", "أرمينيا", "Armenia", "ارمينيا"),
    "عمان": _n("Oman", "سلطنة عمان", "Oman", "عُمان"),
    "ترکمنستان": _n("Turkmenistan", "تركمانستان", "Turkmenistan", "تركمنستان"),
    "تاجیکستان": _n("Tajikistan", "طاجيكستان", "Tadjikistan|Tajikistan", "طاجكستان"),
    "ونزوئلا": _n("Venezuela", "فنزويلا"),
    "ازبکستان": _n("Uzbekistan", "أوزبكستان", "Uzbekistan", "اوزبكستان"),
    "عراق": _n("Iraq", "العراق"),
    "بلاروس": _n("Belarus", "بيلاروسيا", "Belarus|Byelorussia", "روسيا البيضاء"),
    # events
    "نمایشگاه الکامپ": _n("the Elecomp exhibition", "معرض إلكامب", "the Elcomp expo", "معرض الكامب"),
    "رویداد ایران‌ساخت": _n("the Iran-Made showcase", "فعالية صنع في إيران", "the Iran Sakht event", "معرض إيران ساخت"),
    "اجلاس اسکاپ": _n("the ESCAP session", "اجتماع الإسكاب", "the UN ESCAP meeting", "قمة إسكاب"),
    "همایش ملی اقتصاد دیجیتال": _n("the national digital economy conference", "المؤتمر الوطني للاقتصاد الرقمي", "a national conference on the digital economy", "ملتقى الاقتصاد الرقمي الوطني"),
    "جشنواره وب و موبایل": _n("the web and mobile festival", "مهرجان الويب والموبايل", "the Web & Mobile festival", "مهرجان الإنترنت والهاتف المحمول"),
}

ROLES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # official → ((English dev, blind), (Arabic dev, blind)): what a foreign desk calls the post
    "علیرضا نوروزی": (("deputy minister and head of Iran's IT organisation", "the deputy minister in charge of information technology"), ("مساعد الوزير ورئيس منظمة تقنية المعلومات", "نائب الوزير لشؤون تقنية المعلومات")),
    "مهدی صالحی‌نیا": (("chief executive of the infrastructure communications company", "head of Iran's telecommunications infrastructure firm"), ("المدير التنفيذي لشركة البنية التحتية للاتصالات", "رئيس شركة البنى التحتية للاتصالات")),
    "حسین کریمی‌پور": (("head of the Iranian space agency", "Iran's space chief"), ("رئيس منظمة الفضاء الإيرانية", "رئيس وكالة الفضاء في إيران")),
    "فاطمه رحیمی": (("deputy minister for management development", "a deputy communications minister"), ("مساعدة وزير الاتصالات لشؤون التنمية الإدارية", "نائبة وزير الاتصالات")),
    "محمد جعفری‌زاده": (("managing director of the national post company", "Iran's postal chief"), ("المدير العام لشركة البريد الوطنية", "رئيس البريد الإيراني")),
    "سعید امینی‌فر": (("spokesman for the communications ministry", "the ministry's spokesperson"), ("المتحدث باسم وزارة الاتصالات", "الناطق باسم الوزارة")),
    "زهرا موسوی‌نژاد": (("director of the ministry's innovative business office", "head of the ministry's start-up office"), ("مديرة مكتب الأعمال المبتكرة", "مسؤولة ملف الشركات الناشئة في الوزارة")),
    "رضا قاسمی‌راد": (("deputy minister for technology and innovation", "the deputy minister for innovation"), ("مساعد وزير الاتصالات لشؤون التقنية والابتكار", "نائب الوزير لشؤون الابتكار")),
    "مریم حیدری": (("provincial director of communications", "a provincial ICT director"), ("المديرة العامة للاتصالات في المحافظة", "مديرة الاتصالات في المحافظة")),
    "امیر طاهرخانی": (("head of the ICT research institute", "the director of Iran's ICT research centre"), ("رئيس معهد أبحاث الاتصالات", "مدير مركز أبحاث الاتصالات")),
}


# ------------------------------------------------------------------ facts ---
@dataclass(frozen=True)
class Fact:
    """A figure a release template states, and how a foreign desk says it.

    ``slot``: the release fact that holds the figure; ``marker``: a piece of the Persian template
    (the raw text, with its ``{slot}``) that states it; ``unit``: how the figure is written
    (``plain``, ``thousand`` for «X هزار …», ``pct``, ``amount`` for «X هزار میلیارد ریال»,
    ``million``); ``en``/``ar``: (dev, blind) sentences, ``{N}`` the figure and other ``{slot}``
    names of the same template, transliterated.
    """

    slot: str
    marker: str
    unit: str
    en: tuple[str, str]
    ar: tuple[str, str]


def _f(slot: str, marker: str, unit: str, en_dev: str, en_blind: str, ar_dev: str, ar_blind: str) -> Fact:
    return Fact(slot, marker, unit, (en_dev, en_blind), (ar_dev, ar_blind))


GENERIC_FACTS = (
    _f("n1", "گزارش پیشرفت کار را تا", "plain",
       "Provincial directors have {N} days to report on their progress.",
       "Provincial ICT offices must file progress reports within {N} days.",
       "وأمهلت الوزارة المديرين في المحافظات {N} يوما لتقديم تقارير التقدم.",
       "ويتعين على مكاتب الاتصالات في المحافظات رفع تقاريرها خلال {N} يوما."),
    _f("n1", "پروژه مشابه", "plain",
       "{N} similar projects have already been completed in other provinces.",
       "Other provinces have already seen {N} projects of this kind completed.",
       "وسبق أن أنجز {N} مشروعا مماثلا في محافظات أخرى.",
       "وشهدت محافظات أخرى إنجاز {N} مشروعا من هذا النوع."),
    _f("pct", "ضریب نفوذ اینترنت پهن‌باند همراه", "pct",
       "Mobile broadband penetration in Iran now exceeds {N}.",
       "More than {N} of Iranians now have mobile broadband.",
       "وتجاوزت نسبة انتشار الإنترنت المحمول عريض النطاق في إيران {N}.",
       "ويستخدم أكثر من {N} من الإيرانيين الإنترنت المحمول عريض النطاق."),
    _f("n1", "شرکت خصوصی و", "plain",
       "{N} private firms are taking part in the programme.",
       "The scheme involves {N} private-sector companies.",
       "ويشارك في البرنامج {N} شركة خاصة.",
       "ويضم المشروع {N} شركة من القطاع الخاص."),
)

FACTS: dict[str, tuple[Fact, ...]] = {
    "fiber": (
        _f("n2", "برای {n2} هزار خانوار", "thousand",
           "Fibre-optic infrastructure is being prepared for {N} households in {province} province.",
           "Some {N} homes in {province} are to be connected to fibre.",
           "ويجري تجهيز البنية التحتية للألياف الضوئية لـ{N} أسرة في محافظة {province}.",
           "ومن المقرر ربط {N} منزل في {province} بشبكة الألياف الضوئية."),
        _f("n1", "{n1} شهر استان", "plain",
           "Work on home fibre has started in {N} cities of {province} province.",
           "The home fibre scheme is now under way in {N} cities across {province}.",
           "وبدأ تنفيذ مشروع الألياف المنزلية في {N} مدينة بمحافظة {province}.",
           "وانطلق مشروع الألياف في {N} مدينة في {province}."),
        _f("speed", "با سرعت {speed}", "plain",
           "Home users in {city} will get fixed internet at {N} megabits per second.",
           "{city} households are promised speeds of {N} Mbps.",
           "وسيحصل المستخدمون في {city} على إنترنت ثابت بسرعة {N} ميغابت في الثانية.",
           "ووعدت السلطات سكان {city} بسرعة {N} ميغابت في الثانية."),
        _f("n3", "کیلومتر کابل", "plain",
           "The first phase involves laying {N} kilometres of fibre-optic cable.",
           "In phase one, {N} km of fibre will be laid under city streets.",
           "وتشمل المرحلة الأولى مد {N} كيلومتر من كابلات الألياف الضوئية.",
           "وفي المرحلة الأولى سيتم مد {N} كيلومترا من الألياف تحت شوارع المدن."),
        _f("pct", "درصد از متقاضیان", "pct",
           "So far {N} of registered applicants have been connected.",
           "About {N} of those who signed up already have a working connection.",
           "وحتى الآن تم توصيل {N} من المتقدمين المسجلين.",
           "وحصل نحو {N} من المسجلين على الخدمة فعلا."),
        _f("n2", "هزار پورت", "thousand",
           "{company} has committed to completing {N} ports in {city}.",
           "In {city}, {company} is to deliver {N} fibre ports.",
           "والتزمت {company} باستكمال {N} منفذ في {city}.",
           "وستوفر {company} {N} منفذ ألياف في {city}."),
        _f("amount", "سرمایه‌گذاری بخش خصوصی در این پروژه", "amount",
           "Private investment in the project has reached {N}.",
           "Private companies have put {N} into the scheme.",
           "وبلغت استثمارات القطاع الخاص في المشروع {N}.",
           "وضخ القطاع الخاص {N} في المشروع."),
        _f("pct", "دست‌کم {pct} درصد خانوارهای شهری", "pct",
           "The aim is to give at least {N} of urban households access to fibre by the end of the year.",
           "Officials want {N} of city households on fibre by year-end.",
           "والهدف هو أن يحصل {N} على الأقل من الأسر في المدن على الألياف بحلول نهاية العام.",
           "وتسعى السلطات إلى ربط {N} من أسر المدن بالألياف قبل نهاية العام."),
    ),
    "5g": (
        _f("n2", "{n2} سایت جدید نسل پنجم", "plain",
           "{N} new fifth-generation mobile sites have been switched on.",
           "Operators have launched {N} additional 5G sites.",
           "وتم تشغيل {N} موقعا جديدا لشبكة الجيل الخامس.",
           "وأطلق المشغلون {N} موقعا إضافيا للجيل الخامس."),
        _f("n3", "گوشی‌های سازگار با نسل پنجم", "plain",
           "{N} subscribers are already using 5G-compatible handsets on the network.",
           "The network counts {N} users with 5G-ready phones.",
           "ويستخدم {N} مشترك بالفعل هواتف متوافقة مع الجيل الخامس.",
           "وتضم الشبكة {N} مستخدم يملكون هواتف تدعم الجيل الخامس."),
        _f("speed", "میانگین سرعت دانلود در سایت‌های جدید", "plain",
           "Field tests at the new sites recorded average download speeds above {N} Mbps.",
           "Download speeds of more than {N} megabits per second were measured in trials.",
           "وسجلت الاختبارات الميدانية متوسط سرعة تنزيل يتجاوز {N} ميغابت في الثانية.",
           "وأظهرت التجارب سرعات تنزيل تفوق {N} ميغابت في الثانية."),
        _f("n1", "{n1} شهر کشور", "plain",
           "The new sites are spread over {N} cities.",
           "Coverage now extends to {N} cities nationwide.",
           "وتتوزع المواقع الجديدة على {N} مدينة.",
           "وامتدت التغطية إلى {N} مدينة في أنحاء البلاد."),
    ),
    "nin": (
        _f("pct", "پیشرفت {pct} درصدی طرح‌های", "pct",
           "National information network projects are {N} complete.",
           "Progress on the national information network stands at {N}.",
           "وبلغت نسبة إنجاز مشاريع شبكة المعلومات الوطنية {N}.",
           "ووصل التقدم في شبكة المعلومات الوطنية إلى {N}."),
        _f("n3", "گیگابیت بر ثانیه [رسید", "plain",
           "Domestic data capacity has risen to {N} gigabits per second.",
           "New fibre routes lifted backbone capacity to {N} Gbps.",
           "وارتفعت سعة نقل البيانات الداخلية إلى {N} غيغابت في الثانية.",
           "ورفعت المسارات الجديدة سعة الشبكة إلى {N} غيغابت في الثانية."),
        _f("n2", "ظرفیت {n2} رک", "plain",
           "A provincial data centre with {N} racks has joined the network in {city}.",
           "{city}'s new {N}-rack data centre is now connected.",
           "وانضم مركز بيانات بسعة {N} خزانة في {city} إلى الشبكة.",
           "وتم ربط مركز البيانات الجديد في {city} بسعة {N} خزانة."),
        _f("pct", "سهم ترافیک داخلی از کل ترافیک", "pct",
           "Domestic traffic now accounts for {N} of Iran's internet traffic.",
           "Some {N} of all internet traffic in Iran now stays inside the country.",
           "وباتت الحركة الداخلية تشكل {N} من حركة الإنترنت في إيران.",
           "ويبقى نحو {N} من حركة الإنترنت داخل البلاد."),
        _f("amount", "اعتباری بالغ بر", "amount",
           "{N} has been set aside to complete the projects.",
           "The projects have a budget of {N}.",
           "وتم تخصيص {N} لاستكمال المشاريع.",
           "وتبلغ ميزانية المشاريع {N}."),
        _f("n1", "طرح از طرح‌های اولویت‌دار", "plain",
           "{N} priority projects are due to come on stream this year.",
           "This year, {N} of the priority schemes are set to open.",
           "ومن المقرر تشغيل {N} مشروعا ذا أولوية هذا العام.",
           "وسيتم افتتاح {N} من المشاريع ذات الأولوية خلال العام."),
    ),
    "post": (
        _f("n1", "{n1} دفتر پستی هوشمند در استان", "plain",
           "{N} smart post offices have opened in {province} province.",
           "{province} now has {N} new self-service post offices.",
           "وافتتح {N} مكتب بريد ذكي في محافظة {province}.",
           "وباتت محافظة {province} تضم {N} مكتب بريد ذاتي الخدمة."),
        _f("n1", "به {n1} ساعت", "plain",
           "Average mail delivery time in {city} has fallen to {N} hours.",
           "Parcels in {city} now arrive in {N} hours on average.",
           "وانخفض متوسط زمن توزيع البريد في {city} إلى {N} ساعة.",
           "وباتت الطرود تصل في {city} خلال {N} ساعة في المتوسط."),
        _f("n3", "{n3} مرسوله را به مقصد", "plain",
           "The post company has delivered {N} parcels of books to rural libraries.",
           "{N} free book parcels reached village libraries.",
           "ووزعت شركة البريد {N} طردا من الكتب على المكتبات الريفية.",
           "ووصل {N} طرد كتب مجاني إلى مكتبات القرى."),
        _f("n2", "دستگاه موتورسیکلت برقی", "plain",
           "The postal fleet in {province} has received {N} electric motorcycles.",
           "{N} electric motorbikes were added to the {province} delivery fleet.",
           "وتعزز أسطول البريد في {province} بـ{N} دراجة نارية كهربائية.",
           "وأضيفت {N} دراجة كهربائية إلى أسطول التوزيع في {province}."),
        _f("pct", "سهم مرسولات تجارت الکترونیک", "pct",
           "E-commerce now makes up {N} of all postal items.",
           "Online shopping accounts for {N} of mail volumes.",
           "وتشكل التجارة الإلكترونية الآن {N} من إجمالي المواد البريدية.",
           "وتمثل مشتريات الإنترنت {N} من حجم البريد."),
        _f("n3", "ظرفیت تفکیک {n3}", "plain",
           "The new sorting centre can handle {N} items a day.",
           "Daily sorting capacity at the new hub is {N} items.",
           "ويستطيع مركز الفرز الجديد معالجة {N} مادة بريدية يوميا.",
           "وتبلغ الطاقة اليومية لمركز الفرز الجديد {N} مادة."),
        _f("n2", "{n2} هزار نشانی روستایی", "thousand",
           "Ten-digit postcodes have been issued for {N} new rural addresses.",
           "{N} village addresses received postcodes.",
           "وتم إصدار رموز بريدية لـ{N} عنوان ريفي جديد.",
           "وحصل {N} عنوان في القرى على رموز بريدية."),
    ),
    "satellite": (
        _f("n1", "قدرت تفکیک {n1} متر", "plain",
           "The first images from the remote-sensing satellite have a resolution of {N} metres.",
           "The satellite's first pictures show detail down to {N} metres.",
           "وتبلغ دقة الصور الأولى للقمر الصناعي {N} مترا.",
           "وتظهر الصور الأولى تفاصيل بدقة {N} مترا."),
        _f("n2", "ارتفاع {n2} کیلومتری", "plain",
           "The satellite will orbit at an altitude of {N} kilometres.",
           "It is to be placed in an orbit {N} km above the Earth.",
           "وسيدور القمر الصناعي على ارتفاع {N} كيلومتر.",
           "وسيوضع في مدار على بعد {N} كيلومتر من الأرض."),
        _f("n1", "طول عمر مفید", "plain",
           "The satellite is expected to operate for {N} months.",
           "Its service life is put at {N} months.",
           "ومن المتوقع أن يعمل القمر الصناعي لمدة {N} شهرا.",
           "ويقدر عمره التشغيلي بـ{N} شهرا."),
        _f("n2", "{n2} پژوهشگر", "plain",
           "{N} researchers from universities and tech firms took part in building it.",
           "Its design involved {N} scientists from universities and knowledge-based companies.",
           "وشارك {N} باحثا من الجامعات والشركات في بنائه.",
           "وساهم {N} باحث من الجامعات والشركات المعرفية في تصميمه."),
        _f("n1", "ردیابی همزمان {n1}", "plain",
           "The new ground station can track {N} low-orbit satellites at once.",
           "Up to {N} satellites can be tracked simultaneously from the station.",
           "وتستطيع المحطة الأرضية الجديدة تتبع {N} قمرا صناعيا في آن واحد.",
           "ويمكن للمحطة متابعة {N} قمرا صناعيا في وقت واحد."),
    ),
    "egov": (
        _f("n1", "{n1} خدمت جدید دولتی", "plain",
           "{N} more government services have gone online, ending in-person visits.",
           "Citizens can now use {N} additional state services online.",
           "وتحولت {N} خدمة حكومية جديدة إلى خدمات إلكترونية.",
           "وأصبح بإمكان المواطنين استخدام {N} خدمة حكومية إضافية عبر الإنترنت."),
        _f("n3", "{n3} میلیون مورد", "million",
           "Electronic inquiries between agencies reached {N}.",
           "Agencies exchanged {N} electronic inquiries.",
           "وبلغ عدد الاستعلامات الإلكترونية بين الأجهزة {N}.",
           "وتبادلت الأجهزة الحكومية {N} استعلام إلكتروني."),
        _f("pct", "بیش از {pct} درصد خدماتشان", "pct",
           "Agencies with more than {N} of their services online will be rewarded.",
           "Bodies offering over {N} of services online get extra points in the annual ranking.",
           "وستحصل الأجهزة التي تقدم أكثر من {N} من خدماتها إلكترونيا على مكافآت.",
           "وتنال الجهات التي توفر أكثر من {N} من خدماتها عبر الإنترنت نقاطا إضافية."),
        _f("n1", "{n1} کیلومتر سفر", "plain",
           "Each visit avoided saves about {N} kilometres of city travel.",
           "Every cancelled office visit cuts around {N} km of travel.",
           "ويوفر إلغاء كل مراجعة حضورية نحو {N} كيلومترا من التنقل.",
           "وتقلص كل زيارة ملغاة التنقل بنحو {N} كيلومترا."),
    ),
    "startups": (
        _f("n2", "{n2} کسب‌وکار نوپای", "plain",
           "Low-interest loans are being paid to {N} IT start-ups.",
           "{N} young tech businesses will receive cheap loans.",
           "ويجري صرف قروض ميسرة لـ{N} شركة ناشئة في مجال تقنية المعلومات.",
           "وستحصل {N} شركة تقنية ناشئة على قروض منخفضة الفائدة."),
        _f("n1", "{n1} تیم فناور", "plain",
           "The innovation centre in {city} can host {N} tech teams.",
           "{city}'s new hub has room for {N} teams.",
           "ويتسع مركز الابتكار في {city} لـ{N} فريقا تقنيا.",
           "ويستوعب المركز الجديد في {city} {N} فريقا."),
        _f("n3", "{n3} درخواست در سامانه", "plain",
           "{N} applications have been filed so far.",
           "The scheme has received {N} applications.",
           "وتم تسجيل {N} طلب حتى الآن.",
           "وتلقى البرنامج {N} طلب."),
        _f("pct", "{pct} درصد آن‌ها از شهرهای کوچک", "pct",
           "About {N} of the applications came from small towns.",
           "Small towns account for {N} of applicants.",
           "وجاء نحو {N} من الطلبات من المدن الصغيرة.",
           "وتمثل المدن الصغيرة {N} من المتقدمين."),
        _f("n2", "{n2} شرکت فعال", "plain",
           "{province} now has {N} active IT companies.",
           "The innovation ecosystem in {province} counts {N} IT firms.",
           "وتضم محافظة {province} {N} شركة نشطة في تقنية المعلومات.",
           "ويضم قطاع الابتكار في {province} {N} شركة."),
    ),
    "tariffs": (
        _f("pct", "تخفیف {pct}", "pct",
           "Discounted data packages with a {N} reduction will be offered to students.",
           "Students will be able to buy internet bundles at {N} off.",
           "وستقدم باقات إنترنت مدعومة بخصم {N} للطلاب.",
           "وسيتمكن الطلاب من شراء باقات الإنترنت بتخفيض {N}."),
        _f("n1", "روز زودتر", "plain",
           "Operators must notify subscribers {N} days before any tariff change.",
           "Subscribers are to be told of price changes {N} days in advance.",
           "ويتعين على المشغلين إبلاغ المشتركين قبل {N} يوما من أي تغيير في الأسعار.",
           "ويجب إخطار المشتركين بتغيير الأسعار قبل {N} يوما."),
        _f("n1", "{n1} گیگابایت رسیده", "plain",
           "Average monthly mobile data use has reached {N} gigabytes per subscriber.",
           "Each mobile user now consumes {N} GB a month on average.",
           "ووصل متوسط الاستهلاك الشهري للبيانات إلى {N} غيغابايت لكل مشترك.",
           "ويستهلك كل مشترك {N} غيغابايت شهريا في المتوسط."),
        _f("n3", "{n3} مشترک تاکنون", "plain",
           "{N} subscribers have activated the subsidised packages.",
           "The support bundles have been bought by {N} users.",
           "وفعّل {N} مشترك الباقات المدعومة.",
           "واشترى {N} مستخدم الباقات المدعومة."),
    ),
    "rural": (
        _f("n2", "اتصال {n2} روستای استان", "plain",
           "{N} villages in {province} province have been connected to high-speed internet.",
           "High-speed internet has reached {N} villages in {province}.",
           "وتم ربط {N} قرية في محافظة {province} بالإنترنت عالي السرعة.",
           "ووصل الإنترنت السريع إلى {N} قرية في {province}."),
        _f("pct", "با {pct} درصد پیشرفت", "pct",
           "The rural coverage plan in {province} is {N} complete.",
           "Work to cover villages in {province} is {N} done.",
           "وبلغت نسبة إنجاز خطة تغطية القرى في {province} {N}.",
           "وأنجز {N} من مشروع تغطية القرى في {province}."),
        _f("n1", "روستای صعب‌العبور", "plain",
           "{N} remote villages in {province} are linked by satellite.",
           "Satellite links now serve {N} hard-to-reach villages in {province}.",
           "وتم ربط {N} قرية نائية في {province} عبر الأقمار الصناعية.",
           "وتخدم الاتصالات الفضائية {N} قرية يصعب الوصول إليها في {province}."),
        _f("pct", "ضریب نفوذ اینترنت پرسرعت در روستاهای", "pct",
           "High-speed internet penetration in rural {province} has passed {N}.",
           "Over {N} of rural {province} now has fast internet.",
           "وتجاوزت نسبة انتشار الإنترنت السريع في قرى {province} {N}.",
           "ويتمتع أكثر من {N} من قرى {province} بإنترنت سريع."),
    ),
    "diplomacy": (
        _f("n1", "{n1} شرکت دانش‌بنیان", "plain",
           "The delegation from {country} toured {N} Iranian knowledge-based firms.",
           "Visitors from {country} saw {N} Iranian tech companies.",
           "وزار وفد {country} {N} شركة معرفية إيرانية.",
           "واطلع الوفد القادم من {country} على {N} شركة تقنية إيرانية."),
        _f("n2", "{n2} میلیون دلار", "million",
           "Technology trade between the two countries reached {N} dollars last year.",
           "Bilateral tech trade with {country} stood at {N} dollars.",
           "وبلغ حجم التبادل التقني بين البلدين {N} دولار العام الماضي.",
           "ووصل التبادل التقني مع {country} إلى {N} دولار."),
        _f("n1", "ظرف {n1} روز", "plain",
           "A draft memorandum is to be finalised within {N} days.",
           "Both sides aim to finish the draft agreement in {N} days.",
           "ومن المقرر الانتهاء من مسودة المذكرة خلال {N} يوما.",
           "ويسعى الجانبان إلى إنجاز مسودة الاتفاق خلال {N} يوما."),
    ),
}


# ------------------------------------------------------------ phrase banks ---
@dataclass(frozen=True)
class Credit:
    """A credit wording: where it goes and the chain (registry key, name as written, kind) it makes."""

    key: str
    where: str
    """``opening`` (before the lead), ``tail`` (replaces a sentence's final stop), ``dateline``."""
    text: str
    chain: tuple[tuple[str, str, str], ...]


_ICT_EN = ("ict", "ICT ministry", "ministry")
_ICT_EN_LONG = ("ict", "Ministry of ICT", "ministry")
_ICT_EN_FULL = ("ict", "Ministry of Information and Communications Technology", "ministry")
_ICT_AR = ("ict", "وزارة الاتصالات وتقنية المعلومات", "ministry")
_ISNA = ("isna", "ISNA", "agency")

CREDITS: dict[tuple[str, str], tuple[Credit | None, ...]] = {
    ("en", "dev"): (
        Credit("en_according_ict", "opening", "According to the ICT ministry, ", (_ICT_EN,)),
        Credit("en_ict_said", "tail", ", the Ministry of ICT said.", (_ICT_EN_LONG,)),
        Credit("en_isna_reported", "tail", ", ISNA reported.", (_ISNA,)),
        None,
    ),
    ("en", "blind"): (
        Credit("en_according_full", "opening", "According to Iran's Ministry of Information and Communications Technology, ", (_ICT_EN_FULL,)),
        Credit("en_ict_announced", "tail", ", the ICT ministry announced.", (_ICT_EN,)),
        Credit("en_isna_dateline", "dateline", "TEHRAN, {date} (ISNA) ", (_ISNA,)),
        None,
    ),
    ("ar", "dev"): (
        Credit("ar_according_ict", "opening", "وفقا لوزارة الاتصالات وتقنية المعلومات، ", (_ICT_AR,)),
        Credit("ar_isna_hasab", "opening", "وبحسب وكالة إيسنا، ", (("isna", "وكالة إيسنا", "agency"),)),
        None,
    ),
    ("ar", "blind"): (
        Credit("ar_hasabma_ict", "opening", "حسبما ذكرت وزارة الاتصالات وتقنية المعلومات، ", (_ICT_AR,)),
        Credit("ar_isna_naqlan", "tail", "، نقلا عن وكالة أنباء الطلبة الإيرانية.", (("isna", "وكالة أنباء الطلبة الإيرانية", "agency"),)),
        None,
    ),
}
ISNA_NAMES = ("وكالة إيسنا", "وكالة أنباء الطلبة الإيرانية", "إيسنا")
"""Arabic names of ISNA the credits above use (``sites.SITES`` lists them for the registry)."""


@dataclass(frozen=True)
class Bank:
    titles: tuple[str, ...]
    leads: tuple[str, ...]
    """Opening sentences; ``{province}``, ``{city}`` and ``{official}`` only when the release names them."""
    plain_leads: tuple[str, ...]
    """Openings that name nothing but the topic."""
    quotes: tuple[str, ...]
    """The official's remark: ``{official}``, ``{surname}``, ``{role}``."""
    context: tuple[str, ...]
    events: tuple[tuple[str, ...], ...]
    """Other-event stories: (kind, title, opening, sentence, …) with ``{a}`` and ``{b}`` figures of their own."""
    figures_a: tuple[str, ...] = ()
    figures_b: tuple[str, ...] = ()
    """Sentences with an ``{a}`` / ``{b}`` figure that fit any other-event story."""
    asides: tuple[str, ...] = ()
    """Sentences without figures that fit any other-event story."""


EN_BANKS: dict[str, Bank] = {
    "dev": Bank(
        titles=("Iran expands {topic} in {place}", "New push for {topic} in {place}", "Iran reports progress on {topic}"),
        leads=("Iran is pressing ahead with {topic} in {province} province.", "{official} has outlined progress on {topic} in {province}.", "New figures on {topic} in {city} were released on {weekday}."),
        plain_leads=("Iran has released new figures on {topic}.", "Iran is stepping up work on {topic}."),
        quotes=('The programme is "moving ahead on schedule", {surname} said.', '{official}, {role}, attended the announcement.'),
        context=("The programme is part of Iran's seventh development plan.", "Officials expect further announcements in the coming weeks."),
        events=(
            ("interview", "{official} discusses {topic} in television interview", "{official}, {role}, discussed {topic} in a television interview on {weekday}.", "About {a} engineers are now working on related projects, {surname} said.", "He also mentioned plans for {b} training courses next year."),
            ("visit", "{official} tours projects in {place}", "{official} visited {place} on {weekday} to inspect {topic} projects.", "Local managers presented {a} pending projects during the visit.", "Work on {b} of them is expected to begin this year."),
            ("conference", "Tehran conference looks at {topic}", "A conference on {topic} opened in Tehran on {weekday} with {a} companies taking part.", "Iran's ICT ministry organised the two-day event, which drew {b} visitors.", "{official} gave the opening address."),
            ("statement", "Iran's ICT ministry sets out yearly goals", "Iran's ICT ministry has set out its goals for {topic} for the coming year.", "The plan lists {a} measures and a budget line for {b} projects.", "No timetable has been given for the second phase."),
        ),
        figures_a=("Iran has about {a} companies working on {topic}, ministry figures show.", "Some {a} people are employed in the sector in {place}.", "A fund of {a} billion rials is planned for the field next year."),
        figures_b=("Another {b} projects are under review.", "The ministry hopes to double that within {b} months.", "At least {b} universities are involved in related research."),
        asides=("Iran has been investing heavily in digital infrastructure.", "The topic has drawn criticism from lawmakers in recent months.", "Private firms have called for clearer rules.", "Internet users have long complained about slow speeds."),
    ),
    "blind": Bank(
        titles=("{topic_cap} gains ground in {place}", "{place} in focus as Iran updates {topic} plans", "Update on {topic}: new numbers from Tehran"),
        leads=("{province} province is set to benefit from an expansion of {topic}.", "Iranian officials have given an update on {topic}, with {city} at the centre of the plan.", "{official} on {weekday} presented the latest figures on {topic}."),
        plain_leads=("Tehran has published fresh data on {topic}.", "Iran's {topic} drive is gathering pace."),
        quotes=('"We will not let any household fall behind," {surname} was quoted as saying.', "{surname} is {role}."),
        context=("The move comes as Tehran tries to narrow the gap between provinces.", "Critics say similar promises have been made before."),
        events=(
            ("interview", "{surname}: more work ahead on {topic}", "In an interview broadcast on {weekday}, {official} spoke at length about {topic}.", "{surname} put the number of people working in the sector at {a}.", "A further {b} jobs could follow, in the official's view."),
            ("visit", "{surname} in {place} to review {topic}", "During a trip to {place} on {weekday}, {official} reviewed progress on {topic}.", "Provincial managers briefed the official on {a} schemes.", "Some {b} residents attended a meeting in the city."),
            ("conference", "Iran hosts gathering on {topic}", "Iran hosted a gathering on {topic} on {weekday}, attended by {a} firms.", "The organisers counted {b} visitors on the first day.", "{official} was among the speakers."),
            ("statement", "Ministry outlines {topic} agenda", "The communications ministry in Tehran has outlined an agenda for {topic}.", "It mentions {a} separate measures and {b} pilot schemes.", "Details of funding were not disclosed."),
        ),
        figures_b=("A further {b} schemes are awaiting approval.", "The target is to grow that number within {b} months.", "Researchers at {b} universities are taking part."),
        figures_a=("Roughly {a} firms are active in {topic} in Iran.", "The sector employs around {a} people in {place}.", "The plan foresees {a} billion rials of spending."),
        asides=("Tehran has made the digital economy a priority.", "Members of parliament have questioned the pace of work.", "Industry groups want more predictable regulation.", "Connection quality remains a common complaint."),
    ),
}

AR_BANKS: dict[str, Bank] = {
    "dev": Bank(
        titles=("إيران توسع {topic} في {place}", "خطوة جديدة في {topic} بإيران", "أرقام جديدة حول {topic} في إيران"),
        leads=("تمضي إيران قدما في {topic} بمحافظة {province}.", "عرض {official} آخر التطورات في {topic} بمحافظة {province}.", "صدرت يوم {weekday} أرقام جديدة حول {topic} في {city}."),
        plain_leads=("أعلنت طهران أرقاما جديدة حول {topic}.", "تواصل إيران العمل على {topic}."),
        quotes=("وقال {surname} إن البرنامج يسير وفق الجدول الزمني.", "وحضر {official}، {role}، الإعلان عن المشروع."),
        context=("ويأتي البرنامج في إطار خطة التنمية السابعة.", "ومن المتوقع الإعلان عن مزيد من التفاصيل في الأسابيع المقبلة."),
        events=(
            ("interview", "{official} يتحدث عن {topic}", "تحدث {official}، {role}، عن {topic} في مقابلة تلفزيونية يوم {weekday}.", "وقال إن نحو {a} مهندس يعملون في مشاريع ذات صلة.", "ومن المقرر تنظيم {b} دورة تدريبية العام المقبل."),
            ("visit", "{official} يتفقد مشاريع في {place}", "زار {official} مدينة {place} يوم {weekday} لتفقد مشاريع {topic}.", "وقدم المسؤولون المحليون {a} مشروعا معلقا خلال الزيارة.", "ومن المتوقع أن يبدأ العمل في {b} منها هذا العام."),
            ("conference", "مؤتمر في طهران حول {topic}", "افتتح في طهران يوم {weekday} مؤتمر حول {topic} بمشاركة {a} شركة.", "واستقطب الحدث الذي استمر يومين {b} زائر.", "وألقى {official} كلمة الافتتاح."),
            ("statement", "وزارة الاتصالات الإيرانية تحدد أهدافها السنوية", "حددت الوزارة أهدافها في {topic} للعام المقبل.", "وتتضمن الخطة {a} إجراء وميزانية لـ{b} مشروعا.", "ولا يوجد حتى الآن جدول زمني معلن للمرحلة الثانية."),
        ),
        figures_a=("ويعمل في هذا المجال نحو {a} شركة إيرانية.", "ويعمل في القطاع نحو {a} شخص في {place}.", "وتخطط الوزارة لتخصيص {a} مليار ريال لهذا المجال."),
        figures_b=("ويجري حاليا درس {b} مشروعا آخر.", "وتأمل الوزارة مضاعفة هذا الرقم خلال {b} شهرا.", "وتشارك {b} جامعة في أبحاث ذات صلة."),
        asides=("وتستثمر إيران بكثافة في البنية التحتية الرقمية.", "وتعرض هذا الملف لانتقادات نواب في الأشهر الأخيرة.", "وتطالب الشركات الخاصة بقواعد أوضح.", "ويشكو المستخدمون منذ فترة من بطء الإنترنت."),
    ),
    "blind": Bank(
        titles=("تقدم جديد في {topic} بمحافظة {place}", "{place} في صدارة خطة {topic}", "طهران تحدّث أرقام {topic}"),
        leads=("ستستفيد محافظة {province} من توسيع {topic}.", "قدم مسؤولون إيرانيون إيجازا حول {topic} تتصدره مدينة {city}.", "عرض {official} يوم {weekday} أحدث الأرقام حول {topic}."),
        plain_leads=("نشرت طهران بيانات جديدة حول {topic}.", "تتسارع خطى إيران في {topic}."),
        quotes=("وشدد {surname} على أن أي أسرة لن تتخلف عن الركب.", "ويشغل {surname} منصب {role}."),
        context=("وتسعى طهران من خلال هذه الخطوة إلى تقليص الفجوة بين المحافظات.", "ويقول منتقدون إن وعودا مماثلة أطلقت من قبل."),
        events=(
            ("interview", "{surname}: مزيد من العمل في {topic}", "في مقابلة بثت يوم {weekday}، تطرق {official} مطولا إلى {topic}.", "وقدر {surname} عدد العاملين في القطاع بنحو {a} شخص.", "ورأى أن {b} وظيفة إضافية قد تتبع ذلك."),
            ("visit", "{surname} في {place} لمراجعة {topic}", "خلال جولة في {place} يوم {weekday}، راجع {official} التقدم في {topic}.", "واطلع على {a} مشروعا في المحافظة.", "وحضر نحو {b} من السكان لقاء في المدينة."),
            ("conference", "إيران تستضيف ملتقى حول {topic}", "استضافت إيران يوم {weekday} ملتقى حول {topic} حضرته {a} شركة.", "وأحصى المنظمون {b} زائرا في اليوم الأول.", "وكان {official} من بين المتحدثين."),
            ("statement", "الوزارة ترسم برنامجها في {topic}", "رسمت الوزارة في طهران برنامجا لـ{topic}.", "ويتضمن البرنامج {a} إجراء منفصلا و{b} مشروعا تجريبيا.", "ولم تكشف تفاصيل التمويل."),
        ),
        figures_a=("وينشط في {topic} قرابة {a} شركة في إيران.", "ويشغل القطاع حوالي {a} شخصا في {place}.", "وتلحظ الخطة إنفاق {a} مليار ريال."),
        figures_b=("وهناك {b} مشروعا إضافيا بانتظار الموافقة.", "والهدف زيادة هذا العدد خلال {b} شهرا.", "ويشارك باحثون من {b} جامعة."),
        asides=("وجعلت طهران الاقتصاد الرقمي أولوية.", "وأبدى برلمانيون قلقهم من بطء وتيرة العمل.", "وتريد الهيئات المهنية تنظيما أكثر وضوحا.", "ولا تزال جودة الاتصال موضع شكوى متكررة."),
    ),
}

EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AR_WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


# -------------------------------------------------------------- figures ---
_FA_TO_LATIN = str.maketrans(C.PERSIAN_DIGITS + C.ARABIC_DIGITS, "0123456789" * 2)
_LATIN_TO_AR = str.maketrans("0123456789", C.ARABIC_DIGITS)
NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")


def latin(text: str) -> str:
    return text.translate(_FA_TO_LATIN)


def numbers(text: str) -> set[int]:
    """Every whole number written in ``text``, any digit script, thousands separators read as such;
    "520,000" also counts as 520 (a figure written out in thousands)."""
    out: set[int] = set()
    for m in NUMBER.finditer(latin(text)):
        raw = m.group()
        if re.fullmatch(r"\d{1,3}(?:[,٬]\d{3})+", raw):
            value = int(re.sub(r"[,٬]", "", raw))
            out.add(value)
            if value % 1000 == 0:
                out.add(value // 1000)
        elif raw.isdigit():
            out.add(int(raw))
    return out


def is_figure(value: int) -> bool:
    return value >= MIN_FIGURE and not 1300 <= value <= 1410 and not 1990 <= value <= 2030


def _render(rng: random.Random, value: int, unit: str, lang: str, arabic_digits: bool) -> str:
    """The figure as a foreign desk writes it (``unit``: see :class:`Fact`)."""
    if lang == "en":
        grouped = f"{value:,}" if value >= 1000 and rng.random() < 0.6 else str(value)
        if unit == "thousand":
            return rng.choice((f"{value * 1000:,}", f"{value} thousand"))
        if unit == "pct":
            return rng.choice((f"{value} percent", f"{value}%", f"{value} per cent"))
        if unit == "amount":
            return f"{value} trillion rials"
        if unit == "million":
            return f"{grouped} million"
        return grouped
    digits = str(value).translate(_LATIN_TO_AR) if arabic_digits else str(value)
    if unit == "thousand":
        return f"{digits} ألف"
    if unit == "pct":
        return rng.choice((f"{digits} في المئة", f"{digits}%" if not arabic_digits else f"{digits}٪", f"{digits} بالمئة"))
    if unit == "amount":
        return rng.choice((f"{digits} ألف مليار ريال", f"{digits} تريليون ريال"))
    if unit == "million":
        return f"{digits} مليون"
    return digits


# ------------------------------------------------------------- retelling ---
@dataclass
class Foreign:
    """One English or Arabic page, and what it is ground truth for."""

    kind: str
    """``retelling``, ``other_event`` or ``same_template``."""
    lang: str
    site: str
    title: str
    paragraphs: list[str]
    published: datetime
    release: str
    """The retold release's id; a negative's own (``XE-…``, ``XS-…``)."""
    resembles: Release
    chain: list[dict[str, str | None]] = field(default_factory=list)
    shape: str = "none"
    figures: list[int] = field(default_factory=list)
    """Retelling: the release's figures it keeps; negative: its own figures."""
    siblings: list[str] = field(default_factory=list)
    """Retelling: Persian releases of the same ministry, topic and official within a week of its release."""


def usable_facts(release: Release) -> list[Fact]:
    """The facts of templates the release was written from (title aside) whose figure is in its body."""
    body = numbers("\n".join(release.paragraphs))
    titles = set(C.TOPICS[release.topic]["titles"])
    templates = [t for t in release.templates if t not in titles]
    out = []
    for fact in (*FACTS[release.topic], *GENERIC_FACTS):
        value = int(latin(release.facts[fact.slot]))
        if not is_figure(value) or value not in body:
            continue
        if any("{" + fact.slot + "}" in t and fact.marker in t for t in templates):
            out.append(fact)
    return out


def _one_per_figure(rng: random.Random, release: Release, facts: list[Fact]) -> list[Fact]:
    """A shuffled choice of ``facts`` with no figure twice (two templates can state one slot)."""
    facts = list(facts)
    rng.shuffle(facts)
    seen: set[str] = set()
    out = []
    for fact in facts:
        value = release.facts[fact.slot]
        if value not in seen:
            seen.add(value)
            out.append(fact)
    return out


def retellable(release: Release) -> bool:
    return len({release.facts[f.slot] for f in usable_facts(release)}) >= 2


def _names(release: Release, lang: str, bank: str, rng: random.Random) -> dict[str, str]:
    """The release's names as this page spells them (one variant per page)."""
    f = release.facts
    out = {}
    for slot in ("official", "province", "city", "company", "country", "event"):
        out[slot] = NAMES[f[slot]].pick(rng, lang, bank)
    roles = ROLES[f["official"]][0 if lang == "en" else 1]
    out["role"] = roles[BANKS.index(bank)]
    out["surname"] = out["official"].split()[-1]
    topic = C.TOPIC_EN[release.topic] if lang == "en" else C.TOPIC_AR[release.topic]
    out["topic"] = topic
    out["topic_cap"] = topic[:1].upper() + topic[1:]
    return out


def _mentioned(release: Release) -> set[str]:
    text = release.title + "\n" + "\n".join(release.paragraphs)
    return {slot for slot in ("official", "province", "city") if release.facts[slot] in text}


def _when(published: datetime, lang: str) -> dict[str, str]:
    if lang == "en":
        return {"weekday": EN_WEEKDAYS[published.weekday()], "date": f"{EN_MONTHS[published.month - 1][:3]} {published.day}"}
    return {"weekday": AR_WEEKDAYS[published.weekday()], "date": ""}


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format(**values)


def _paragraphs(rng: random.Random, sentences: list[str]) -> list[str]:
    """Agency layout: a one-sentence lead, then paragraphs of one or two sentences."""
    out = [sentences[0]]
    rest = sentences[1:]
    while rest:
        take = min(len(rest), rng.choice((1, 2, 2)))
        out.append(" ".join(rest[:take]))
        rest = rest[take:]
    return out


def compose(
    rng: random.Random,
    release: Release,
    facts: Sequence[Fact],
    lang: str,
    bank: str,
    release_day: datetime,
    values: dict[str, int] | None = None,
    avoid: set[str] | None = None,
) -> tuple[str, list[str], list[int], Credit | None]:
    """A retelling of ``release`` keeping ``facts`` (``values``: other figures for the same slots,
    for a retelling of a release this web does not publish). Returns title, paragraphs, the
    figures written and the credit. ``avoid`` collects the title, lead and context frames used and
    steers clear of those already in it: a look-alike is not a near-copy of its twin's wording."""
    avoid = set() if avoid is None else avoid

    def choose(options: Sequence[str]) -> str:
        chosen = rng.choice([o for o in options if o not in avoid] or list(options))
        avoid.add(chosen)
        return chosen

    b = (EN_BANKS if lang == "en" else AR_BANKS)[bank]
    names = _names(release, lang, bank, rng)
    names.update(_when(release_day, lang))
    mentioned = _mentioned(release)
    names["place"] = names["province"] if "province" in mentioned else ("Iran" if lang == "en" else "إيران")
    arabic_digits = lang == "ar" and rng.random() < 0.7
    figures: list[int] = []
    said = []
    for fact in facts:
        value = values[fact.slot] if values is not None else int(latin(release.facts[fact.slot]))
        figures.append(value)
        sentence = _fill((fact.en if lang == "en" else fact.ar)[BANKS.index(bank)], {**names, "N": _render(rng, value, fact.unit, lang, arabic_digits)})
        said.append(sentence[:1].upper() + sentence[1:])
    rng.shuffle(said)
    leads = [t for t in b.leads if all("{" + s + "}" not in t or s in mentioned for s in ("official", "province", "city"))]
    lead = _fill(choose(leads or list(b.plain_leads)), names)
    sentences = [lead, *said]
    if "official" in mentioned and rng.random() < 0.6:
        sentences.insert(rng.randint(2, len(sentences)), _fill(rng.choice(b.quotes), names))
    if len(sentences) < 8 and rng.random() < 0.5:
        sentences.append(choose(b.context))
    credit = rng.choice(CREDITS[(lang, bank)])
    if credit is not None and credit.where == "tail":
        at = rng.randrange(1, 1 + len(said))  # a figure sentence, never the lead
        sentences[at] = sentences[at].rstrip(".") + credit.text
    paragraphs = _paragraphs(rng, sentences)
    if credit is not None and credit.where == "opening":
        lead = paragraphs[0]
        paragraphs[0] = credit.text + ("n" + lead[1:] if lead.startswith("New ") else lead)
    elif credit is not None and credit.where == "dateline":
        paragraphs[0] = credit.text.format(date=names["date"]) + paragraphs[0]
    title_options = [t for t in b.titles if "{place}" not in t or "province" in mentioned]
    title = _fill(choose(title_options or list(b.titles)), names)
    if lang == "ar" and arabic_digits:
        title = title.translate(_LATIN_TO_AR)
    return title, paragraphs, figures, credit


def _chain(credit: Credit | None) -> list[dict[str, str | None]]:
    return [{"source": s, "name": n, "kind": k} for s, n, k in (credit.chain if credit else ())]


def _other_figures(rng: random.Random, taken: set[int], low: int, high: int) -> int:
    while True:
        value = rng.randint(low, high)
        if value not in taken and is_figure(value):
            taken.add(value)
            return value


_SPAN = {"n1": (11, 95), "n2": (110, 990), "n3": (1200, 98000), "pct": (12, 96), "speed": (50, 1000), "amount": (11, 95)}


def other_event(
    rng: random.Random, release: Release, lang: str, bank: str, published: datetime
) -> tuple[str, list[str], list[int], Credit | None]:
    """A story on the same official or ministry about something else, with figures of its own."""
    b = (EN_BANKS if lang == "en" else AR_BANKS)[bank]
    names = _names(release, lang, bank, rng)
    names.update(_when(published, lang))
    names["place"] = names["city"]
    taken = numbers("\n".join(release.paragraphs))
    a, c = _other_figures(rng, taken, 12, 950), _other_figures(rng, taken, 12, 95)
    arabic_digits = lang == "ar" and rng.random() < 0.7
    digits = (lambda v: str(v).translate(_LATIN_TO_AR)) if arabic_digits else str
    _kind, title_t, opening, *own = rng.choice(b.events)
    values = {**names, "a": digits(a), "b": digits(c)}
    title = _fill(title_t, values)
    # The event's own sentences, or ones with the same figures that fit any event, and an aside:
    # two stories of one kind are not near-copies of each other.
    body = []
    for t in own:
        alike = {(True, False): b.figures_a, (False, True): b.figures_b, (False, False): b.asides}
        body.append(rng.choice((t, *alike.get(("{a}" in t, "{b}" in t), ()))))
    body.append(rng.choice([x for x in b.asides if x not in body]))
    rng.shuffle(body)
    sentences = [_fill(t, values) for t in (opening, *body)]
    credit = rng.choice([x for x in CREDITS[(lang, bank)] if x is None or x.chain[0][0] == "isna"])
    if credit is not None and credit.where == "tail":
        sentences[1] = sentences[1].rstrip(".") + credit.text
    paragraphs = _paragraphs(rng, sentences)
    if credit is not None and credit.where == "opening":
        paragraphs[0] = credit.text + paragraphs[0]
    elif credit is not None and credit.where == "dateline":
        paragraphs[0] = credit.text.format(date=names["date"]) + paragraphs[0]
    return title, paragraphs, [a, c], credit


def count_for(size: int, share: float) -> int:
    return max(2, round(share * size))


def siblings_of(release: Release, releases: Sequence[Release], window: timedelta = SIBLING_WINDOW) -> list[str]:
    """Persian releases of the same topic and official within ``window`` of ``release``: what a
    cross-lingual link must tell apart from the real one."""
    return [
        str(r.release)
        for r in releases
        if r is not release
        and r.topic == release.topic
        and r.facts["official"] == release.facts["official"]
        and abs(r.published - release.published) <= window
    ]


Slot = tuple[str, str, Release | None, datetime]
"""(site, lang, release, published) of a foreign page whose place the generator already holds."""


def plan_foreign(
    seed: int, size: int, releases: Sequence[Release], slots: Sequence[Slot] = (), bank: str = "dev"
) -> list[Foreign]:
    """The foreign pages of a web: ``slots`` first, in order, then the rest.

    Which releases are retold, in which language, when, and what the negatives resemble is drawn
    from ``random.Random(f"{seed}-foreign")`` whatever the bank, so a dev web and a blind web have
    the same structure; each page's words come from a random source of its own and the bank.
    """
    pick = random.Random(f"{seed}-foreign")
    candidates = [r for r in releases if retellable(r)]
    grouped = [r for r in candidates if siblings_of(r, releases)]
    rest = [r for r in candidates if all(r is not g for g in grouped)]
    pick.shuffle(grouped)
    pick.shuffle(rest)
    # Releases with a Persian sibling first, half of them in both languages: the hard cases.
    half = len(grouped) // 2
    queue = [(r, LANGS[n % 2]) for n, r in enumerate(grouped)]
    queue += [(r, LANGS[(n + 1) % 2]) for n, r in enumerate(grouped[:half])]
    queue += [(r, LANGS[n % 2]) for n, r in enumerate(rest)]
    queue += [(r, LANGS[(n + 1) % 2]) for n, r in enumerate(grouped[half:] + rest)]
    n_retellings = count_for(size, RETELLING_SHARE)
    n_negatives = count_for(size, NEGATIVE_SHARE)
    plans: list[tuple[str, str, str, Release, datetime]] = []  # kind, site, lang, release, published
    for site, lang, release, published in slots:
        kind = "retelling" if any(release is c for c in candidates) else "other_event"
        plans.append((kind, site, lang, release or queue[0][0], published))
    told = [p for p in plans if p[0] == "retelling"]
    for release, lang in queue:
        if len(told) >= n_retellings:
            break
        if any(p[3] is release and p[2] == lang for p in told):
            continue
        delay = min(pick.randint(60, int(MAX_DELAY.total_seconds() // 60)) for _ in range(2))
        plans.append(("retelling", SITE_FOR[lang], lang, release, release.published + timedelta(minutes=delay)))
        told.append(plans[-1])
    retold = [p[3] for p in told] or list(releases)
    for j in range(n_negatives - (len(plans) - len(told))):
        kind = ("other_event", "same_template")[j % 2]
        lang = LANGS[(j // 2) % 2]
        used = {id(p[3]) for p in plans[len(slots) :] if p[0] == kind and p[2] == lang}
        fresh = [r for r in retold if id(r) not in used] or retold  # two look-alikes of one release: one each
        release = fresh[pick.randrange(len(fresh))]
        shift = timedelta(minutes=pick.randint(-3 * 24 * 60, 3 * 24 * 60))
        plans.append((kind, SITE_FOR[lang], lang, release, release.published + shift))
    out = []
    frames: dict[tuple[str, str], set[str]] = {}  # (release, lang) → frames its retellings used
    for k, (kind, site, lang, release, published) in enumerate(plans):
        rng = random.Random(f"{seed}-foreign-{bank}-{k}")
        told_with = frames.setdefault((str(release.release), lang), set())
        out.append(_write(rng, kind, site, lang, bank, release, releases, published, k, told_with))
    return out


def _write(
    rng: random.Random,
    kind: str,
    site: str,
    lang: str,
    bank: str,
    release: Release,
    releases: Sequence[Release],
    published: datetime,
    k: int,
    frames: set[str],
) -> Foreign:
    rid = str(release.release)
    if kind == "other_event":
        title, paragraphs, figures, credit = other_event(rng, release, lang, bank, published)
        page = Foreign(kind, lang, site, title, paragraphs, published, f"XE-{rid}-{k}", release)
    else:
        facts = _one_per_figure(rng, release, usable_facts(release))
        facts = facts[: rng.randint(2, min(4, len(facts)))]
        values = None
        if kind == "same_template":
            taken = numbers("\n".join(release.paragraphs))
            values = {}
            for fact in facts:
                if fact.slot not in values:
                    values[fact.slot] = _other_figures(rng, taken, *_SPAN[fact.slot])
        avoid = frames if kind == "retelling" else set(frames)  # a look-alike avoids, does not claim
        title, paragraphs, figures, credit = compose(
            rng, release, facts, lang, bank, release.published, values, avoid
        )
        own_id = rid if kind == "retelling" else f"XS-{rid}-{k}"
        page = Foreign(kind, lang, site, title, paragraphs, published, own_id, release)
        if kind == "retelling":
            page.siblings = siblings_of(release, releases)
    page.figures = sorted(set(figures))
    page.chain = _chain(credit)
    page.shape = credit.key if credit is not None else "none"
    return page
