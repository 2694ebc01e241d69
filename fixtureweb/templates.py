# ruff: noqa: E501  (HTML templates read best one element a line)
"""HTML of the fixture sites: one template family per site, deliberately unlike each other.

Each site gets its own structure and class names so that every page object has
real work to do; boilerplate (related news, likes, share boxes, "end of message")
sits next to the body the way it does on the real web.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape

import jdatetime

from fixtureweb.corpus import ARABIC_DIGITS, JALALI_MONTHS, PERSIAN_DIGITS, PR_OFFICE, fa_digits


@dataclass
class Page:
    """One generated article page, as the templates need it."""

    site: str
    path: str
    title: str
    paragraphs: list[str]
    published: datetime
    topic: str
    surtitle: str = ""
    number: int = 0
    date_digits: str = "fa"
    related: list[tuple[str, str]] = field(default_factory=list)
    """(path, title) of related pages on the same site."""
    lang: str = "fa"
    amp_path: str = ""
    """Where the site also serves an AMP variant of this page ("" when it doesn't)."""


def e(text: str) -> str:
    return escape(text, quote=True)


def jalali(dt: datetime) -> jdatetime.datetime:
    return jdatetime.datetime.fromgregorian(datetime=dt.replace(tzinfo=None))


def jalali_long(dt: datetime) -> str:
    """«۱۳ شهریور ۱۴۰۳ - ۱۰:۲۰»"""
    j = jalali(dt)
    return fa_digits(f"{j.day} {JALALI_MONTHS[j.month - 1]} {j.year} - {j.hour:02d}:{j.minute:02d}")


def jalali_numeric(dt: datetime, sep: str = " - ", digits: str = "fa") -> str:
    """«۱۴۰۳/۰۶/۱۳ - ۱۰:۲۰» (or Arabic-Indic digits)"""
    j = jalali(dt)
    text = f"{j.year}/{j.month:02d}/{j.day:02d}{sep}{j.hour:02d}:{j.minute:02d}"
    table = str.maketrans("0123456789", ARABIC_DIGITS if digits == "ar" else PERSIAN_DIGITS)
    return text.translate(table)


def jalali_date_only(dt: datetime) -> str:
    j = jalali(dt)
    return fa_digits(f"{j.day} {JALALI_MONTHS[j.month - 1]} {j.year}")


def head(
    title: str, base: str, canonical: str | None = None, extra: str = "", lang: str = "fa", amp: bool = False
) -> str:
    direction = "ltr" if lang == "en" else "rtl"
    lines = [
        "<!DOCTYPE html>",
        f'<html{" amp" if amp else ""} lang="{lang}" dir="{direction}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
    ]
    if canonical:
        lines.append(f'<link rel="canonical" href="{e(base + canonical)}">')
    if extra:
        lines.append(extra)
    lines.append("</head>")
    return "\n".join(lines) + "\n"


def paras(items: Sequence[str], cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return "\n".join(f"<p{attr}>{e(p)}</p>" for p in items)


def first_sentence(text: str) -> str:
    for end in (".", "؟", "!"):
        pos = text.find(end + " ")
        if pos != -1:
            text = text[: pos + 1]
    return text


def pager(pages: int, current: int, href: Sequence[str], next_html: str, prev_text: str = "قبلی") -> str:
    parts = []
    if current > 1:
        parts.append(f'<a class="prev" href="{e(href[current - 2])}">{prev_text}</a>')
    for n in range(1, pages + 1):
        if n == current:
            parts.append(f'<span class="current">{fa_digits(n)}</span>')
        elif abs(n - current) <= 2 or n in (1, pages):
            parts.append(f'<a class="num" href="{e(href[n - 1])}">{fa_digits(n)}</a>')
    if current < pages:
        parts.append(next_html.format(href=e(href[current])))
    return " ".join(parts)


# --------------------------------------------------------------------- ict --
def ict_article(p: Page, base: str) -> str:
    related = "\n".join(f'<li><a href="{e(h)}">{e(t)}</a></li>' for h, t in p.related)
    body = [x for x in p.paragraphs if x != PR_OFFICE]
    credit = f'\n<p class="pr-credit">{e(PR_OFFICE)}</p>' if PR_OFFICE in p.paragraphs else ""
    return (
        head(
            f"{p.title} | وزارت ارتباطات و فناوری اطلاعات",
            base,
            p.path,
            f'<meta property="og:title" content="{e(p.title)}">\n<meta property="og:type" content="article">',
        )
        + f"""<body class="ict-portal">
<header class="portal-header">
<div class="logo"><a href="/fa">وزارت ارتباطات و فناوری اطلاعات</a></div>
<nav class="main-menu"><ul><li><a href="/fa">صفحه اصلی</a></li><li><a href="/fa/news">اخبار</a></li><li><a href="/fa/news/rss">خوراک خبری</a></li></ul></nav>
<form class="search" action="/fa/search" method="get"><input name="q" type="text" placeholder="جستجو"></form>
</header>
<main id="content">
<ol class="breadcrumb"><li><a href="/fa">خانه</a></li><li><a href="/fa/news">اخبار و رویدادها</a></li></ol>
<div class="news-detail" data-news-id="{p.number}">
<div class="news-date"><span class="lbl">تاریخ انتشار:</span> <span class="date-text">{jalali_long(p.published)}</span></div>
<h1 class="news-title">{e(p.title)}</h1>
<div class="news-body">
{paras(body)}{credit}
</div>
<div class="news-tags"><span>برچسب‌ها:</span> <a href="/fa/news">{e(p.topic)}</a></div>
<div class="share-links"><span>اشتراک‌گذاری:</span> <a href="https://t.me/share/url?url={e(base + p.path)}">تلگرام</a> <a href="https://x.com/intent/post?url={e(base + p.path)}">ایکس</a></div>
</div>
<aside class="related-news"><h2>اخبار مرتبط</h2><ul>
{related}
</ul></aside>
</main>
<footer class="portal-footer"><p>کلیه حقوق این پایگاه برای وزارت ارتباطات و فناوری اطلاعات محفوظ است.</p></footer>
</body>
</html>
"""
    )


def ict_listing(
    items: Sequence[Page],
    pages: int,
    current: int,
    hrefs: Sequence[str],
    base: str,
    admin: str | None = None,
    heading: str = "اخبار و رویدادها",
    query: str = "",
) -> str:
    rows = "\n".join(
        f"""<div class="news-item"><a class="news-link" href="{e(p.path)}"><h3>{e(p.title)}</h3></a>
<span class="news-item-date">{jalali_long(p.published)}</span>
<p class="news-summary">{e(first_sentence(p.paragraphs[0]))}</p></div>"""
        for p in items
    )
    if not items:
        rows = '<p class="no-result">موردی یافت نشد.</p>'
    admin_html = f'\n<a class="admin-edit" href="{e(admin)}">ویرایش خبرها (مدیر سامانه)</a>' if admin else ""
    nav = pager(pages, current, hrefs, '<a class="next" href="{href}">بعدی</a>') if pages > 1 else ""
    search = f'<p class="search-query">نتایج جستجو برای: {e(query)}</p>\n' if query else ""
    return (
        head(f"{heading} | وزارت ارتباطات و فناوری اطلاعات", base)
        + f"""<body class="ict-portal">
<header class="portal-header"><div class="logo"><a href="/fa">وزارت ارتباطات و فناوری اطلاعات</a></div></header>
<main id="content">
<h1 class="page-title">{e(heading)}</h1>
{search}<div class="news-list">
{rows}
</div>
<div class="pagination">{nav}</div>{admin_html}
</main>
<footer class="portal-footer"><p>کلیه حقوق این پایگاه برای وزارت ارتباطات و فناوری اطلاعات محفوظ است.</p></footer>
</body>
</html>
"""
    )


def ict_rss(items: Sequence[Page], base: str) -> str:
    entries = "\n".join(
        f"""<item><title>{e(p.title)}</title><link>{e(base + p.path)}</link><guid>{e(base + p.path)}</guid>
<pubDate>{format_datetime(p.published)}</pubDate><description>{e(first_sentence(p.paragraphs[0]))}</description></item>"""
        for p in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>اخبار وزارت ارتباطات و فناوری اطلاعات</title><link>{e(base)}/fa/news</link>
<description>آخرین اخبار</description><language>fa</language>
{entries}
</channel></rss>
"""


# -------------------------------------------------------------------- isna --
def isna_article(p: Page, base: str) -> str:
    related = "\n".join(f'<li><a href="{e(h)}">{e(t)}</a></li>' for h, t in p.related)
    return (
        head(
            f"ایسنا - {p.title}",
            base,
            p.path,
            f'<meta property="og:title" content="{e(p.title)}">\n<meta name="author" content="ایسنا">',
        )
        + f"""<body class="isna-site">
<div id="top-bar"><a class="brand" href="/">خبرگزاری دانشجویان ایران</a> <span class="today">{jalali_date_only(p.published)}</span></div>
<nav id="service-menu"><a href="/fa/service/ict">فناوری اطلاعات</a> <a href="/fa/service/ict">ارتباطات</a></nav>
<article class="news-page" id="item" itemscope itemtype="http://schema.org/NewsArticle">
<div class="news-head">
<h1 class="first-title" itemprop="headline">{e(p.title)}</h1>
<ul class="meta-news">
<li class="pub-date"><span class="label">تاریخ انتشار:</span> <span class="value">{jalali_numeric(p.published)}</span></li>
<li class="news-code"><span class="label">کد خبر:</span> <span class="value">{fa_digits(p.number)}</span></li>
</ul>
</div>
<div class="item-text" itemprop="articleBody">
{paras(p.paragraphs)}
<p class="end-marker">انتهای پیام</p>
</div>
<div class="tags-box"><ul><li><a href="/fa/service/ict">{e(p.topic)}</a></li></ul></div>
<section class="box related"><h3 class="box-title">اخبار مرتبط</h3><ul>
{related}
</ul></section>
<section class="comments"><h3 class="box-title">نظرات</h3><p class="empty">هنوز نظری برای این خبر ثبت نشده است.</p></section>
</article>
<footer id="isna-footer"><p>استفاده از مطالب خبرگزاری با ذکر منبع بلامانع است.</p></footer>
</body>
</html>
"""
    )


def isna_listing(
    items: Sequence[Page], pages: int, current: int, hrefs: Sequence[str], base: str, admin: str | None = None
) -> str:
    rows = "\n".join(
        f"""<li class="item"><div class="desc"><h3><a href="{e(p.path)}">{e(p.title)}</a></h3>
<time>{jalali_numeric(p.published)}</time></div></li>"""
        for p in items
    )
    admin_html = (
        f'<li class="item draft"><a href="{e(admin)}">پیش‌نویس (ویژه سردبیر)</a></li>\n' if admin else ""
    )
    nav = pager(pages, current, hrefs, '<a rel="next" href="{href}">صفحه بعد</a>')
    return (
        head("ایسنا - فناوری اطلاعات و ارتباطات", base)
        + f"""<body class="isna-site">
<div id="top-bar"><a class="brand" href="/">خبرگزاری دانشجویان ایران</a></div>
<main class="service-page"><h1 class="service-title">فناوری اطلاعات و ارتباطات</h1>
<ul class="items">
{admin_html}{rows}
</ul>
<div class="pagination">{nav}</div>
</main>
</body>
</html>
"""
    )


# --------------------------------------------------------------------- 93z --
def z93_article(p: Page, base: str) -> str:
    related = "\n".join(
        f'<li><a href="{e(h)}?utm_source=related&amp;utm_medium=post">{e(t)}</a></li>' for h, t in p.related
    )
    sur = f'<span class="rutitr">{e(p.surtitle)}</span>\n' if p.surtitle else ""
    full = f"{p.surtitle} {p.title}" if p.surtitle else p.title
    date = jalali_numeric(p.published, sep=" ", digits=p.date_digits)
    return (
        head(
            f"{full} - تجهیزات جانبی",
            base,
            p.path,
            f'<meta property="og:title" content="{e(full)}">\n<meta property="og:site_name" content="تجهیزات جانبی">',
        )
        + f"""<body class="single single-post">
<div id="wrapper">
<header id="masthead"><a class="site-title" href="/">تجهیزات جانبی</a>
<ul class="menu"><li><a href="/category/news/">اخبار</a></li><li><a href="/category/review/">بررسی</a></li></ul></header>
<div id="primary"><div class="post-box">
<div class="post-head">
{sur}<h1 class="post-title">{e(p.title)}</h1>
<div class="post-meta"><span class="post-date">{date}</span> <span class="post-cat"><a href="/category/news/">اخبار</a></span></div>
</div>
<div class="entry-content">
{paras(p.paragraphs)}
<p class="like-box">این مطلب را می پسندید؟</p>
<p class="like-count"><a class="like" href="#">(1)</a></p>
<p class="like-count"><a class="dislike" href="#">(0)</a></p>
<p class="related-head"><strong>تازه ترین مطالب مرتبط</strong></p>
<ul class="related-posts">
{related}
</ul>
<p class="comments-head">نظرات بینندگان در مورد این مطلب</p>
</div>
</div></div>
<aside id="sidebar"><div class="widget"><h4>پربازدیدترین‌ها</h4><ul>{"".join(f'<li><a href="{e(h)}">{e(t)}</a></li>' for h, t in p.related[:2])}</ul></div></aside>
<footer id="colophon"><p>تمامی حقوق برای تجهیزات جانبی محفوظ است.</p></footer>
</div>
</body>
</html>
"""
    )


def z93_listing(
    items: Sequence[Page], pages: int, current: int, hrefs: Sequence[str], base: str, admin: str | None = None
) -> str:
    rows = "\n".join(
        f"""<article class="post-item"><h2 class="entry-title"><a href="{e(p.path)}">{e(f"{p.surtitle} {p.title}" if p.surtitle else p.title)}</a></h2>
<div class="excerpt">{e(first_sentence(p.paragraphs[0]))}</div>{f'<a class="amp-link" href="{e(p.amp_path)}">نسخه سبک (AMP)</a>' if p.amp_path else ""}</article>"""
        for p in items
    )
    admin_html = f'<p class="edit-link"><a href="{e(admin)}">ویرایش</a></p>\n' if admin else ""
    nav = pager(pages, current, hrefs, '<a class="next page-numbers" href="{href}">»</a>')
    return (
        head("اخبار - تجهیزات جانبی", base)
        + f"""<body class="archive category">
<div id="wrapper"><header id="masthead"><a class="site-title" href="/">تجهیزات جانبی</a></header>
<div id="primary">
{admin_html}{rows}
<nav class="navigation pagination">{nav}</nav>
</div></div>
</body>
</html>
"""
    )


def z93_amp_article(p: Page, base: str) -> str:
    """The AMP variant of a post: same markup classes, no sidebar or like box, canonical → the post."""
    sur = f'<span class="rutitr">{e(p.surtitle)}</span>\n' if p.surtitle else ""
    full = f"{p.surtitle} {p.title}" if p.surtitle else p.title
    date = jalali_numeric(p.published, sep=" ", digits=p.date_digits)
    extra = (
        f'<meta property="og:title" content="{e(full)}">\n'
        '<script async src="https://cdn.ampproject.org/v0.js"></script>\n'
        "<style amp-custom>body{font-family:Vazirmatn,sans-serif}.post-title{font-size:1.4em}</style>"
    )
    return (
        head(f"{full} - تجهیزات جانبی", base, p.path, extra, amp=True)
        + f"""<body class="amp-single">
<header class="amp-header"><a class="site-title" href="/">تجهیزات جانبی</a></header>
<main class="amp-main"><div class="post-box">
<div class="post-head">
{sur}<h1 class="post-title">{e(p.title)}</h1>
<div class="post-meta"><span class="post-date">{date}</span></div>
</div>
<div class="entry-content">
{paras(p.paragraphs)}
<p class="related-head"><strong>تازه ترین مطالب مرتبط</strong></p>
</div>
</div></main>
<footer class="amp-footer"><a href="{e(p.path)}">نسخه کامل</a></footer>
</body>
</html>
"""
    )


# --------------------------------------------------------------- fanavaran --
FANAVARAN_JS = """(function () {
  var box = document.getElementById('article-body');
  if (!box) { return; }
  fetch('/api/articles/' + box.getAttribute('data-id') + '.json')
    .then(function (r) { return r.json(); })
    .then(function (data) {
      data.paragraphs.forEach(function (text) {
        var p = document.createElement('p');
        p.textContent = text;
        box.appendChild(p);
      });
      box.setAttribute('data-ready', '1');
    });
})();
"""


def fanavaran_article(p: Page, base: str) -> str:
    related = "\n".join(f'<li><a href="{e(h)}">{e(t)}</a></li>' for h, t in p.related)
    iso = p.published.isoformat()
    return (
        head(f"{p.title} | فناوران", base, p.path, f'<meta property="og:title" content="{e(p.title)}">')
        + f"""<body>
<div class="fn-page">
<div class="fn-topbar"><a href="/">فناوران</a> | <a href="/latest">تازه‌ها</a></div>
<main class="fn-main">
<header class="story-head">
<div class="kicker">ارتباطات</div>
<h1>{e(p.title)}</h1>
<div class="story-meta"><time datetime="{iso}">{jalali_long(p.published)}</time></div>
</header>
<div id="article-body" class="story-text" data-id="{p.number}"></div>
<noscript><p class="nojs">برای خواندن متن خبر، جاوااسکریپت مرورگر را فعال کنید.</p></noscript>
<section class="fn-more"><h2>بیشتر بخوانید</h2><ul>
{related}
</ul></section>
</main>
<footer class="fn-footer">فناوران، رسانه فناوری</footer>
</div>
<script src="/static/reader.js"></script>
</body>
</html>
"""
    )


def fanavaran_rendered(static_html: str, api_json: str) -> str:
    """What a browser shows after reader.js ran: the paragraphs appended to ``#article-body``."""
    paragraphs = json.loads(api_json)["paragraphs"]
    inner = "".join(f"<p>{e(x)}</p>" for x in paragraphs)
    marker = 'class="story-text" data-id="'
    start = static_html.index(marker)
    close = static_html.index(">", start)
    return static_html[:close] + ' data-ready="1">\n' + inner + "\n" + static_html[close + 1 :]


def fanavaran_json(p: Page) -> str:
    return json.dumps({"id": p.number, "paragraphs": p.paragraphs}, ensure_ascii=False, indent=1) + "\n"


def fanavaran_listing(
    items: Sequence[Page], pages: int, current: int, hrefs: Sequence[str], base: str, admin: str | None = None
) -> str:
    rows = "\n".join(
        f'<li class="fn-row"><a class="fn-link" href="{e(p.path)}">{e(p.title)}</a> <time datetime="{p.published.isoformat()}">{jalali_date_only(p.published)}</time></li>'
        for p in items
    )
    admin_html = (
        f'<li class="fn-row fn-draft"><a class="fn-link" href="{e(admin)}">پیش‌نویس</a></li>\n'
        if admin
        else ""
    )
    nxt = f'<li class="pager-next"><a href="{e(hrefs[current])}">بعدی ›</a></li>' if current < pages else ""
    prv = f'<li class="pager-prev"><a href="{e(hrefs[current - 2])}">‹ قبلی</a></li>' if current > 1 else ""
    return (
        head("تازه‌ها | فناوران", base)
        + f"""<body>
<div class="fn-page"><main class="fn-main"><h1>تازه‌ترین خبرها</h1>
<ul class="fn-list">
{admin_html}{rows}
</ul>
<ul class="fn-pager">{prv}<li class="pager-current">صفحه {fa_digits(current)} از {fa_digits(pages)}</li>{nxt}</ul>
</main></div>
</body>
</html>
"""
    )


# ----------------------------------------------------------------- akharin --
def akharin_article(p: Page, base: str) -> str:
    # A "read more" teaser sits between body paragraphs, as on many outlets.
    ps = [f"<p>{e(x)}</p>" for x in p.paragraphs]
    if p.related and len(ps) > 2:
        h, t = p.related[0]
        ps.insert(2, f'<p class="read-more">بیشتر بخوانید: <a href="{e(h)}">{e(t)}</a></p>')
    meta = (
        f'<meta property="og:title" content="{e(p.title)}">\n'
        f'<meta property="article:published_time" content="{p.published.isoformat()}">\n'
        f'<meta property="og:url" content="{e(base + p.path)}">'
    )
    body = "\n".join(ps)
    return (
        head(f"{p.title} - آخرین خبر", base, p.path, meta, lang=p.lang)
        + f"""<body class="ak">
<header class="ak-header"><a class="ak-logo" href="/">آخرین خبر</a></header>
<div class="ak-container"><div class="ak-article">
<h1 class="headline">{e(p.title)}</h1>
<div class="ak-byline"><span class="ak-source">آخرین خبر</span> <span class="ak-when">{jalali_date_only(p.published)}</span></div>
<div class="article-content">
{body}
</div>
<div class="ak-share"><a href="https://t.me/share/url?url={e(base + p.path)}">اشتراک در تلگرام</a> <a href="https://wa.me/?text={e(base + p.path)}">واتس‌اپ</a></div>
</div></div>
<footer class="ak-footer">آخرین خبر - پوشش لحظه‌ای اخبار فناوری</footer>
</body>
</html>
"""
    )


def akharin_rss(items: Sequence[Page], base: str) -> str:
    entries = "\n".join(
        f"""<item><title>{e(p.title)}</title><link>{e(base + p.path)}</link><guid isPermaLink="true">{e(base + p.path)}</guid>
<pubDate>{format_datetime(p.published)}</pubDate><category>فناوری</category></item>"""
        for p in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>آخرین خبر - فناوری</title><link>{e(base)}/</link>
<description>تازه‌ترین اخبار فناوری</description><language>fa-IR</language>
{entries}
</channel></rss>
"""


# ------------------------------------------------------------------- shahr --
def shahr_article(p: Page, base: str) -> str:
    related = "\n".join(f'<li><a href="{e(h)}">{e(t)}</a></li>' for h, t in p.related)
    meta = f'<meta itemprop="datePublished" content="{p.published.isoformat()}">\n<meta property="og:title" content="{e(p.title)}">'
    return (
        head(f"{p.title} | شهر سخت‌افزار", base, p.path, meta, lang=p.lang)
        + f"""<body class="td-theme">
<div class="td-header"><a class="td-logo" href="/">شهر سخت‌افزار</a></div>
<div class="td-container">
<article class="td-post" itemscope itemtype="https://schema.org/Article">
<header class="td-post-header"><h1 class="entry-title">{e(p.title)}</h1>
<div class="td-module-meta-info"><span class="td-post-date">{jalali_date_only(p.published)}</span></div></header>
<div class="td-post-sharing-top"><p class="share-label">اشتراک‌گذاری در شبکه‌های اجتماعی</p></div>
<div class="td-post-content">
{paras(p.paragraphs)}
</div>
<div class="td-post-source-tags"><ul class="td-tags"><li><span>برچسب‌ها</span></li><li><a href="/">{e(p.topic)}</a></li></ul></div>
<div class="td-related"><h4 class="td-related-title">مطالب مرتبط</h4><ul>
{related}
</ul></div>
</article>
</div>
<div class="td-footer">© شهر سخت‌افزار</div>
</body>
</html>
"""
    )


def sitemap(items: Sequence[Page], base: str) -> str:
    urls = "\n".join(
        f"<url><loc>{e(base + p.path)}</loc><lastmod>{p.published.isoformat()}</lastmod></url>" for p in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""


# -------------------------------------------------------------------- blog --
def blog_article(p: Page, base: str) -> str:
    meta = (
        f'<meta property="og:title" content="{e(p.title)}">\n'
        f'<meta property="article:published_time" content="{p.published.isoformat()}">\n'
        '<meta name="author" content="سارا کیانی">'
    )
    return (
        head(p.title, base, p.path, meta)
        + f"""<body>
<div class="wrap">
<div class="blog-name"><a href="/">یادداشت‌های یک شبکه‌کار</a></div>
<article>
<h1>{e(p.title)}</h1>
<p class="byline">نوشته سارا کیانی در <time datetime="{p.published.isoformat()}">{jalali_date_only(p.published)}</time></p>
{paras(p.paragraphs)}
</article>
<div class="comments"><h2>دیدگاه‌ها</h2><div class="comment"><p>ممنون از نوشته خوبتان، ما هم همین مشکل را داریم.</p></div></div>
<div class="site-footer">قدرت گرفته از یک موتور وبلاگ ساده</div>
</div>
</body>
</html>
"""
    )


def simple_index(title: str, links: Sequence[tuple[str, str]], base: str) -> str:
    rows = "\n".join(f'<li><a href="{e(h)}">{e(t)}</a></li>' for h, t in links)
    return (
        head(title, base)
        + f"""<body>
<h1>{e(title)}</h1>
<ul>
{rows}
</ul>
</body>
</html>
"""
    )


def draft(title: str, base: str) -> str:
    return (
        head(title, base)
        + f"""<body><div class="admin">
<h1>{e(title)}</h1>
<p>این صفحه ویژه مدیران سامانه است و نباید نمایه شود.</p>
</div></body>
</html>
"""
    )


def robots(sitemap_url: str | None = None) -> str:
    text = "User-agent: *\nDisallow: /admin/\n"
    if sitemap_url:
        text += f"\nSitemap: {sitemap_url}\n"
    return text
