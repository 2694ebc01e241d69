"""Cross-lingual links: the decision (core.syndication.translation), the names across scripts
(core.text.transliterate) and the store (storage.translations) through the write path."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from commands.report_html import render
from core.attribution.model import Attribution
from core.syndication.translation import (
    choose,
    dates_of,
    evidence_of,
    figures_of,
    judge,
)
from core.text.language import language_of
from core.text.transliterate import NameTable, fold, skeleton
from storage.export import iter_releases
from storage.models import CrossLingualKey, Document, Release
from storage.recluster import recluster
from storage.report import build_report
from storage.testing import TEHRAN, article, sqlite_store, store_items
from storage.write import store_document

RELEASE = (
    "به گزارش روابط عمومی وزارت ارتباطات و فناوری اطلاعات، علیرضا نوروزی معاون وزیر امروز اعلام کرد "
    "۴۵۰ روستای استان اصفهان تا پایان سال به اینترنت پرسرعت متصل می‌شوند.\n"
    "اعتبار این طرح ۳۲ هزار میلیارد ریال است و تاکنون ۶۷ درصد پیشرفت داشته است. "
    "همراه اول و ایرانسل در این طرح ۱۲ هزار و ۵۰۰ کیلومتر فیبر نوری می‌کشند."
)
SIBLING = (
    "به گزارش روابط عمومی وزارت ارتباطات و فناوری اطلاعات، علیرضا نوروزی معاون وزیر امروز اعلام کرد "
    "۳۸۰ روستای استان اصفهان تا پایان سال به اینترنت پرسرعت متصل می‌شوند.\n"
    "اعتبار این طرح ۲۵ هزار میلیارد ریال است و تاکنون ۵۴ درصد پیشرفت داشته است. "
    "همراه اول و ایرانسل در این طرح ۹ هزار و ۲۰۰ کیلومتر فیبر نوری می‌کشند."
)
ENGLISH = (
    "Some 450 villages in Isfahan province will be connected to high-speed internet by the end of "
    "the Iranian year, deputy ICT minister Alireza Nowruzi said on Tuesday.\n"
    "The 32-trillion-rial project is 67 percent complete, the Ministry of ICT said. Operators MCI "
    "and Irancell are laying 12,500 kilometres of optical fibre."
)
ARABIC = (
    "أعلن معاون وزير الاتصالات علي رضا نوروزي أن ٤٥٠ قرية في محافظة أصفهان ستتصل بالإنترنت عالي "
    "السرعة.\nوتبلغ تكلفة المشروع ٣٢ ألف مليار ريال، وقد أنجز ٦٧ في المئة منه."
)
OTHER_EVENT = (
    "Deputy ICT minister Alireza Nowruzi visited Isfahan on Monday and opened a data centre with 120 "
    "racks, saying 35 start-ups would move in next month."
)
TABLE = NameTable.of(
    [
        ("province:isfahan", ["اصفهان", "Isfahan", "Esfahan", "أصفهان"]),
        ("company:mci", ["همراه اول", "MCI", "Hamrah-e Aval"]),
        ("company:irancell", ["ایرانسل", "Irancell", "إيرانسل"]),
        ("country:iraq", ["عراق", "Iraq", "العراق"]),
    ]
)
T0 = datetime(2024, 10, 8, 9, 0, tzinfo=TEHRAN)


@pytest.mark.parametrize(
    ("persian", "latin"),
    [("نوروزی", "Nowruzi"), ("نوروزی", "Norouzi"), ("جعفری‌زاده", "Jafarizadeh"), ("مشهد", "Mashhad"),
     ("طاهرخانی", "Taherkhani"), ("کریمی‌پور", "Karimipour"), ("حسین", "Hossein"), ("اصفهان", "Esfahan")],
)  # fmt: skip
def test_a_name_and_its_transliteration_share_a_skeleton(persian: str, latin: str) -> None:
    assert skeleton(persian) == skeleton(latin)


def test_skeletons_of_different_names_differ() -> None:
    assert skeleton("نوروزی") != skeleton("Nazari")
    assert skeleton("Tabriz") != skeleton("Tehran")


def test_the_name_table_finds_forms_in_every_script_with_arabic_proclitics() -> None:
    assert set(TABLE.find("Operators MCI and Irancell in Esfahan")) == {
        "company:mci", "company:irancell", "province:isfahan"
    }  # fmt: skip
    assert set(TABLE.find("زار وأصفهان والعراق")) == {"province:isfahan", "country:iraq"}
    assert TABLE.find("اصفهانی‌ها و عراقی") == {}
    assert set(TABLE.find("في العراق و بأصفهان")) == {"country:iraq", "province:isfahan"}
    assert TABLE.find("Isfahani carpets; MCIx") == {}


def test_figures_read_every_script_scale_and_separator() -> None:
    persian, _ = figures_of(
        fold("۴۵ هزار میلیارد ریال، ۱۲ هزار و ۵۰۰ نفر، ۴۵/۳ درصد، سال ۱۴۰۳، ساعت ۱۰:۴۵، ۳ استان")
    )
    english, _ = figures_of(fold("45 trillion rials, 12,500 people, 45.3% in 2024 at 10:45 in 3 provinces"))
    values = [set(f.values) for f in persian]
    assert {"45", "45000000000000"} in values and {"45.3"} in values
    assert any("12500" in v for v in values)
    assert all(v & set().union(*values) for v in (set(f.values) for f in english))
    assert not any(v & {"1403", "2024", "10", "45:00", "3"} - {"45"} for v in values)


def test_dates_in_jalali_and_gregorian_are_one_day() -> None:
    near = datetime(2024, 10, 1, tzinfo=TEHRAN)
    assert dates_of(fold("در ۱۶ مهر ۱۴۰۳"), near)[0] == {"2024-10-07"}
    assert dates_of(fold("on October 7, 2024"), near)[0] == {"2024-10-07"}
    assert dates_of(fold("يوم 7 أكتوبر"), near)[0] == {"2024-10-07"}


def _judge(foreign: str, persian: str, lang: str = "en", **kw: object) -> object:
    kw.setdefault("days_after", 0.3)
    return judge(
        evidence_of("", foreign, lang, T0, TABLE),
        evidence_of("", persian, "fa", T0, TABLE),
        **kw,  # type: ignore[arg-type]
    )


def test_a_retelling_is_linked_with_its_evidence() -> None:
    for text, lang in ((ENGLISH, "en"), (ARABIC, "ar")):
        verdict = _judge(text, RELEASE, lang)
        assert verdict.linked, verdict  # type: ignore[attr-defined]
        evidence = verdict.as_dict()  # type: ignore[attr-defined]
        assert len(evidence["figures"]) >= 3 and "province:isfahan" in evidence["names"]
        assert evidence["reason"] == "retelling" and 0 < evidence["score"] <= 1


def test_a_release_of_the_same_template_with_other_figures_is_not_linked() -> None:
    assert _judge(ENGLISH, SIBLING).reason == "too_few_figures"  # type: ignore[attr-defined]
    assert _judge(ARABIC, SIBLING, "ar").linked is False  # type: ignore[attr-defined]


def test_another_event_of_the_same_official_is_not_linked() -> None:
    assert _judge(OTHER_EVENT, RELEASE).reason == "too_few_figures"  # type: ignore[attr-defined]


def test_time_and_credited_source_must_fit() -> None:
    assert _judge(ENGLISH, RELEASE, days_after=9.0).reason == "outside_window"  # type: ignore[attr-defined]
    assert _judge(ENGLISH, RELEASE, days_after=-2.0).reason == "outside_window"  # type: ignore[attr-defined]
    other_issuer = _judge(ENGLISH, RELEASE, credited="mrud", release_sources={"ict"}, issuers={"ict", "mrud"})
    assert other_issuer.reason == "source_differs"  # type: ignore[attr-defined]
    agency = _judge(ENGLISH, RELEASE, credited="isna", release_sources={"ict"}, issuers={"ict", "mrud"})
    assert agency.linked  # type: ignore[attr-defined]


def test_two_releases_fitting_equally_are_no_link() -> None:
    one = _judge(ENGLISH, RELEASE)
    assert choose([("a", one), ("b", one)]) is None
    assert choose([("a", one), ("b", _judge(ENGLISH, SIBLING))]) == ("a", one)


# --- the store --------------------------------------------------------------------------------


def _items() -> dict[str, object]:
    release = article(
        1, canonical_url="https://ict.gov.ir/fa/news/1", url="https://ict.gov.ir/fa/news/1", site="ict",
        title="اتصال ۴۵۰ روستای اصفهان به اینترنت", body=RELEASE, published_at=T0, role="origin",
    )  # fmt: skip
    sibling = article(
        2, canonical_url="https://ict.gov.ir/fa/news/2", url="https://ict.gov.ir/fa/news/2", site="ict",
        title="اتصال ۳۸۰ روستای اصفهان به اینترنت", body=SIBLING, published_at=T0 - timedelta(days=3),
        role="origin",
    )  # fmt: skip
    english = article(
        3, canonical_url="https://en.example-news.ir/news/3", url="https://en.example-news.ir/news/3",
        title="450 Isfahan villages to get high-speed internet", body=ENGLISH, lang="en",
        published_at=T0 + timedelta(hours=20), role="copy",
        attributions=[Attribution("Ministry of ICT", "ict", "ministry", "the Ministry of ICT said")],
    )  # fmt: skip
    other = article(
        4, canonical_url="https://en.example-news.ir/news/4", url="https://en.example-news.ir/news/4",
        title="Deputy minister opens Isfahan data centre", body=OTHER_EVENT, lang="en",
        published_at=T0 + timedelta(days=1), role="own",
    )  # fmt: skip
    return {"release": release, "sibling": sibling, "english": english, "other": other}


@pytest.mark.parametrize(
    "order", [("release", "sibling", "english", "other"), ("english", "other", "sibling", "release")]
)
def test_a_retelling_joins_its_release_whichever_is_stored_first(
    sessions: sessionmaker[Session], order: tuple[str, ...]
) -> None:
    items = _items()
    for name in order:
        store_items(sessions, [(items[name], "ict" if name in ("release", "sibling") else None)])  # type: ignore[list-item]
    with sessions() as session:
        docs = {d.canonical_url: d for d in session.scalars(select(Document))}
        release = docs["https://ict.gov.ir/fa/news/1"]
        english = docs["https://en.example-news.ir/news/3"]
        other = docs["https://en.example-news.ir/news/4"]
        assert english.release_id == release.release_id and english.role == "copy"
        assert english.link == "translation" and english.link_evidence is not None
        assert english.link_evidence["url"] == release.canonical_url
        assert "450" in english.link_evidence["figures"]
        assert other.link is None and other.release_id not in (release.release_id,)
        assert docs["https://ict.gov.ir/fa/news/2"].release_id != release.release_id
        head = session.get(Release, release.release_id)
        assert head is not None and head.origin_document_id == release.id
        exported = next(r for r in iter_releases(session) if r["release_id"] == release.release_id)
        by_url = {d["url"]: d for d in exported["documents"]}
        assert by_url[english.canonical_url]["language"] == "en"
        assert by_url[english.canonical_url]["link"] == "translation"
        assert by_url[english.canonical_url]["evidence"]["reason"] == "retelling"
        assert (
            by_url[release.canonical_url]["language"] == "fa"
            and by_url[release.canonical_url]["link"] is None
        )


def test_a_link_survives_a_recrawl_and_a_recluster(sessions: sessionmaker[Session]) -> None:
    items = _items()
    store_items(sessions, [(items["release"], "ict"), (items["english"], None)])  # type: ignore[list-item]
    english = items["english"]
    store_items(
        sessions,
        [(replace(english, role="own", fetched_at=english.fetched_at + timedelta(days=1)), None)],
    )  # type: ignore[type-var]
    with sessions.begin() as session:
        recluster(session)
    with sessions() as session:
        docs = {d.canonical_url: d for d in session.scalars(select(Document))}
        linked = docs["https://en.example-news.ir/news/3"]
        assert linked.link == "translation" and linked.role == "copy"
        assert linked.release_id == docs["https://ict.gov.ir/fa/news/1"].release_id


def test_the_switch_off_writes_and_links_nothing(sessions: sessionmaker[Session]) -> None:
    items = _items()
    with sessions.begin() as session:
        for name in ("release", "english"):
            store_document(
                session, items[name], source_key="ict" if name == "release" else None, crosslingual=False
            )  # type: ignore[arg-type]
    with sessions() as session:
        assert session.scalars(select(CrossLingualKey)).first() is None
        assert all(d.link is None for d in session.scalars(select(Document)))


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        (ENGLISH, "fa", "en"),  # an English edition on a template that says lang="fa"
        (ENGLISH, "de", "de"),  # a Latin-script language keeps its own code
        (ARABIC, "fa", "ar"),
        (RELEASE, "fa", "fa"),
        (RELEASE, "ar", "fa"),
        (ARABIC, "ar", "ar"),
        ("Short", "fa", "fa"),  # too little text to overrule the page
    ],
)
def test_the_page_language_follows_the_script_when_the_template_says_otherwise(
    text: str, declared: str, expected: str
) -> None:
    assert language_of(text, declared) == expected


def test_the_report_lists_a_translation_with_its_language_and_evidence(tmp_path: Path) -> None:
    _, engine, sessions = sqlite_store(tmp_path)
    items = _items()
    try:
        store_items(sessions, [(items["release"], "ict"), (items["english"], None)])  # type: ignore[list-item]
        with sessions() as session:
            report = build_report(session)
        (release,) = [r for r in report.releases if r.copies]
        (english,) = release.copies
        assert (english.lang, english.link) == ("en", "translation")
        assert english.changes is None  # a translation is not compared sentence by sentence
        page = render(report)
        assert '<span class="lang-badge" title="انگلیسی" lang="en">EN</span>' in page
        assert '<span class="lang-badge translation">ترجمه</span>' in page
        cell = page[page.index('<span class="evidence"') :].split("</span>")[0]
        assert "۴ رقم و" in cell and "450" in cell and "isfahan" in cell  # what agreed, in the title
    finally:
        engine.dispose()


def test_the_name_table_joins_forms_written_with_a_space_or_a_hyphen() -> None:
    from core.text.transliterate import default_table

    found = default_table().find("أرقام حول الألياف الضوئية وكوفيد 19؛ COVID-19 and covid 19")
    assert {"topic:fibre", "topic:covid"} <= set(found)


@pytest.mark.parametrize("split", ["dev", "blind"])
def test_real_retellings_are_linked_and_real_hard_negatives_are_not(split: str) -> None:
    """tests/fixtures/realtext/crosslingual/: real Persian releases and their English and Arabic
    retellings, with real same-template and same-topic negatives (fixtureweb.realcrosslingual)."""
    from fixtureweb.realcrosslingual import score

    result = score(split)
    assert result.wrong == 0 and result.negatives_linked == 0, result.errors
    assert result.recall is not None and result.recall >= 0.8, result.errors


def test_the_store_pipeline_reads_the_switch(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler

    from pipelines.store import StorePipeline
    from storage.testing import write_registry

    registry = write_registry(tmp_path / "sources.toml")
    for value, expected in ((None, True), ("0", False), ("1", True)):
        settings = {"MANBA_SOURCES_FILE": registry, "MANBA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
        if value is not None:
            settings["MANBA_CROSSLINGUAL"] = value
        pipeline = StorePipeline.from_crawler(get_crawler(settings_dict=settings))
        assert pipeline.crosslingual is expected


def test_a_retelling_that_names_another_weekday_needs_more_than_two_small_figures() -> None:
    persian = "علیرضا نوروزی گفت ۴۲ روستا در ۳۷ شهر استان اصفهان به اینترنت متصل شدند."
    release = evidence_of("", persian, "fa", T0, TABLE)  # T0: a Tuesday in Tehran
    assert release.weekday == 1
    for day, linked in (("Tuesday", True), ("Saturday", False)):
        foreign = evidence_of(
            "",
            f"Officials said on {day} 42 villages in 37 cities of Isfahan were connected.",
            "en",
            T0,
            TABLE,
        )
        verdict = judge(foreign, release, days_after=0.2)
        assert verdict.linked is linked, verdict
        assert linked or verdict.reason == "day_differs"


def test_two_small_figures_never_link_to_an_outlets_own_story() -> None:
    persian = "گزارش میدانی: قیمت مودم‌ها در ۳۸ ماه اخیر تا ۷۹ درصد در استان اصفهان افزایش یافته است."
    foreign = "Some 38 villages in Isfahan are connected; the plan is 79 percent complete."
    args = (evidence_of("", foreign, "en", T0, TABLE), evidence_of("", persian, "fa", T0, TABLE))
    assert judge(*args, days_after=1.0).linked
    assert judge(*args, days_after=1.0, own_story=True).reason == "too_little_evidence"


def test_two_small_figures_and_a_province_named_in_passing_are_no_link() -> None:
    lead = "علیرضا نوروزی گفت طرح تازه‌ای در استان قزوین آغاز شد."
    persian = lead + "\nدر این طرح ۷۶ شرکت حضور دارند و ۲۱ شرکت از استان آذربایجان شرقی آمده‌اند."
    foreign = "Some 76 villages in East Azerbaijan are connected and the plan is 21 percent complete."
    table = NameTable.of([("province:east-azerbaijan", ["آذربایجان شرقی", "East Azerbaijan"]),
                          ("province:qazvin", ["قزوین", "Qazvin"])])  # fmt: skip
    args = (evidence_of("", foreign, "en", T0, table), evidence_of("طرح تازه", persian, "fa", T0, table))
    assert judge(*args, days_after=1.0).reason == "too_little_evidence"
    about = "Some 76 villages in Qazvin are connected and the plan is 21 percent complete."
    assert judge(evidence_of("", about, "en", T0, table), args[1], days_after=1.0).linked


def test_two_rarely_shared_figures_link_without_a_name() -> None:
    persian = "وزارت بهداشت: ۵۹۶۰ بیمار جدید شناسایی شدند و ۴۹۷ نفر جان باختند."
    foreign = "The health ministry reported 5,960 new cases and 497 deaths; 1,013,018 have recovered so far."
    assert judge(evidence_of("", foreign, "en", T0, TABLE), evidence_of("", persian, "fa", T0, TABLE)).linked


def test_the_name_tables_grouped_pattern_finds_what_one_alternation_of_every_form_finds() -> None:
    """The table's patterns group the forms by first letter (speed); every match, with its place,
    is the one of the plain alternation of the forms, longest first."""
    import json
    import re

    from core.text.transliterate import _form, default_table
    from fixtureweb.realcrosslingual import CORPUS

    table = default_table()

    def plain(forms: list[str], latin: bool) -> re.Pattern[str]:
        body = "|".join(re.sub(r"\\[ \-]", r"[\\s\\-]+", re.escape(f)) for f in forms)
        if latin:
            return re.compile(rf"(?<![\w'])(?P<name>{body})(?![\w])", re.IGNORECASE)
        return re.compile(rf"(?:(?<![^\W\d_])|(?<=(?<![^\W\d_])[وبلف]))(?P<name>{body})(?![^\W\d_])")

    forms = sorted(table._key_of, key=len, reverse=True)
    patterns = [
        plain([f for f in forms if f.isascii()], True),
        plain([f for f in forms if not f.isascii()], False),
    ]
    lines = (CORPUS / "documents.jsonl").read_text("utf-8").splitlines()
    texts = [fold(f"{d['title']}\n{d['body']}") for d in map(json.loads, filter(None, lines))]
    texts += [fold(t) for t in (RELEASE, SIBLING, ENGLISH, ARABIC, OTHER_EVENT)]
    texts.append("Hamrah-e  Aval, hamrah e aval; وایران والاصفهان بطهران KEY-WORDS ﻙ")
    assert len(texts) > 20
    for text in texts:
        want = [
            (key, m.group("name"), *m.span("name"))
            for pattern in patterns
            for m in pattern.finditer(text)
            if (key := table._key_of.get(_form(m.group("name")))) is not None
        ]
        assert table.matches(text) == want


def test_a_texts_index_keys_alone_are_those_of_its_evidence() -> None:
    """What the store indexes a Persian release under is worked out without the rest of its evidence
    (speed); the keys are the evidence's."""
    from core.syndication.translation import index_keys_of
    from fixtureweb.realcrosslingual import _date, load

    docs, _ = load()
    assert len(docs) > 20
    for d in docs.values():
        published = _date(d["published"])
        evidence = evidence_of(d["title"], d["body"], d["language"], published)
        assert index_keys_of(d["title"], d["body"], published) == evidence.index_keys()
    assert index_keys_of("", RELEASE, T0, TABLE) == evidence_of("", RELEASE, "fa", T0, TABLE).index_keys()
