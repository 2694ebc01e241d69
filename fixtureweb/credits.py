# ruff: noqa: E501  (credit lines are data)
"""Credit-line shapes (DESIGN §4): how a page says where its text came from, and what that means.

Each shape is one template of a credit line, with where it sits on the page and the chain a
reader (and Manba) should take from it: nearest source first, the publisher's own name left
out, each name exactly as the template writes it. ``{P}`` is the publisher's credited name,
``{city}`` a city and ``{date}`` a Jalali date («۱۵ مهر ۱۴۰۳»).

An origin page (a ministry release on the ministry's own site) has an empty chain: its
PR-office signature names the publisher itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

ICT = "وزارت ارتباطات و فناوری اطلاعات"
ICT_SHORT = "وزارت ارتباطات"
CRA = "سازمان تنظیم مقررات و ارتباطات رادیویی"

# Sources the demo registry knows by name only: no site on the fixture web (a host that serves nothing).
NAME_ONLY_SOURCES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "cra": (
        "127.0.0.8",
        "government",
        (CRA, "سازمان تنظیم مقررات", "رگولاتوری", "Communications Regulatory Authority", "CRA"),
    ),
    "mehr": ("127.0.0.10", "agency", ("خبرگزاری مهر", "مهر", "Mehr News Agency", "MNA")),
    "fars": ("127.0.0.11", "agency", ("خبرگزاری فارس", "فارس", "Fars News Agency")),
}

Expected = tuple[tuple[str | None, str, str], ...]
"""(registry key or None, name as written, kind) nearest first."""


def _ict(name: str = ICT) -> tuple[str, str, str]:
    return ("ict", name, "ministry")


def _isna(name: str = "ایسنا") -> tuple[str, str, str]:
    return ("isna", name, "agency")


def _cra(name: str = CRA) -> tuple[str, str, str]:
    return ("cra", name, "government")


@dataclass(frozen=True)
class Shape:
    key: str
    upstream: str
    """What the page copies: "ict" (a release), "isna" (the agency's copy), "cra" (a release of a
    ministry without a site), "own" (nothing: the outlet's own story), "en"/"ar" (a translation)."""
    chain: Expected = ()
    opening: str = ""
    """Put before the first paragraph's text."""
    suffix: str = ""
    """Appended to the first paragraph."""
    mid: str = ""
    """Put before the third paragraph's text (second when the body is short)."""
    tail: tuple[str, ...] = ()
    """Paragraphs appended after the body."""
    sites: frozenset[str] | None = None
    """Publishers that use it (None: any agency or outlet)."""
    month: str | None = None
    """Only for pages published in this Jalali month (a dateline carrying the date)."""

    @property
    def edit(self) -> str:
        return "source_label" if any(t.startswith("منبع") for t in self.tail) else "credit"

    def fits(self, site: str, month: str) -> bool:
        return (self.sites is None or site in self.sites) and (self.month is None or self.month == month)


OUTLETS = frozenset({"93z", "fanavaran", "akharin", "shahr"})
NOT_ISNA = OUTLETS

SHAPES: tuple[Shape, ...] = (
    # --- opening credit with a hop: «به گزارش P به نقل از / از Y، …» ----------------------------
    Shape("hop_naql", "ict", (_ict(),), "به گزارش {P} به نقل از وزارت ارتباطات و فناوری اطلاعات، "),
    Shape("hop_az", "ict", (_ict(ICT_SHORT),), "به گزارش {P} از وزارت ارتباطات، "),
    Shape("hop_va_naql", "ict", (_ict(ICT_SHORT),), "به گزارش {P} و به نقل از وزارت ارتباطات، "),
    Shape("hop_comma_naql", "ict", (_ict(),), "به گزارش {P}، به نقل از وزارت ارتباطات و فناوری اطلاعات، "),
    Shape("hop_pr", "ict", (_ict(),), "به گزارش {P} به نقل از روابط عمومی وزارت ارتباطات و فناوری اطلاعات، "),
    Shape("hop_pr_center", "ict", (_ict(ICT_SHORT),), "به گزارش {P} به نقل از مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات، "),
    Shape("hop_portal", "ict", (_ict(),), "به گزارش {P} و به نقل از پایگاه اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات، "),
    Shape("hop_az_pr", "ict", (_ict(),), "به گزارش {P} از روابط عمومی وزارت ارتباطات و فناوری اطلاعات، "),
    Shape("hop_general_pr", "ict", (_ict(),), "به گزارش {P} به نقل از اداره کل روابط عمومی وزارت ارتباطات و فناوری اطلاعات، "),
    Shape("hop_elam", "ict", (_ict(ICT_SHORT),), "به گزارش {P} و بر اساس اعلام وزارت ارتباطات، "),
    # --- the ministry (or its office / portal) as the opening credit ------------------------------
    Shape("open_ministry", "ict", (_ict(),), "به گزارش وزارت ارتباطات و فناوری اطلاعات، "),
    Shape("open_pr", "ict", (_ict(ICT_SHORT),), "به گزارش روابط عمومی وزارت ارتباطات، "),
    Shape("open_pr_center", "ict", (_ict(),), "به گزارش مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات، "),
    Shape("open_portal", "ict", (_ict(ICT_SHORT),), "به گزارش پایگاه اطلاع‌رسانی وزارت ارتباطات، "),
    Shape("open_general_pr", "ict", (_ict(),), "به گزارش اداره کل روابط عمومی وزارت ارتباطات و فناوری اطلاعات، "),
    # --- «به» missing ------------------------------------------------------------------------------
    Shape("bare_hop", "ict", (_ict(),), "گزارش {P} به نقل از وزارت ارتباطات و فناوری اطلاعات، "),
    # --- «به نقل از» / «بر اساس اعلام» without an opening credit, and mid-text -----------------------
    Shape("naql_lead", "ict", (_ict(),), "به نقل از وزارت ارتباطات و فناوری اطلاعات، "),
    Shape("naql_mid", "ict", (_ict(ICT_SHORT),), mid="به نقل از پایگاه اطلاع‌رسانی وزارت ارتباطات، "),
    Shape(
        "naql_sentence",
        "ict",
        (_ict(),),
        "به گزارش {P}، ",
        suffix=" این خبر به نقل از روابط عمومی وزارت ارتباطات و فناوری اطلاعات منتشر شده است.",
    ),
    Shape("elam_lead", "ict", (_ict(),), "بر اساس اعلام وزارت ارتباطات و فناوری اطلاعات، "),
    # --- PR office as the subject, «X نوشت:» -------------------------------------------------------
    Shape("pr_says", "ict", (_ict(ICT_SHORT),), "مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات اعلام کرد: "),
    Shape("ministry_wrote", "ict", (_ict(),), "وزارت ارتباطات و فناوری اطلاعات در اطلاعیه‌ای نوشت: "),
    Shape("newspaper_wrote", "ict", ((None, "روزنامه دنیای اقتصاد", "newspaper"),), "روزنامه دنیای اقتصاد نوشت: "),
    # --- datelines ---------------------------------------------------------------------------------
    Shape(
        "dateline_date",
        "ict",
        (_ict(),),
        "تهران - {date} - به گزارش {P} به نقل از وزارت ارتباطات و فناوری اطلاعات، ",
        month="مهر",
    ),
    Shape(
        "dateline_naql",
        "ict",
        (_ict(),),
        "تهران - ایسنا - به نقل از پایگاه اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات، ",
        sites=frozenset({"isna"}),
    ),
    Shape(
        "desk_naql",
        "ict",
        (_ict(),),
        "ایسنا- گروه فناوری: به نقل از وزارت ارتباطات و فناوری اطلاعات، ",
        sites=frozenset({"isna"}),
    ),
    Shape("mehr_dateline", "ict", (("mehr", "مهر", "agency"),), "تهران- مهر- "),
    Shape("mehr_hop", "ict", (("mehr", "خبرگزاری مهر", "agency"),), "به گزارش {P} به نقل از خبرگزاری مهر، "),
    # --- trailing source labels and end markers -----------------------------------------------------
    Shape("label_space", "ict", (_ict(),), tail=("منبع: وزارت ارتباطات و فناوری اطلاعات",)),
    Shape("label_nospace", "ict", (_ict(ICT_SHORT),), tail=("منبع:وزارت ارتباطات",)),
    Shape("label_own_line", "ict", (_ict(),), tail=("منبع:", "وزارت ارتباطات و فناوری اطلاعات")),
    Shape(
        "label_desk",
        "ict",
        (_ict(),),
        "فناوران- گروه ارتباطات: ",
        tail=("منبع: وزارت ارتباطات و فناوری اطلاعات",),
        sites=frozenset({"fanavaran"}),
    ),
    Shape(
        "end_marker",
        "ict",
        (_ict(),),
        "به گزارش {P} به نقل از وزارت ارتباطات و فناوری اطلاعات، ",
        tail=("انتهای پیام",),
        sites=NOT_ISNA,
    ),
    # --- continuations point back ------------------------------------------------------------------
    Shape("continuation_split", "ict", (_ict(ICT_SHORT),), "به گزارش {P} به نقل از وزارت ارتباطات، ", mid="بنابر این گزارش، "),
    Shape("continuation_joined", "ict", (_ict(),), "به گزارش {P} از روابط عمومی وزارت ارتباطات و فناوری اطلاعات، ", mid="بنابراین گزارش، "),
    # --- spellings: Arabic letters, no ZWNJ, a space before «،» --------------------------------------
    Shape("arabic_letters", "ict", (_ict("وزارت ارتباطات و فناوري اطلاعات"),), "به گزارش {P} به نقل از وزارت ارتباطات و فناوري اطلاعات، "),
    Shape("arabic_letters_pr", "ict", (_ict("وزارت ارتباطات"),), "به گزارش {P} از روابط عمومي وزارت ارتباطات، "),
    Shape("no_zwnj", "ict", (_ict(),), "به گزارش {P} به نقل از مرکز روابط عمومی و اطلاع رسانی وزارت ارتباطات و فناوری اطلاعات، "),
    Shape("no_zwnj_portal", "ict", (_ict(ICT_SHORT),), "به نقل از پایگاه اطلاع رسانی وزارت ارتباطات، "),
    Shape("space_comma", "ict", (_ict(ICT_SHORT),), "به گزارش {P} به نقل از وزارت ارتباطات ، "),
    Shape("space_comma_open", "ict", (_ict(),), "به گزارش وزارت ارتباطات و فناوری اطلاعات ، "),
    # --- outlet → agency (→ ministry) ----------------------------------------------------------------
    Shape("isna_naql", "isna", (_isna(),), "به گزارش {P} به نقل از ایسنا، ", sites=OUTLETS),
    Shape("isna_abbrev", "isna", (_isna("خبرگزاری دانشجویان ایران (ایسنا)"),), "به گزارش {P} به نقل از خبرگزاری دانشجویان ایران (ایسنا)، ", sites=OUTLETS),
    Shape("isna_agency_word", "isna", (_isna("خبرگزاری ایسنا"),), "به گزارش {P} به نقل از خبرگزاری ایسنا، ", sites=OUTLETS),
    Shape("isna_hop_pr", "isna", (_isna(), _ict()), "به گزارش {P} به نقل از ایسنا و به نقل از روابط عمومی وزارت ارتباطات و فناوری اطلاعات، ", sites=OUTLETS),
    Shape("isna_hop_az", "isna", (_isna(), _ict(ICT_SHORT)), "به گزارش {P} به نقل از ایسنا از وزارت ارتباطات، ", sites=OUTLETS),
    Shape("isna_verbatim", "isna", (_isna(), _ict()), "به گزارش ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، ", sites=OUTLETS),
    Shape("isna_bare", "isna", (_isna(),), "گزارش ایسنا، ", sites=OUTLETS),
    Shape("isna_dateline", "isna", (_isna(),), "تهران - ایسنا - ", sites=OUTLETS),
    Shape("isna_desk", "isna", (_isna(),), "ایسنا- گروه فناوری: ", sites=OUTLETS),
    Shape("isna_wrote", "isna", (_isna(),), "ایسنا نوشت: ", sites=OUTLETS),
    Shape("isna_label", "isna", (_isna(),), tail=("منبع: ایسنا",), sites=OUTLETS),
    Shape("isna_label_no_colon", "isna", (_isna(),), tail=("منبع ایسنا",), sites=OUTLETS),
    Shape("isna_end_marker", "isna", (_isna(),), tail=("انتهای پیام", "منبع:ایسنا"), sites=OUTLETS),
    # --- a ministry without a site (CRA) ------------------------------------------------------------
    Shape("cra_pr", "cra", (_cra(),), "به گزارش {P} به نقل از روابط عمومی سازمان تنظیم مقررات و ارتباطات رادیویی، "),
    Shape("cra_abbrev", "cra", (_cra(CRA + " (رگولاتوری)"),), "به گزارش {P} از سازمان تنظیم مقررات و ارتباطات رادیویی (رگولاتوری)، "),
    Shape("cra_says", "cra", (_cra(),), "روابط عمومی سازمان تنظیم مقررات و ارتباطات رادیویی اعلام کرد: "),
    Shape("cra_portal", "cra", (_cra("سازمان تنظیم مقررات"),), "به گزارش پایگاه اطلاع رسانی سازمان تنظیم مقررات، "),
    # --- own reporting: not a copy ------------------------------------------------------------------
    Shape("own_reporter", "own", (), "به گزارش خبرنگار {P}، "),
    Shape("own_reporter_desk", "own", (), "به گزارش خبرنگار فناوری {P}، "),
    Shape("own_reporter_fars", "own", (), "به گزارش خبرنگار {P} از استان فارس، "),
    Shape("own_plain", "own", (), "به گزارش {P}، "),
    Shape("own_dateline", "own", (), "{city} - ایسنا - ", sites=frozenset({"isna"})),
    Shape("own_desk", "own", (), "فناوران- گروه ارتباطات: ", sites=frozenset({"fanavaran"})),
    Shape("own_fars", "own", (), suffix=" در استان فارس نیز کاربران از وضعیت مشابهی خبر می‌دهند."),
    Shape("own_month", "own", (), suffix=" قرار است نتیجه این پیگیری‌ها تا ۱۵ مهر روشن شود."),
    # --- foreign-language copies of a release: no page carries these any more (fixtureweb.translations
    # writes English and Arabic credits); the generator still draws them, so Persian pages keep their bytes.
    Shape("en_according", "en", (("ict", "ICT ministry", "ministry"),), "According to the ICT ministry, ", sites=frozenset({"shahr"})),
    Shape("ar_according", "ar", (("ict", "وزارة الاتصالات وتقنية المعلومات", "ministry"),), "وفقا لوزارة الاتصالات وتقنية المعلومات، ", sites=frozenset({"akharin"})),
)
SHAPE_BY_KEY = {s.key: s for s in SHAPES}
ORIGIN_SHAPE = "origin_pr_signature"
"""The shape of every ministry release: the PR office's signature line, which names the publisher."""


class ShapePicker:
    """Least-used first, publisher-specific before general, ties broken by the generator's random
    source: every shape occurs early."""

    def __init__(self, choice: Callable[[list[Shape]], Shape]) -> None:
        self.choice = choice
        self.used: dict[str, int] = {s.key: 0 for s in SHAPES}

    def pick(self, upstream: str, site: str, published: datetime, month_of: Callable[[datetime], str]) -> Shape:
        month = month_of(published)
        fits = [s for s in SHAPES if s.upstream == upstream and s.fits(site, month)]
        least = min(self.used[s.key] for s in fits)
        tied = [s for s in fits if self.used[s.key] == least]
        # Shapes only some publishers use go first, so another site's copies cannot crowd them out.
        shape = self.choice([s for s in tied if s.sites is not None] or tied)
        self.used[shape.key] += 1
        return shape


def apply(shape: Shape, paragraphs: list[str], facts: dict[str, str]) -> list[str]:
    """The body with the shape's credit line put in place (``facts`` fills ``{P}``, ``{city}``, ``{date}``)."""
    body = list(paragraphs)

    def fill(text: str) -> str:
        return text.format(P=facts.get("P", ""), city=facts.get("city", ""), date=facts.get("date", ""))

    if shape.opening:
        body[0] = fill(shape.opening) + body[0]
    if shape.suffix:
        body[0] = body[0] + fill(shape.suffix)
    if shape.mid:
        at = 2 if len(body) > 3 else 1
        body[at] = fill(shape.mid) + body[at]
    body += [fill(t) for t in shape.tail]
    return body
