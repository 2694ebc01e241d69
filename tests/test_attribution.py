"""Credit lines → chains: one table row per credit-line shape (DESIGN §4), positive and negative."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from core.attribution import Attribution, Chain, NameIndex, find_attributions
from core.attribution.evaluate import evaluate, score
from core.registry import _source, load_registry

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "attribution"
# The seed copy (../shared/seeds/000_cf406d2a4f39d281.txt), kept byte for byte with the 93z fixtures.
SEED = Path(__file__).parent / "fixtures" / "93z" / "seed.txt"
ZWNJ = "\u200c"

Expected = list[tuple[str | None, str]]


@pytest.fixture(scope="module")
def names() -> NameIndex:
    """The shipped registry plus two outlets (93z «تجهیزات جانبی», digiato) from the fixture file."""
    registry = load_registry(REPO / "core" / "sources.toml")
    extra = tomllib.loads((FIXTURES / "extra_sources.toml").read_text(encoding="utf-8"))
    for key, entry in extra["sources"].items():
        registry.sources[key] = _source(key, entry)
    return NameIndex.from_registry(registry)


def pairs(chain: Chain) -> Expected:
    return [(a.source, a.name) for a in chain.attributions]


# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[tuple[str, Expected, bool]] = [
    # --- opening credit «به گزارش X، …» --------------------------------------------------------
    ("به گزارش ایسنا، وزیر ارتباطات امروز به یزد سفر کرد.", [("isna", "ایسنا")], False),
    ("به گزارش ايسنا ، وزير ارتباطات امروز گفت که طرح اجرا مي شود.", [("isna", "ايسنا")], False),
    ("به گزارش ایرنا،وزیر ارتباطات گفت.", [("irna", "ایرنا")], False),
    ("به گزارش ایلنا ؛ کارگران مخابرات تجمع کردند.", [("ilna", "ایلنا")], False),
    ("به گزارش خبرگزاری جمهوری اسلامی (ایرنا)، قیمت اینترنت ثابت ماند.",
     [("irna", "خبرگزاری جمهوری اسلامی (ایرنا)")], False),
    ("به گزارش خبرگزاری ایسنا، کنکور برگزار شد.", [("isna", "خبرگزاری ایسنا")], False),
    ("به گزارش خبرگزاری تسنیم، قیمت سیم‌کارت تغییر کرد.", [("tasnim", "خبرگزاری تسنیم")], False),
    ("به گزارش باشگاه خبرنگاران جوان، هوا سرد می‌شود.", [("yjc", "باشگاه خبرنگاران جوان")], False),
    ("به گزارش خبرگزاری صداوسیما، جلسه هیئت دولت برگزار شد.", [("iribnews", "خبرگزاری صداوسیما")], False),
    ("به گزارش خبرگزاری صدا و سیما، جلسه هیئت دولت برگزار شد.",
     [("iribnews", "خبرگزاری صدا و سیما")], False),
    ("بنا به گزارش ایلنا، قرارداد کارگران تمدید شد.", [("ilna", "ایلنا")], False),
    ("به نوشته روزنامه شرق، قیمت خودرو بالا رفت.", [("shargh", "روزنامه شرق")], False),
    ("گزارش ایرنا، وزیر ارتباطات به زنجان رفت.", [("irna", "ایرنا")], False),
    ("به گزارش ایرنا روز یکشنبه وزیر ارتباطات گفت.", [("irna", "ایرنا")], False),
    ("به گزارش «تجهیزات جانبی»، گوشی تازه‌ای معرفی شد.", [("93z", "تجهیزات جانبی")], False),
    ("به گزارش اکوایران، قیمت دلار پایین آمد.", [("ecoiran", "اکوایران")], False),
    ("به گزارش شبکه خبر، قیمت دلار پایین آمد.", [("irinn", "شبکه خبر")], False),
    ("به گزارش ایتنا، اپراتور سوم بسته جدید عرضه کرد.", [("itna", "ایتنا")], False),
    # --- hops: «به گزارش X به نقل از Y», «به گزارش X از Y» ----------------------------------
    ("به گزارش ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، طرح جدید اجرا می‌شود.",
     [("isna", "ایسنا"), ("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش ایسنا، به نقل از وزارت ارتباطات، طرح اجرا شد.",
     [("isna", "ایسنا"), ("ict", "وزارت ارتباطات")], False),
    ("به گزارش ایسنا از وزارت بهداشت، محموله واکسن رسید.",
     [("isna", "ایسنا"), ("behdasht", "وزارت بهداشت")], False),
    ("به گزارش ایلنا و به نقل از روابط عمومی سازمان تنظیم مقررات، اختلال رفع شد.",
     [("ilna", "ایلنا"), ("cra", "سازمان تنظیم مقررات")], False),
    ("به گزارش ایرنا به نقل از روابط عمومی وزارت تعاون، کار و رفاه اجتماعی، یارانه واریز شد.",
     [("irna", "ایرنا"), ("mcls", "وزارت تعاون، کار و رفاه اجتماعی")], False),
    ("به گزارش ایسنا به نقل از وزارت تعاون کار و رفاه اجتماعی، یارانه واریز شد.",
     [("isna", "ایسنا"), ("mcls", "وزارت تعاون کار و رفاه اجتماعی")], False),
    ("به گزارش تسنیم به نقل از وبسایت وزارت بهداشت، درمان و آموزش پزشکی، واکسن رسید.",
     [("tasnim", "تسنیم"), ("behdasht", "وزارت بهداشت، درمان و آموزش پزشکی")], False),
    ("به گزارش ایتنا به نقل از رویترز، اپل گوشی تازه‌ای ساخت.",
     [("itna", "ایتنا"), ("reuters", "رویترز")], False),
    ("به گزارش تجهیزات جانبی به نقل از ZDNet، ویندوز به‌روز شد.",
     [("93z", "تجهیزات جانبی"), (None, "ZDNet")], False),
    ("به گزارش دیجیاتو به نقل از The Verge، تلفن تاشو عرضه شد.",
     [("digiato", "دیجیاتو"), (None, "The Verge")], False),
    ("به گزارش ایسنا به نقل از وزارت ارتباطات؛ طرح اجرا شد.",
     [("isna", "ایسنا"), ("ict", "وزارت ارتباطات")], False),
    ("به گزارش ایسنا بنقل از وزارت علوم، کنکور حذف شد.", [("isna", "ایسنا"), ("msrt", "وزارت علوم")], False),
    ("به گزارش ایسنا و بر اساس اعلام وزارت علوم، کنکور حذف شد.",
     [("isna", "ایسنا"), ("msrt", "وزارت علوم")], False),
    ("به گزارش تجهیزات جانبی به نقل از ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، وزیر سفر کرد.",
     [("93z", "تجهیزات جانبی"), ("isna", "ایسنا"), ("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش ایرنا از روابط عمومی شرکت مخابرات ایران، قطعی رفع شد.",
     [("irna", "ایرنا"), (None, "شرکت مخابرات ایران")], False),
    ("به نقل از ایسنا، وزیر ارتباطات گفت که طرح اجرا می‌شود.", [("isna", "ایسنا")], False),
    ("وزیر ارتباطات به نقل از ایرنا گفت که طرح اجرا می‌شود.", [("irna", "ایرنا")], False),
    # --- PR offices and portals: credited as the organisation -----------------------------
    ("به گزارش روابط عمومی شرکت مخابرات ایران، سامانه جدید راه‌اندازی شد.",
     [(None, "شرکت مخابرات ایران")], False),
    ("به گزارش مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات، نشست برگزار شد.",
     [("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش مرکز روابط عمومی و اطلاع رسانی وزارت ارتباطات و فناوری اطلاعات ، نشست برگزار شد.",
     [("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش مرکز روابط عمومی و اطلاعرسانی وزارت ارتباطات و فناوری اطلاعات، نشست برگزار شد.",
     [("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش پایگاه اطلاع‌رسانی سازمان تنظیم مقررات و ارتباطات رادیویی، تعرفه‌ها اعلام شد.",
     [("cra", "سازمان تنظیم مقررات و ارتباطات رادیویی")], False),
    ("به گزارش اداره کل روابط عمومی وزارت علوم، تحقیقات و فناوری، آزمون برگزار می‌شود.",
     [("msrt", "وزارت علوم، تحقیقات و فناوری")], False),
    ("به گزارش روابط عمومی وزارت ارتباطات و فناوری اطلاعات، وزیر به قزاقستان رفت.",
     [("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش روابط‌عمومی شرکت ارتباطات زیرساخت، اختلال برطرف شد.",
     [(None, "شرکت ارتباطات زیرساخت")], False),
    ("به گزارش پایگاه خبری آی‌سی‌تی‌نا، اپراتورها تعرفه را افزایش دادند.",
     [("ictna", "آی‌سی‌تی‌نا")], False),
    ("به گزارش پایگاه خبری «دیجیاتو» به نقل از ورج، آیفون تازه آمد.",
     [("digiato", "دیجیاتو"), (None, "ورج")], False),
    ("به نقل از پایگاه اطلاع رسانی دولت، مصوبه ابلاغ شد.", [(None, "دولت")], False),
    ("روابط عمومی شرکت ارتباطات زیرساخت با صدور اطلاعیه‌ای اعلام کرد که اختلال رفع شد.",
     [(None, "شرکت ارتباطات زیرساخت")], False),
    ("متن اطلاعیه در ادامه آمده است.\nروابط عمومی سازمان فناوری اطلاعات ایران",
     [(None, "سازمان فناوری اطلاعات ایران")], False),
    ("به گزارش ایتنا و به نقل از اداره کل روابط عمومی سازمان تنظیم مقررات و ارتباطات رادیویی، "
     "بسته‌ها ارزان شد.",
     [("itna", "ایتنا"), ("cra", "سازمان تنظیم مقررات و ارتباطات رادیویی")], False),
    ("به گزارش روابط عمومی، نشست شورای اداری برگزار شد.", [], True),
    ("مدیر روابط عمومی وزارت ارتباطات گفت که این خبر صحت ندارد.", [], False),
    # --- datelines -------------------------------------------------------------------------
    ("تهران - ایرنا - وزیر ارتباطات امروز در جمع خبرنگاران گفت.", [("irna", "ایرنا")], False),
    ("تهران- ایرنا- وزیر ارتباطات امروز گفت.", [("irna", "ایرنا")], False),
    ("زنجان – ایرنا – مدیرکل ارتباطات استان گفت.", [("irna", "ایرنا")], False),
    ("تهران (ایرنا) - وزیر ارتباطات گفت.", [("irna", "ایرنا")], False),
    ("اصفهان - پانا - رئیس دانشگاه گفت.", [("pana", "پانا")], False),
    ("ایسنا - گروه اقتصادی: قیمت دلار بالا رفت.", [("isna", "ایسنا")], False),
    ("خبرگزاری مهر - گروه استانها: استاندار یزد گفت.", [("mehr", "خبرگزاری مهر")], False),
    ("تهران - مهر - وزیر ارتباطات گفت.", [("mehr", "مهر")], False),
    ("TEHRAN (MNA) – Iran's ICT minister met his Kazakh counterpart.", [("mehr", "MNA")], False),
    ("TEHRAN, Sep. 3 (IRNA) - The minister arrived in Astana.", [("irna", "IRNA")], False),
    ("تهران - ۱۵ مهر ۱۴۰۳ - وزیر ارتباطات در نشست خبری شرکت کرد.", [], False),
    ("تهران - دوشنبه ۱۵ مهر - نشست اپراتورها برگزار شد.", [], False),
    # --- «X نوشت:» ------------------------------------------------------------------------------
    ("روزنامه دنیای اقتصاد نوشت: قیمت گوشی کاهش یافت.", [("donya", "روزنامه دنیای اقتصاد")], False),
    ("روزنامه دنیای اقتصاد در شماره امروز خود نوشت که قیمت گوشی کاهش یافت.",
     [("donya", "روزنامه دنیای اقتصاد")], False),
    ("خبرگزاری رویترز گزارش داد که قیمت نفت بالا رفت.", [("reuters", "خبرگزاری رویترز")], False),
    ("همچنین روزنامه همشهری نوشت: ترافیک تهران سنگین است.", [("hamshahri", "روزنامه همشهری")], False),
    ("این روزنامه نوشت: قیمت‌ها بالا رفت.", [], False),
    ("وزیر ارتباطات در صفحه شخصی خود نوشت: اینترنت وصل است.", [], False),
    # --- «منبع: X», end markers --------------------------------------------------------------
    ("وزیر ارتباطات گفت که طرح اجرا می‌شود.\nمنبع: ایسنا", [("isna", "ایسنا")], False),
    ("وزیر ارتباطات گفت که طرح اجرا می‌شود. منبع:ایرنا", [("irna", "ایرنا")], False),
    ("متن خبر.\nمنبع:\nخبرگزاری مهر", [("mehr", "خبرگزاری مهر")], False),
    ("متن خبر.\nمنبع : خبرگزاری فارس", [("fars", "خبرگزاری فارس")], False),
    ("متن خبر.\nمنبع ایلنا", [("ilna", "ایلنا")], False),
    ("متن خبر.\nمنبع خبر: ایلنا", [("ilna", "ایلنا")], False),
    ("متن خبر.\nمنبع: www.isna.ir", [("isna", "isna.ir")], False),
    ("متن خبر.\nمنبع: https://www.irna.ir/news/85212345/",
     [("irna", "irna.ir")], False),
    ("کد خبر: ۱۲۳۴۵ منبع: ایسنا انتهای پیام", [("isna", "ایسنا")], False),
    ("متن خبر.\nمنبع عکس: ایرنا", [], False),
    ("به گزارش ایسنا، وزیر ارتباطات گفت که طرح اجرا می‌شود. /انتهای پیام/", [("isna", "ایسنا")], False),
    ("وزیر ارتباطات گفت که طرح اجرا می‌شود.\nانتهای پیام", [], False),
    # --- continuations ------------------------------------------------------------------------
    ("بنابر این گزارش، وزیر ارتباطات به تهران بازگشت.", [], False),
    ("بنابراین گزارش، وزیر سفر کرد.", [], False),
    ("به گزارش این خبرگزاری، وزیر سفر کرد.", [], False),
    ("به گزارش ایسنا، وزیر به آستانه رفت. بنابر این گزارش، او با همتای خود دیدار کرد.",
     [("isna", "ایسنا")], False),
    # --- a named reporter: that outlet's story (own reporting only on its own site) ------------
    ("به گزارش خبرنگار ایرنا، وزیر ارتباطات امروز گفت.", [("irna", "ایرنا")], False),
    ("به گزارش خبرنگار اقتصادی ایسنا، بورس رشد کرد.", [("isna", "ایسنا")], False),
    ("به گزارش خبرنگار اقتصادی خبرگزاری فارس، بورس ریخت.", [("fars", "خبرگزاری فارس")], False),
    ("به گزارش خبرنگار ما، وزیر وارد شد.", [], True),
    ("به گزارش خبرنگار اعزامی ایرنا به قزاقستان، وزیر وارد آستانه شد.", [("irna", "ایرنا")], False),
    ("به گزارش خبرنگار مهر به نقل از روابط عمومی شرکت مخابرات ایران، قطعی رفع شد.",
     [("mehr", "مهر"), (None, "شرکت مخابرات ایران")], False),
    ("به گزارش خبرنگار اقتصادی سیرجان خبر، بورس ریخت.", [(None, "سیرجان خبر")], False),
    ("به گزارش گروه فناوری، اپراتورها تعرفه را افزایش دادند.", [], True),
    ("به گزارش گروه اقتصادی ایسنا، بورس رشد کرد.", [("isna", "ایسنا")], False),
    ("به گزارش سرویس فناوری خبرگزاری تسنیم، اپراتورها تعرفه را افزایش دادند.",
     [("tasnim", "خبرگزاری تسنیم")], False),
    # --- short names that are common words -----------------------------------------------
    ("به گزارش مهر، ۱۵ مهر ۱۴۰۳ جلسه برگزار شد.", [("mehr", "مهر")], False),
    ("مهر ماه امسال جلسه شورا برگزار شد.", [], False),
    ("این جلسه در ۱۵ مهر برگزار شد و به گزارش‌های رسیده رسیدگی کرد.", [], False),
    ("طبق گزارش مهر ماه بانک مرکزی، تورم کاهش یافت.", [], False),
    ("در استان فارس بارندگی شدید بود.", [], False),
    ("این کتاب به زبان فارسی ترجمه شد.", [], False),
    ("به گزارش فارس، این طرح از امروز اجرا می‌شود.", [("fars", "فارس")], False),
    ("به گزارش خبرگزاری فارس از شیراز، استاندار فارس گفت.", [("fars", "خبرگزاری فارس")], False),
    ("به گزارش ایرنا از استان فارس، باران آمد.", [("irna", "ایرنا")], False),
    ("به گزارش ایرنا از فارس، باران آمد.", [("irna", "ایرنا")], False),
    ("به گزارش ایسنا به نقل از فارس، طرح اجرا شد.", [("isna", "ایسنا"), ("fars", "فارس")], False),
    ("منبع: مهر", [("mehr", "مهر")], False),
    # --- unknown organisations: where does the name end? ------------------------------------
    ("به گزارش سازمان حمایت از مصرف کنندگان و تولیدکنندگان، قیمت‌ها ثابت ماند.",
     [(None, "سازمان حمایت از مصرف کنندگان و تولیدکنندگان")], False),
    ("به نقل از روابط عمومی شرکت ارتباطات سیار ایران در این اطلاعیه آمده است که بسته‌ها ارزان شد.",
     [(None, "شرکت ارتباطات سیار ایران")], False),
    ("به گزارش روابط عمومی اداره کل ارتباطات و فناوری اطلاعات استان یزد، نشست برگزار شد.",
     [(None, "اداره کل ارتباطات و فناوری اطلاعات استان یزد")], False),
    ("به گزارش ایسنا به نقل از پژوهشگاه ارتباطات و فناوری اطلاعات، آزمایشگاه افتتاح شد.",
     [("isna", "ایسنا"), (None, "پژوهشگاه ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش ایرنا از سازمان فناوری اطلاعات ایران، دولت الکترونیک گسترش یافت.",
     [("irna", "ایرنا"), (None, "سازمان فناوری اطلاعات ایران")], False),
    ("به گزارش پانا از تهران، مدارس باز شد.", [("pana", "پانا")], False),
    # --- negatives: «گزارش»/«به نقل از» that are not credits ---------------------------------
    ("وی به گزارش عملکرد وزارت اشاره کرد.", [], False),
    ("با توجه به گزارش‌های رسیده، وضعیت عادی است.", [], False),
    ("با توجه به گزارش های رسیده، وضعیت عادی است.", [], False),
    ("به نقل از سید ستار هاشمی، طرح اجرا می‌شود.", [], False),
    ("وزیر به نقل از رهبر انقلاب گفت که باید کار کرد.", [], False),
    ("وزارت ارتباطات در این نشست گزارش عملکرد سه ماهه را ارائه کرد.", [], False),
    ("به گزارش منابع آگاه، مذاکرات ادامه دارد.", [], False),
    ("متن خبر بدون هیچ منبعی منتشر شد.", [], False),
    ("", [], False),
    # --- several credits in one text merge without duplicates -----------------------------
    ("به گزارش تجهیزات جانبی، وزیر به آستانه رفت.\nبه گزارش تجهیزات جانبی به نقل از وزارت ارتباطات و "
     "فناوری اطلاعات، او با همتای خود دیدار کرد.",
     [("93z", "تجهیزات جانبی"), ("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به نقل از وزارت ارتباطات، طرح اجرا شد.\nمنبع: ایسنا",
     [("isna", "ایسنا"), ("ict", "وزارت ارتباطات")], False),
    ("به گزارش ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، طرح اجرا شد. "
     "به نقل از روابط عمومی وزارت ارتباطات و فناوری اطلاعات، فاز دوم هم آغاز می‌شود.\nمنبع: ایسنا",
     [("isna", "ایسنا"), ("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش روزنامه شرق، قیمت‌ها بالا رفت. روزنامه شرق نوشت: دولت پاسخ داد.",
     [("shargh", "روزنامه شرق")], False),
    ("به گزارش ایتنا به نقل از خبرگزاری رویترز، نفت گران شد. رویترز افزود که … \nمنبع: رویترز",
     [("itna", "ایتنا"), ("reuters", "خبرگزاری رویترز")], False),
    # --- English credit lines -------------------------------------------------------------
    ("Tehran Times - According to the ICT ministry's website, the new plan starts today.",
     [("tehrantimes", "Tehran Times"), ("ict", "ICT ministry")], False),
    ("according to IRNA, the minister arrived in Astana.", [("irna", "IRNA")], False),
    ("According to a statement by the Communications Regulatory Authority, prices will rise.",
     [("cra", "Communications Regulatory Authority")], False),
    ("The Ministry of ICT said in a statement that the outage was fixed.",
     [("ict", "Ministry of ICT")], False),
    ("Iran's Ministry of ICT announced the new plan on Monday.", [("ict", "Ministry of ICT")], False),
    ("The deal was signed, IRNA reported.", [("irna", "IRNA")], False),
    ("The minister's remarks were quoted by ISNA.", [("isna", "ISNA")], False),
    ("ISNA, quoting the ICT ministry, said the project began.",
     [("isna", "ISNA"), ("ict", "ICT ministry")], False),
    ("The project began, the ICT ministry told IRNA.", [("irna", "IRNA"), ("ict", "ICT ministry")], False),
    ("The figures were published on Monday.\nSource: ISNA", [("isna", "ISNA")], False),
    ("According to Tasnim News Agency, the talks ended.", [("tasnim", "Tasnim News Agency")], False),
    ("Hashemi said in a statement that talks went well.", [], False),
    ("Minister Hashemi said the plan would start soon.", [], False),
    ("The minister's office said the report was false.", [], False),
    ("According to the minister, the project is on schedule.", [], False),
    # --- Arabic credit lines --------------------------------------------------------------
    ("وفقا لوزارة الاتصالات وتقنية المعلومات، بدأ المشروع.",
     [("ict", "وزارة الاتصالات وتقنية المعلومات")], False),
    ("نقلا عن وكالة الأنباء الإيرانية (إرنا)، قال الوزير إن المشروع بدأ.",
     [("irna", "وكالة الأنباء الإيرانية (إرنا)")], False),
    ("أفادت وكالة تسنيم للأنباء بأن الوزير وصل إلى أستانا.", [("tasnim", "وكالة تسنيم للأنباء")], False),
    ("ذكرت وكالة إرنا نقلا عن وزارة الاتصالات وتقنية المعلومات أن المشروع بدأ.",
     [("irna", "وكالة إرنا"), ("ict", "وزارة الاتصالات وتقنية المعلومات")], False),
    ("نقلت وكالة إسنا عن وزارة الاتصالات وتقنية المعلومات أن المشروع بدأ.",
     [("isna", "وكالة إسنا"), ("ict", "وزارة الاتصالات وتقنية المعلومات")], False),
    ("حسب وكالة مهر للأنباء، وصل الوزير.", [("mehr", "وكالة مهر للأنباء")], False),
    ("وصل الوزير إلى أستانا.\nالمصدر: وكالة مهر للأنباء", [("mehr", "وكالة مهر للأنباء")], False),
    ("وصل الوزير إلى أستانا.\nالمصدر: وكالة الأنباء العراقية", [("ina", "وكالة الأنباء العراقية")], False),
    ("قالت وزارة الاتصالات في بيان إن المشروع بدأ.", [("ict", "وزارة الاتصالات")], False),
    ("قالت وزارة الصحة في بيان إن الإصابات تراجعت.", [("behdasht", "وزارة الصحة")], False),
    ("قال الوزير في مؤتمر صحفي إن المشروع بدأ.", [], False),
    ("جاء ذلك في تصريحات نقلتها وكالة مهر للأنباء عن الوزير.", [("mehr", "وكالة مهر للأنباء")], False),
    ("وفي سياق متصل، أفادت الوكالة ذاتها بوقوع انفجار شرق طهران.", [], False),
    ("وأضاف: المشروع سيكتمل العام المقبل.", [], False),
    ("اندلع حريق في مصنع قرب طهران، بحسب ما أفاد التلفزيون الرسمي الإيراني.", [], False),
    ("Data from Cloudflare, an internet services company, showed that two providers were offline.",
     [(None, "Cloudflare")], False),
    ("\u201cSuch claims will bear no fruit,\u201d the Foreign Ministry added.",
     [("mfa", "Foreign Ministry")], False),
    ("According to Article 89 of the law of the Ministry of Economy, staff may not join parties, "
     "the report added.", [], False),
    ("A senior Iranian official stated to Reuters that there is no arrangement yet.",
     [("reuters", "Reuters")], False),
    # --- spelling variants --------------------------------------------------------------------
    (f"به گزارش پایگاه اطلاع{ZWNJ}رسانی وزارت ارتباطات و فناوری اطلاعات، سامانه افتتاح شد.",
     [("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش آی سی تی نا، اپراتورها تعرفه را افزایش دادند.", [("ictna", "آی سی تی نا")], False),
    ("به گزارش ICTNA به نقل از رویترز، اپل گوشی ساخت.", [("ictna", "ICTNA"), ("reuters", "رویترز")], False),
    ("به گزارش ایسنا به نقل از وزارت فناوری اطلاعات و ارتباطات، طرح اجرا شد.",
     [("isna", "ایسنا"), ("ict", "وزارت فناوری اطلاعات و ارتباطات")], False),
    ("به گزارش ايرنا به نقل از وزارت ارتباطات و فناوري اطلاعات، طرح اجرا شد.",
     [("irna", "ايرنا"), ("ict", "وزارت ارتباطات و فناوري اطلاعات")], False),
    ("به گزارش ایسنا به نقل از سازمان تنظیم مقررات و ارتباطات رادیویی (رگولاتوری)، بسته‌ها ارزان شد.",
     [("isna", "ایسنا"), ("cra", "سازمان تنظیم مقررات و ارتباطات رادیویی (رگولاتوری)")], False),
    ("به گزارش خبرگزاری ایرنا، قیمت اینترنت ثابت ماند.", [("irna", "خبرگزاری ایرنا")], False),
]

# (text, publisher, expected chain, own reporting)
PUBLISHER_CASES: list[tuple[str, str, Expected, bool]] = [
    ("به گزارش ایسنا، وزیر گفت.", "isna", [], False),
    ("به گزارش خبرنگار ایسنا، وزیر گفت.", "isna", [], True),
    ("به گزارش خبرنگار ایرنا، وزیر گفت.", "isna", [("irna", "ایرنا")], False),
    ("به گزارش خبرنگار تجهیزات جانبی، وزیر گفت.", "93z", [], True),
    ("به گزارش تجهیزات جانبی به نقل از وزارت ارتباطات و فناوری اطلاعات، وزیر گفت.", "93z",
     [("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش روابط عمومی وزارت ارتباطات و فناوری اطلاعات، وزیر گفت.", "ict", [], False),
    ("به گزارش تجهیزات جانبی به نقل از ایسنا، وزیر گفت.\nمنبع: ایسنا", "93z", [("isna", "ایسنا")], False),
    ("به گزارش گروه فناوری دیجیاتو، گوشی آمد.", "digiato", [], False),
]




@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=[f"case{i:03d}" for i in range(len(CASES))])
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    chain = find_attributions(text, names)
    assert pairs(chain) == expected
    assert chain.own_reporting is own


@pytest.mark.parametrize(("text", "publisher", "expected", "own"), PUBLISHER_CASES,
                         ids=[f"{c[1]}-{i:02d}" for i, c in enumerate(PUBLISHER_CASES)])
def test_credit_lines_on_a_publishers_page(names: NameIndex, text: str, publisher: str, expected: Expected,
                                           own: bool) -> None:
    chain = find_attributions(text, names, publisher=publisher)
    assert pairs(chain) == expected
    assert chain.own_reporting is own


def test_the_table_is_large_enough() -> None:
    assert len(CASES) + len(PUBLISHER_CASES) >= 100


# --- phrases and kinds ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("به گزارش ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، طرح اجرا شد.",
         ["به گزارش ایسنا", "به نقل از وزارت ارتباطات و فناوری اطلاعات"]),
        ("به گزارش ایلنا و به نقل از روابط عمومی شرکت مخابرات ایران، قطعی رفع شد.",
         ["به گزارش ایلنا", "به نقل از روابط عمومی شرکت مخابرات ایران"]),
        ("به گزارش مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات، نشست برگزار شد.",
         ["به گزارش مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات"]),
        ("تهران - ایرنا - وزیر گفت.", ["تهران - ایرنا -"]),
        ("ایسنا - گروه اقتصادی: دلار گران شد.", ["ایسنا - گروه اقتصادی:"]),
        ("TEHRAN (MNA) – The minister arrived.", ["TEHRAN (MNA) –"]),
        ("روزنامه شرق نوشت: قیمت‌ها بالا رفت.", ["روزنامه شرق نوشت:"]),
        ("متن.\nمنبع:ایرنا", ["منبع:ایرنا"]),
        ("The Ministry of ICT said in a statement that the outage was fixed.",
         ["The Ministry of ICT said in a statement"]),
        ("Officials spoke, according to the ICT ministry's website.", ["according to the ICT ministry"]),
        ("به گزارش «تجهیزات جانبی»، گوشی آمد.", ["به گزارش «تجهیزات جانبی»"]),
    ],
)
def test_phrases_are_cut_from_the_text_as_written(names: NameIndex, text: str, phrases: list[str]) -> None:
    assert [a.phrase for a in find_attributions(text, names).attributions] == phrases


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("به گزارش ایسنا، x", "agency"),
        ("به گزارش روابط عمومی وزارت ارتباطات، x", "ministry"),
        ("به گزارش روابط عمومی وزارت نیرو، x", "ministry"),
        ("به گزارش خبرگزاری رویترز، x", "agency"),
        ("به گزارش روزنامه شرق، x", "newspaper"),
        ("به گزارش سازمان فناوری اطلاعات ایران، x", "government"),
        ("به گزارش سایت خبری تحلیلی نوآوران، x", None),
        ("به گزارش شرکت مخابرات ایران، x", None),
        ("according to Tehran Times, x", "newspaper"),
    ],
)
def test_kinds_come_from_the_registry_or_the_head_word(names: NameIndex, text: str, kind: str | None) -> None:
    (attribution,) = find_attributions(text, names).attributions
    assert attribution.kind == kind


# --- the name index -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("وزارت ارتباطات و فناوری اطلاعات", "ict"),
        ("وزارت ارتباطات و فناوري اطلاعات", "ict"),
        ("وزارت  ارتباطات  و فناوری  اطلاعات", "ict"),
        ("مرکز روابط عمومی و اطلاع رسانی وزارت ارتباطات و فناوری اطلاعات", "ict"),
        ("مرکز روابط عمومی و اطلاعرسانی وزارت ارتباطات و فناوری اطلاعات", "ict"),
        ("اداره کل روابط عمومی وزارت ارتباطات", "ict"),
        ("وزارت علوم ، تحقیقات و فناوری", "msrt"),
        ("وزارت علوم تحقیقات و فناوری", "msrt"),
        ("خبرگزاری جمهوری اسلامی (ایرنا)", "irna"),
        ("ایرنا (خبرگزاری جمهوری اسلامی)", "irna"),
        ("خبرگزاری ایسنا", "isna"),
        ("ISNA", "isna"),
        ("Mehr News Agency", "mehr"),
        ("the ICT ministry", "ict"),
        ("آی سی تی نا", "ictna"),
        ("صدا و سیما", "iribnews"),
        ("خبرگزاری صداوسیما", "iribnews"),
        ("https://www.tasnimnews.com/fa/news/1403/06/12/1", "tasnim"),
        ("yazd.ict.gov.ir", "ict"),
        ("شرکت مخابرات ایران", None),
        ("", None),
    ],
)
def test_name_index_resolves_spelling_variants(names: NameIndex, name: str, key: str | None) -> None:
    hit = names.resolve(name)
    assert (hit[0] if hit else None) == key


# --- the seed ----------------------------------------------------------------------------------------
def test_seed_credits_the_ministry(names: NameIndex) -> None:
    text = SEED.read_text(encoding="utf-8")
    chain = find_attributions(text, names)
    ict = [a for a in chain.attributions if a.source == "ict"]
    assert len(ict) == 1
    assert ict[0].phrase == "به نقل از وزارت ارتباطات و فناوری اطلاعات"
    assert ict[0].name == "وزارت ارتباطات و فناوری اطلاعات"
    assert ict[0].kind == "ministry"
    assert [a.source for a in chain.attributions] == ["93z", "ict"]


def test_seed_on_its_own_outlet_is_the_ministry_alone(names: NameIndex) -> None:
    chain = find_attributions(SEED.read_text(encoding="utf-8"), names, publisher="93z")
    assert chain.attributions == (
        Attribution(name="وزارت ارتباطات و فناوری اطلاعات", source="ict", kind="ministry",
                    phrase="به نقل از وزارت ارتباطات و فناوری اطلاعات"),
    )
    assert chain.own_reporting is False


def test_without_publisher_every_credited_name_counts(names: NameIndex) -> None:
    chain = find_attributions("به گزارش ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، x", names)
    assert [a.source for a in chain.attributions] == ["isna", "ict"]


# --- evaluation ------------------------------------------------------------------------------------
def _label(key: str | None, name: str) -> str:
    return key if key is not None else name


def test_evaluation_on_the_table(names: NameIndex, capsys: pytest.CaptureFixture[str]) -> None:
    texts = [c[0] for c in CASES] + [c[0] for c in PUBLISHER_CASES]
    labels = [[_label(k, n) for k, n in c[1]] for c in CASES] + \
        [[_label(k, n) for k, n in c[2]] for c in PUBLISHER_CASES]
    publishers: list[str | None] = [None] * len(CASES) + [c[1] for c in PUBLISHER_CASES]
    scores = evaluate(texts, labels, names, publishers)
    with capsys.disabled():
        print(f"\nattribution on the test table: {scores}")
    assert scores.precision >= 0.98
    assert scores.recall >= 0.95


def _credit_lines() -> tuple[list[str], list[list[str]]]:
    texts: list[str] = []
    labels: list[list[str]] = []
    for line in (FIXTURES / "credit_lines.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        text, _, label = line.partition("\t")
        texts.append(text)
        labels.append([x for x in label.split("|") if x])
    return texts, labels


def test_evaluation_on_the_credit_line_file(names: NameIndex, capsys: pytest.CaptureFixture[str]) -> None:
    texts, labels = _credit_lines()
    assert len(texts) >= 150
    scores = evaluate(texts, labels, names)
    with capsys.disabled():
        print(f"\nattribution on tests/fixtures/attribution/credit_lines.tsv: {scores}")
    assert scores.precision >= 0.98
    assert scores.recall >= 0.95


def test_real_credit_lines_dev_split_holds_its_scores(capsys: pytest.CaptureFixture[str]) -> None:
    """tests/fixtures/realtext/credit_lines.tsv: the grammar is developed against the dev split, and
    this keeps it from sliding back (the blind split is only scored, never asserted on here)."""
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "attribute", "--split", "dev",
         "--evaluate", "tests/fixtures/realtext/credit_lines.tsv"],
        cwd=REPO, capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    row = next(line.split() for line in result.stdout.splitlines() if line.startswith("dev "))
    precision, recall = float(row[5]), float(row[6])
    with capsys.disabled():
        print(f"\nreal credit lines, dev split: P {precision:.3f} R {recall:.3f}")
    assert precision >= 0.98 and recall >= 0.76


def test_score_counts_partial_and_wrong_chains() -> None:
    isna = Attribution("ایسنا", "isna", "agency", "به گزارش ایسنا")
    other = Attribution("روزنامه شرق", None, "newspaper", "به نوشته روزنامه شرق")
    scores = score([Chain((isna, other), False), Chain((), False)], [["isna", "شرق"], ["ict"]])
    assert (scores.found, scores.expected, scores.correct, scores.exact) == (2, 3, 2, 1)
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(2 / 3)


# --- the command ---------------------------------------------------------------------------------
def _run_attribute(*args: str, stdin: bytes | None = None,
                   sources: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "LANG": "C"}
    if sources is not None:
        env["MANBA_SOURCES_FILE"] = str(sources)
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    return subprocess.run([scrapy, "attribute", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def test_registry_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("registry") / "sources.toml"
    shipped = (REPO / "core" / "sources.toml").read_text(encoding="utf-8")
    path.write_text(shipped + "\n" + (FIXTURES / "extra_sources.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    return path


def test_command_writes_one_json_line_per_input_line(tmp_path: Path, test_registry_file: Path) -> None:
    source = tmp_path / "lines.txt"
    source.write_bytes(
        "\ufeffبه گزارش ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، طرح اجرا شد.\r\n"
        "\n"
        "تهران - ۱۵ مهر ۱۴۰۳ - نشست برگزار شد.\n"
        "به گزارش روابط عمومی شرکت مخابرات ایران، قطعی رفع شد.".encode()
    )
    result = _run_attribute(str(source), sources=test_registry_file)
    assert result.returncode == 0, result.stderr.decode()
    lines = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert lines == [
        {"line": 1, "attributions": [
            {"source": "isna", "name": "ایسنا", "kind": "agency", "phrase": "به گزارش ایسنا"},
            {"source": "ict", "name": "وزارت ارتباطات و فناوری اطلاعات", "kind": "ministry",
             "phrase": "به نقل از وزارت ارتباطات و فناوری اطلاعات"}]},
        {"line": 2, "attributions": []},
        {"line": 3, "attributions": []},
        {"line": 4, "attributions": [
            {"source": None, "name": "شرکت مخابرات ایران", "kind": None,
             "phrase": "به گزارش روابط عمومی شرکت مخابرات ایران"}]},
    ]
    assert "ایسنا" in result.stdout.decode("utf-8")  # ensure_ascii=False


def test_command_reads_stdin_and_leaves_the_site_out(test_registry_file: Path) -> None:
    seed = SEED.read_text(encoding="utf-8").replace("\n", " ")
    result = _run_attribute("-", "--site", "93z", stdin=(seed + "\n").encode(), sources=test_registry_file)
    assert result.returncode == 0, result.stderr.decode()
    (line,) = [json.loads(x) for x in result.stdout.decode("utf-8").splitlines()]
    assert line == {"line": 1, "attributions": [
        {"source": "ict", "name": "وزارت ارتباطات و فناوری اطلاعات", "kind": "ministry",
         "phrase": "به نقل از وزارت ارتباطات و فناوری اطلاعات"}]}


def test_command_rejects_an_unknown_site(test_registry_file: Path) -> None:
    result = _run_attribute("-", "--site", "nope", stdin=b"", sources=test_registry_file)
    assert result.returncode == 2
    assert b"unknown source 'nope'" in result.stderr


# --- labelled files and `scrapy attribute --evaluate` ---------------------------------------------
LABELLED = (
    "# a comment\n"
    "id\tsplit\tlang\toutlet\turl\tfamily\tmust\tmay\ttext\n"
    "1\tdev\tfa\ta.ir\thttp://a.ir/1\thop\tایسنا|وزارت ارتباطات\t\t"
    "به گزارش ایسنا به نقل از وزارت ارتباطات، طرح\n"
    "2\tdev\tfa\ta.ir\thttp://a.ir/2\tnegative\t\t\tوزیر ارتباطات گفت که طرح اجرا شد.\n"
    "3\tblind\ten\tb.com\thttp://b.com/3\ten_reported\tIRNA\t\tThe minister arrived, IRNA reported.\n"
    "4\tblind\tfa\tb.com\thttp://b.com/4\tlabel\tروزنامه کیهان\tایسنا\tمتن خبر.\\nمنبع: ایسنا\n"
)


def test_labelled_files_are_read_with_a_header_or_as_text_and_labels(tmp_path: Path) -> None:
    from core.attribution.evaluate import read_labelled

    path = tmp_path / "lines.tsv"
    path.write_text(LABELLED, encoding="utf-8")
    rows = read_labelled(path)
    assert [(r.must, r.may, r.get("split")) for r in rows] == [
        (("ایسنا", "وزارت ارتباطات"), (), "dev"), ((), (), "dev"), (("IRNA",), (), "blind"),
        (("روزنامه کیهان",), ("ایسنا",), "blind")]
    assert rows[3].text == "متن خبر.\nمنبع: ایسنا"
    plain = tmp_path / "plain.tsv"
    plain.write_text("# old layout\nبه گزارش ایسنا، x\tisna\nبنابر این گزارش، x\t\n", encoding="utf-8")
    assert [(r.text, r.must) for r in read_labelled(plain)] == [("به گزارش ایسنا، x", ("isna",)),
                                                               ("بنابر این گزارش، x", ())]
    broken = tmp_path / "broken.tsv"
    broken.write_text(LABELLED.replace("\tnegative\t", "\t"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken.tsv:4: 8 columns, the header has 9"):
        read_labelled(broken)


def test_may_labels_are_not_wrong_and_not_needed(names: NameIndex) -> None:
    from core.attribution.evaluate import compare

    chain = find_attributions("به گزارش ایسنا، متن.\nمنبع: ایرنا", names)
    assert [a.source for a in chain.attributions] == ["isna", "irna"]
    outcome = compare(chain, ["خبرگزاری دانشجویان ایران"], ["IRNA"], names)  # labels as names resolve
    assert (outcome.wrong, outcome.missed, outcome.exact) == ((), (), False)
    outcome = compare(chain, ["ایسنا", "فارس"], [], names)
    assert [a.source for a in outcome.wrong] == ["irna"]
    assert outcome.missed == ("فارس",)


def test_command_evaluates_a_labelled_file_and_keeps_the_blind_split_out_of_the_errors(
        tmp_path: Path, test_registry_file: Path) -> None:
    path = tmp_path / "lines.tsv"
    path.write_text(LABELLED, encoding="utf-8")
    result = _run_attribute("--evaluate", str(path), "--errors", sources=test_registry_file)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode("utf-8")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:] if line.strip()}
    # dev: 2 labels found of 2; blind: IRNA found, «منبع: ایسنا» is a may-label, کیهان missed
    assert rows["dev"][1:8] == ["2", "2", "2", "2", "1.000", "1.000", "1.000"]
    assert rows["blind"][1:8] == ["2", "2", "2", "2", "1.000", "0.500", "0.667"]
    assert rows["all"][1:7] == ["4", "4", "4", "4", "1.000", "0.750"]
    assert "missed" not in out  # the only error is in the blind split
    blind = _run_attribute("--evaluate", str(path), "--split", "blind", "--errors",
                           sources=test_registry_file)
    assert "missed 'روزنامه کیهان'" in blind.stdout.decode("utf-8")
    bad = _run_attribute("--evaluate", str(path), "some.txt", sources=test_registry_file)
    assert bad.returncode == 2 and b"--evaluate FILE takes no PATH" in bad.stderr
