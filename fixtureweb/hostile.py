# ruff: noqa: E501  (Persian sentences and raw HTTP are data; breaking them would hurt more than help)
"""A hostile site: pages and servers that break the assumptions a crawler makes, each labelled with
what must become of it.

Every :class:`Case` is one URL on the hostile host (127.0.0.13) with how it is served (broken
HTML, lying charsets, binary bodies, bombs, hangs, resets, loops…) and its expected outcome:
:class:`Stored` (the exact title, the body's first and last line, substrings that must or must not
be in the body, the published date) or :class:`Dropped` (the ``manba/drop/<reason>`` it is counted
under). :class:`HostileServer` serves them; a second address (127.0.0.16) stands for "another
host" that redirects may point at. ``python -m fixtureweb.hostile`` serves the site and writes its
URLs, one a line, for ``scrapy crawl urls -a urls_file=…``.

The server writes raw HTTP, so it can lie in headers, trickle, hang and reset at will. Hanging
responders wait at most :data:`HANG_SECONDS` (or until the server stops): tests bound time with
``DOWNLOAD_TIMEOUT``, not by the server giving up.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import socket
import struct
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import ClassVar
from urllib.parse import quote, urlsplit

HOST = "127.0.0.13"
OTHER_HOST = "127.0.0.16"
"""Another host: the target of redirects that leave the site (it serves a good article, so a crawler
that followed the redirect would store it)."""
LISTING_PATH = "/fa/archive"
"""A listing page linking to every case, for a registry source (``scrapy crawl sources``)."""
ARTICLE_PATTERN = "/fa/news/"
HANG_SECONDS = 120.0
TEHRAN = timezone(timedelta(hours=3, minutes=30))

BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""LRM, RLM, ALM, the embeddings and overrides, and the isolates: never in stored text."""
SCRIPT_MARK = "متن درون اسکریپت"
"""Persian text every script, style and comment of the site carries: never in a stored body."""

# --- the articles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    title: str
    paragraphs: tuple[str, ...]


STORIES: tuple[Story, ...] = (
    Story(
        "آغاز طرح گسترش فیبر نوری در ۱۲ شهر کوچک",
        (
            "به گزارش خبرنگار فناوری‌نامه، معاون وزیر ارتباطات روز سه‌شنبه در نشستی با مدیران استانی از آغاز طرح گسترش شبکه فیبر نوری در ۱۲ شهر کوچک خبر داد.",
            "وی افزود: در فاز نخست این طرح بیش از ۴۰۰ هزار خانوار به اینترنت پرسرعت ثابت دسترسی پیدا می‌کنند و هزینه نصب برای مشترکان خانگی رایگان خواهد بود.",
            "بر اساس این گزارش، اپراتورهای ارتباطی موظف شده‌اند تا پایان سال جاری دست‌کم ۳۰ درصد از تعهدات خود را اجرا کنند و گزارش پیشرفت کار را هر ماه ارائه دهند.",
            "مدیرکل ارتباطات استان نیز با اشاره به مشکلات تأمین تجهیزات گفت: بخشی از کابل‌ها و تجهیزات انتهایی در داخل کشور تولید می‌شود و این موضوع سرعت اجرای طرح را بیشتر کرده است.",
        ),
    ),
    Story(
        "راه‌اندازی نسل پنجم تلفن همراه در سه کلان‌شهر",
        (
            "به گزارش خبرنگار فناوری‌نامه، نخستین سایت‌های نسل پنجم تلفن همراه از امروز در تهران، مشهد و اصفهان به صورت آزمایشی در دسترس مشترکان قرار گرفت.",
            "مدیرعامل یکی از اپراتورها در آیین افتتاح این سایت‌ها گفت: سرعت دریافت در آزمون‌های اولیه به بیش از یک گیگابیت بر ثانیه رسیده و پوشش شبکه تا پایان سال دو برابر می‌شود.",
            "کارشناسان حوزه ارتباطات می‌گویند کمبود گوشی‌های سازگار با این فناوری مهم‌ترین مانع استفاده گسترده از آن در ماه‌های نخست خواهد بود.",
            "قرار است تعرفه بسته‌های اینترنت نسل پنجم پس از پایان دوره آزمایشی و با نظر نهاد تنظیم‌گر اعلام شود.",
        ),
    ),
    Story(
        "اختصاص ۲ هزار میلیارد ریال تسهیلات به شرکت‌های نوپا",
        (
            "به گزارش خبرنگار فناوری‌نامه، صندوق حمایت از شرکت‌های دانش‌بنیان اعلام کرد ۲ هزار میلیارد ریال تسهیلات کم‌بهره به شرکت‌های نوپای حوزه فناوری اطلاعات پرداخت می‌شود.",
            "رئیس این صندوق در نشست خبری گفت: اولویت با طرح‌هایی است که در زمینه هوش مصنوعی، امنیت سایبری و خدمات دولت الکترونیک فعالیت می‌کنند.",
            "متقاضیان می‌توانند تا پایان آبان‌ماه مدارک خود را در سامانه صندوق بارگذاری کنند و نتیجه ارزیابی حداکثر ظرف ۴۵ روز اعلام می‌شود.",
            "وی تأکید کرد که بازپرداخت این تسهیلات پس از یک دوره تنفس شش‌ماهه و در اقساط سه‌ساله انجام خواهد شد.",
        ),
    ),
    Story(
        "هوشمندسازی دفاتر پستی روستایی تا پایان سال",
        (
            "به گزارش خبرنگار فناوری‌نامه، مدیرعامل شرکت ملی پست از هوشمندسازی ۱۸۰۰ دفتر پستی روستایی تا پایان سال خبر داد.",
            "وی گفت: با اجرای این طرح، روستاییان می‌توانند مرسولات خود را به صورت برخط رهگیری کنند و بسیاری از خدمات دولتی را بدون سفر به شهر دریافت کنند.",
            "به گفته این مقام مسئول، دفاتر روستایی به دستگاه‌های کارت‌خوان، رایانه و اینترنت ماهواره‌ای مجهز می‌شوند تا در مناطق کوهستانی نیز خدمات قطع نشود.",
            "پیش از این نیز ۶۰۰ دفتر پستی در استان‌های مرزی به سامانه یکپارچه پست متصل شده بودند.",
        ),
    ),
    Story(
        "برگزاری رزمایش ملی امنیت سایبری با حضور ۴۰ دستگاه",
        (
            "به گزارش خبرنگار فناوری‌نامه، رزمایش ملی امنیت سایبری با حضور نمایندگان ۴۰ دستگاه اجرایی و بانک در تهران برگزار شد.",
            "دبیر این رزمایش گفت: در این دوره سناریوهای حمله به زیرساخت‌های پرداخت و سامانه‌های خدمات عمومی شبیه‌سازی و زمان واکنش تیم‌ها اندازه‌گیری شد.",
            "نتایج ارزیابی نشان می‌دهد بیشتر دستگاه‌ها در شناسایی نفوذ عملکرد قابل قبولی داشته‌اند، اما در بازیابی سامانه‌ها پس از حمله به آموزش بیشتری نیاز دارند.",
            "گزارش کامل این رزمایش پس از جمع‌بندی نظرات داوران در اختیار مدیران امنیت اطلاعات دستگاه‌ها قرار می‌گیرد.",
        ),
    ),
    Story(
        "پرتاب ماهواره سنجشی دانشگاهی به مدار زمین",
        (
            "به گزارش خبرنگار فناوری‌نامه، ماهواره سنجشی ساخت دانشجویان یکی از دانشگاه‌های صنعتی کشور صبح امروز به مدار ۵۰۰ کیلومتری زمین رسید.",
            "رئیس پژوهشکده فضایی دانشگاه گفت: نخستین سیگنال‌های ماهواره یک ساعت پس از پرتاب در ایستگاه زمینی دریافت شد و وضعیت باتری و سامانه کنترل وضعیت مطلوب است.",
            "این ماهواره ۱۲ کیلوگرمی برای پایش پوشش گیاهی و منابع آب طراحی شده و عمر مفید آن دست‌کم دو سال پیش‌بینی می‌شود.",
            "تصاویر ارسالی این ماهواره پس از پردازش در اختیار پژوهشگران و دستگاه‌های اجرایی متقاضی قرار خواهد گرفت.",
        ),
    ),
    Story(
        "ارائه ۳۰۰ خدمت جدید در درگاه ملی خدمات دولت هوشمند",
        (
            "به گزارش خبرنگار فناوری‌نامه، ۳۰۰ خدمت جدید از امروز در درگاه ملی خدمات دولت هوشمند در دسترس شهروندان قرار گرفت.",
            "مدیر این درگاه گفت: صدور گواهی‌های آموزشی، پیگیری پرونده‌های بیمه و نوبت‌دهی مراکز درمانی از جمله خدماتی است که دیگر به مراجعه حضوری نیاز ندارد.",
            "بر اساس آمار اعلام‌شده، روزانه به طور میانگین یک میلیون و ۲۰۰ هزار نفر از خدمات این درگاه استفاده می‌کنند.",
            "وی افزود که احراز هویت کاربران با شماره تلفن همراه و کد ملی انجام می‌شود و اطلاعات شخصی میان دستگاه‌ها فقط با رضایت کاربر مبادله خواهد شد.",
        ),
    ),
    Story(
        "کاهش ۲۰ درصدی قطعی اینترنت در روستاهای مرزی",
        (
            "به گزارش خبرنگار فناوری‌نامه، مدیرکل ارتباطات زیرساخت اعلام کرد میزان قطعی اینترنت در روستاهای مرزی در شش ماه نخست سال ۲۰ درصد کاهش یافته است.",
            "وی علت این کاهش را نصب سامانه‌های برق اضطراری در ایستگاه‌های مخابراتی و جایگزینی لینک‌های رادیویی فرسوده عنوان کرد.",
            "به گفته او، ۳۵۰ ایستگاه دیگر نیز تا پایان سال به باتری‌های پشتیبان و پنل‌های خورشیدی مجهز می‌شوند.",
            "ساکنان روستاهای مرزی پیش از این از قطعی‌های طولانی در فصل زمستان و هنگام بارش برف گلایه داشتند.",
        ),
    ),
)

SITE_NAME = "فناوری‌نامه"
_LEGACY = str.maketrans("یک۰۱۲۳۴۵۶۷۸۹", "يك0123456789")


def legacy(text: str) -> str:
    """Text as an old windows-1256 site wrote it: Arabic yeh and kaf, Latin digits."""
    return text.translate(_LEGACY)


def e(text: str) -> str:
    return escape(text, quote=True)


@dataclass(frozen=True)
class Article:
    """One page's content, before any hostility is applied to its HTML or its bytes."""

    title: str
    paragraphs: tuple[str, ...]
    published: datetime | None = None

    @property
    def first(self) -> str:
        return self.paragraphs[0]

    @property
    def last(self) -> str:
        return self.paragraphs[-1]


def article(n: int, *, title: str | None = None, published: datetime | bool | None = True) -> Article:
    """Story ``n`` (cycling), optionally retitled; dated 2024-09-03 10:20 Tehran plus ``n`` days
    unless ``published`` says otherwise (``None``: no date at all)."""
    story = STORIES[n % len(STORIES)]
    when: datetime | None
    if published is True:
        when = datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN) + timedelta(days=n)
    elif published is False:
        when = None
    else:
        when = published
    return Article(title if title is not None else story.title, story.paragraphs, when)


def html_page(
    a: Article,
    *,
    charset: str | None = "utf-8",
    head_extra: str = "",
    before: str = "",
    between: str = "",
    after: str = "",
    date_meta: str | None = None,
    body_tag: bool = True,
    escape_text: bool = True,
) -> str:
    """A news page the way Persian outlets lay one out: menu, breadcrumb, headline, date, body,
    tags, related links, footer. ``between`` goes after the body's second paragraph."""
    esc = e if escape_text else (lambda s: s)
    published = date_meta if date_meta is not None else (a.published.isoformat() if a.published else "")
    meta_date = f'<meta property="article:published_time" content="{e(published)}">\n' if published else ""
    meta_charset = f'<meta charset="{charset}">\n' if charset else ""
    paras = [f"<p>{esc(p)}</p>" for p in a.paragraphs]
    paras.insert(2, between)
    head = (
        f'<!DOCTYPE html>\n<html lang="fa" dir="rtl">\n<head>\n{meta_charset}'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(a.title)} - {SITE_NAME}</title>\n"
        f'<meta property="og:title" content="{esc(a.title)}">\n'
        f'<meta property="og:site_name" content="{SITE_NAME}">\n{meta_date}{head_extra}</head>\n'
    )
    content = (
        '<header class="site-header"><a class="logo" href="/">فناوری‌نامه</a>\n'
        '<ul class="menu"><li><a href="/fa/news">اخبار</a></li><li><a href="/fa/ict">فناوری اطلاعات</a></li>'
        '<li><a href="/fa/post">پست</a></li></ul></header>\n'
        '<div class="breadcrumb"><a href="/">خانه</a> › <a href="/fa/ict">فناوری اطلاعات</a></div>\n'
        f"{before}"
        f'<article class="news">\n<h1 class="title">{esc(a.title)}</h1>\n'
        '<div class="news-body">\n' + "\n".join(p for p in paras if p) + "\n</div>\n"
        '<div class="tags"><a href="/fa/tag/1">ارتباطات</a> <a href="/fa/tag/2">اینترنت</a></div>\n'
        "</article>\n"
        '<aside class="related"><h3>اخبار مرتبط</h3><ul>'
        '<li><a href="/fa/news/9001">افزایش سرعت اینترنت ثابت در تهران</a></li>'
        '<li><a href="/fa/news/9002">آغاز ثبت‌نام دوره‌های آموزشی امنیت شبکه</a></li></ul></aside>\n'
        f"{after}"
        '<footer><p>کلیه حقوق این پایگاه محفوظ است.</p></footer>\n'
    )
    body = f"<body>\n{content}</body>\n" if body_tag else content
    return head + body + "</html>\n"


# --- expected outcomes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """The page is stored with this title (verbatim) and body facts."""

    title: str
    first: str | None
    """The body's first line (None: not asserted)."""
    last: str | None
    """The body's last line (None: not asserted)."""
    contains: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    published: str | None = None
    """ISO 8601 with the page's offset, or None when no trustworthy date is expected."""
    path: str | None = None
    """Where the document ends up when a redirect on the same host moved it (default: the case's path)."""


@dataclass(frozen=True)
class Dropped:
    """The page is not stored; ``manba/drop/<reason>`` counts it."""

    reason: str


def stored(a: Article, **kwargs: object) -> Stored:
    """The outcome of storing article ``a`` as it is (keyword arguments override)."""
    fields: dict[str, object] = {
        "title": a.title,
        "first": a.first,
        "last": a.last,
        "published": a.published.isoformat() if a.published else None,
    }
    fields.update(kwargs)
    return Stored(**fields)  # type: ignore[arg-type]


# --- how a case is served --------------------------------------------------------------------------

Responder = Callable[["Exchange"], None]


class Exchange:
    """One request to the hostile server, and the raw means to answer it."""

    def __init__(self, handler: _Handler) -> None:
        self.handler = handler
        self.path = handler.path
        self.server: HostileServer = handler.hostile

    @property
    def socket(self) -> socket.socket:
        sock = self.handler.connection
        assert isinstance(sock, socket.socket)
        return sock

    def write(self, data: bytes) -> None:
        self.handler.wfile.write(data)
        self.handler.wfile.flush()

    def wait(self, seconds: float) -> bool:
        """Sleep, unless the server stops first (then False)."""
        return not self.server.stopping.wait(seconds)

    def hits(self) -> int:
        """How many times this path has been asked for, this one included."""
        return self.server.hits[urlsplit(self.path).path]

    def url(self, path: str, host: str = HOST) -> str:
        return f"http://{host}:{self.server.port}{path}"


def head_bytes(status: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers), "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


HTML = ("Content-Type", "text/html; charset=utf-8")


def respond(
    body: bytes | str | Callable[[], bytes] = b"",
    *,
    status: str = "200 OK",
    headers: tuple[tuple[str, str], ...] = (HTML,),
    length: bool = True,
) -> Responder:
    """An ordinary answer (with whatever headers the case wants, true or not)."""

    def run(x: Exchange) -> None:
        data = body() if callable(body) else body
        data = data.encode("utf-8") if isinstance(data, str) else data
        extra = (("Content-Length", str(len(data))),) if length else ()
        x.write(head_bytes(status, (*headers, *extra)) + data)

    return run


def redirect(location: str | Callable[[Exchange], str], status: str = "302 Found") -> Responder:
    def run(x: Exchange) -> None:
        target = location(x) if callable(location) else location
        x.write(head_bytes(status, (("Location", target), ("Content-Length", "0"))))

    return run


def trickle(body: str, *, pieces: int, delay: float, length: bool = True) -> Responder:
    """The body in ``pieces`` parts, ``delay`` seconds apart (forever-ish when there are many)."""

    def run(x: Exchange) -> None:
        data = body.encode("utf-8")
        extra = (("Content-Length", str(len(data))),) if length else ()
        x.write(head_bytes("200 OK", (HTML, *extra)))
        step = max(1, -(-len(data) // pieces))
        for start in range(0, len(data), step):
            x.write(data[start : start + step])
            if not x.wait(delay):
                return

    return run


def hang(*, after_headers: bool = False) -> Responder:
    """Accept the request and say nothing (or only the headers) until the client gives up."""

    def run(x: Exchange) -> None:
        if after_headers:
            x.write(head_bytes("200 OK", (HTML, ("Content-Length", "20000"))))
        x.wait(HANG_SECONDS)

    return run


def reset(*, after: bytes = b"") -> Responder:
    """Send ``after`` (maybe nothing), then reset the connection (RST, not a clean close)."""

    def run(x: Exchange) -> None:
        if after:
            x.write(after)
            time.sleep(0.05)
        x.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        x.handler.close_connection = True
        x.socket.close()

    return run


def raw(data: bytes) -> Responder:
    """Exactly these bytes, then a clean close."""

    def run(x: Exchange) -> None:
        x.write(data)

    return run


def in_turn(*responders: Responder) -> Responder:
    """The n-th request for the path gets the n-th responder (the last one from then on)."""

    def run(x: Exchange) -> None:
        responders[min(x.hits(), len(responders)) - 1](x)

    return run


# --- bodies ------------------------------------------------------------------------------------


@cache
def gzip_bomb() -> bytes:
    """64 MiB of spaces, gzip-compressed to about 64 KiB."""
    out = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    parts = [out.compress(b"<html><head><title>bomb</title></head><body>")]
    parts += [out.compress(chunk) for _ in range(64)]
    parts.append(out.flush())
    return b"".join(parts)


@cache
def ten_mb_page() -> bytes:
    """A real article followed by 10 MiB of "state" a page script would read."""
    a = article(4, title="صفحه ده مگابایتی")
    pad = '<script>window.__STATE__ = "' + "0123456789abcdef" * (10 * 1024 * 1024 // 16) + '";</script>'
    return html_page(a, after=pad).encode("utf-8")


def binary_noise(size: int = 6000) -> bytes:
    """Deterministic bytes that no charset turns into text."""
    state, out = 0x2545F491, bytearray()
    while len(out) < size:
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(state >> 16 & 0xFF)
    return bytes(out)


PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    + binary_noise(3000)
    + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00" + binary_noise(4000)


def other_host_page() -> bytes:
    return html_page(article(2, title="خبری روی میزبانی دیگر")).encode("utf-8")


# --- the cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    serve: str
    """How it is served, in words."""
    respond: Responder
    expect: Stored | Dropped
    routes: dict[str, Responder] = field(default_factory=dict)
    """Other paths on the hostile host the case needs (redirect targets)."""


def _path(name: str) -> str:
    return f"/fa/news/{name.replace('_', '-')}"


def _cases() -> Iterator[Case]:
    n = 0

    def nxt() -> int:
        nonlocal n
        n += 1
        return n

    def case(name: str, serve: str, responder: Responder, expect: Stored | Dropped, **routes: Responder) -> Case:
        return Case(name, _path(name), serve, responder, expect, {_path(k): v for k, v in routes.items()})

    # -- well-formed baseline, and HTML that is broken but readable
    a = article(nxt())
    yield case("baseline", "a well-formed UTF-8 article", respond(html_page(a)), stored(a))

    a = article(nxt())
    page = html_page(a)
    cut = page.index(a.paragraphs[3]) + len(a.paragraphs[3]) // 2
    yield case(
        "truncated_html", "the document stops mid-sentence in the last paragraph (Content-Length matches)",
        respond(page[:cut]), stored(a, last=None, contains=(a.paragraphs[2],)),
    )

    a = article(nxt())
    page = html_page(a)
    cut = page.index("<p>", page.index(a.paragraphs[2])) + 2
    yield case(
        "truncated_in_tag", "the document stops inside a tag after the third paragraph",
        respond(page[:cut]), stored(a, last=a.paragraphs[2]),
    )

    a = article(nxt())
    page = html_page(a)
    for p in a.paragraphs[1:]:
        page = page.replace(f"<p>{e(p)}</p>", f"<p><b><i>{e(p)}</b></i>", 1)
    page = page.replace('<div class="news-body">', '<div class="news-body"><span><div></span>', 1)
    page = page.replace("</article>", "</td></span></article></div></div></font>", 1)
    yield case(
        "invalid_nesting", "unclosed <p>, crossed <b><i>, a <div> inside a <span>, stray closing tags",
        respond(page), stored(a),
    )

    a = article(nxt())
    page = html_page(a, body_tag=False).replace("</head>\n", "")
    yield case("no_body_tag", "no <body> (and no </head>): content follows the head", respond(page), stored(a))

    a = article(nxt())
    fragment = f"<title>{e(a.title)}</title>\n<h1>{e(a.title)}</h1>\n" + "\n".join(
        f"<p>{e(p)}</p>" for p in a.paragraphs
    )
    yield case(
        "bare_fragment", "no <html>, <head> or <body>: a title, a headline and paragraphs",
        respond(fragment), stored(a, published=None),
    )

    a = article(nxt())
    many = "<div>" * 3000 + "</div>" * 3000
    yield case(
        "deep_nesting", "3000 nested <div>s after the article",
        respond(html_page(a, after=many)), stored(a),
    )

    # -- charsets
    def cp1256(a: Article, **kwargs: object) -> bytes:
        return legacy(html_page(a, **kwargs)).encode("cp1256")  # type: ignore[arg-type]

    def legacy_article(k: int) -> Article:
        base = article(k)
        return Article(legacy(base.title), tuple(legacy(p) for p in base.paragraphs), base.published)

    a = legacy_article(nxt())
    yield case(
        "cp1256_header", "windows-1256 (Arabic yeh/kaf, Latin digits), declared in Content-Type",
        respond(cp1256(a, charset=None), headers=(("Content-Type", "text/html; charset=windows-1256"),)),
        stored(a, contains=("ي", "ك")),
    )
    a = legacy_article(nxt())
    http_equiv = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">\n'
    yield case(
        "cp1256_http_equiv", "windows-1256 declared only in <meta http-equiv>",
        respond(cp1256(a, charset=None, head_extra=http_equiv), headers=(("Content-Type", "text/html"),)),
        stored(a),
    )
    a = legacy_article(nxt())
    yield case(
        "cp1256_meta_charset", "windows-1256 declared only in <meta charset>",
        respond(cp1256(a, charset="windows-1256"), headers=(("Content-Type", "text/html"),)),
        stored(a),
    )
    a = legacy_article(nxt())
    yield case(
        "cp1256_undeclared", "windows-1256 declared nowhere",
        respond(cp1256(a, charset=None), headers=(("Content-Type", "text/html"),)),
        stored(a),
    )
    a = legacy_article(nxt())
    yield case(
        "cp1256_header_says_utf8", "windows-1256 bytes, Content-Type and <meta> both say UTF-8",
        respond(cp1256(a, charset="utf-8")),
        stored(a),
    )
    a = legacy_article(nxt())
    yield case(
        "cp1256_header_says_latin1", "windows-1256 bytes, Content-Type says ISO-8859-1",
        respond(cp1256(a, charset=None), headers=(("Content-Type", "text/html; charset=iso-8859-1"),)),
        stored(a),
    )
    a = article(nxt())
    yield case(
        "utf8_header_says_cp1256", "UTF-8 bytes, Content-Type says windows-1256",
        respond(html_page(a, charset=None), headers=(("Content-Type", "text/html; charset=windows-1256"),)),
        stored(a),
    )
    a = article(nxt())
    yield case(
        "utf8_meta_says_cp1256", "UTF-8 bytes, only a <meta charset=windows-1256>",
        respond(html_page(a, charset="windows-1256"), headers=(("Content-Type", "text/html"),)),
        stored(a),
    )
    a = article(nxt())
    yield case(
        "utf8_header_says_latin1", "UTF-8 bytes, Content-Type says ISO-8859-1",
        respond(html_page(a, charset=None), headers=(("Content-Type", "text/html; charset=iso-8859-1"),)),
        stored(a),
    )
    a = article(nxt())
    yield case(
        "utf8_bom", "a UTF-8 BOM and no declared charset",
        respond(b"\xef\xbb\xbf" + html_page(a, charset=None).encode("utf-8"), headers=(("Content-Type", "text/html"),)),
        stored(a),
    )
    a = article(nxt())
    yield case(
        "utf8_bom_header_says_cp1256", "a UTF-8 BOM, Content-Type says windows-1256",
        respond(
            b"\xef\xbb\xbf" + html_page(a, charset=None).encode("utf-8"),
            headers=(("Content-Type", "text/html; charset=windows-1256"),),
        ),
        stored(a),
    )
    a = article(nxt())
    yield case(
        "utf16_bom", "UTF-16 (little-endian) with its BOM",
        respond(html_page(a, charset=None).encode("utf-16"), headers=(("Content-Type", "text/html; charset=utf-16"),)),
        stored(a),
    )
    a = article(nxt())
    data = html_page(a).encode("utf-8")
    for p in a.paragraphs:  # a stray byte before each paragraph's text, a broken sequence after it
        raw_p = e(p).encode("utf-8")
        data = data.replace(b"<p>" + raw_p + b"</p>", b"<p>\xff" + raw_p + b"\xd8</p>", 1)
    data = data.replace(b"<h1", b"\xed\xa0\x80<h1", 1)  # an encoded surrogate
    yield case(
        "invalid_utf8", "UTF-8 with stray bytes, cut sequences and an encoded surrogate",
        respond(data), stored(a, absent=("\ufffd",)),
    )

    # -- characters no page means
    a = article(nxt())
    nul_title = a.title.replace(" ", " \x00", 1)
    page = html_page(Article(nul_title, tuple(p.replace("، ", "،\x00 ", 1) for p in a.paragraphs), a.published))
    yield case(
        "nul_bytes", "NUL bytes in the title and in every paragraph",
        respond(page), stored(a, absent=("\x00",)),
    )
    a = article(nxt())
    marked_title = "\u202b" + a.title.replace("۱۲", "\u2066۱۲\u2069") + "\u202c\u200f"
    marked = tuple("\u200f" + p.replace("۴۰۰", "\u202d۴۰۰\u202c").replace(": ", ":\u200e ") for p in a.paragraphs)
    yield case(
        "bidi_controls", "embeddings, overrides, isolates, LRM and RLM in title and body (ZWNJ kept)",
        respond(html_page(Article(marked_title, marked, a.published))),
        stored(a, contains=("\u200c",), absent=tuple(BIDI_CONTROLS)),
    )
    a = article(nxt())
    page = html_page(a).replace(f"<h1 class=\"title\">{e(a.title)}", f"<h1 class=\"title\">&rlm;{e(a.title)}&#x202C;", 1)
    page = page.replace(f'content="{e(a.title)}"', f'content="&#x202B;{e(a.title)}&#x202C;&lrm;"', 1)
    for p in a.paragraphs:
        page = page.replace(f"<p>{e(p)}</p>", f"<p>&rlm;{e(p).replace('، ', '،&lrm; ', 1)}&#8207;</p>", 1)
    yield case(
        "bidi_entities", "bidi marks written as entities (&rlm; &lrm; &#x202B; &#8207;) in title and body",
        respond(page), stored(a, absent=tuple(BIDI_CONTROLS)),
    )
    a = article(nxt())
    controls = tuple(p.replace(" ", " \x01\x08\x1b", 1) for p in a.paragraphs)
    yield case(
        "c0_controls", "other C0 control characters inside the text",
        respond(html_page(Article(a.title, controls, a.published))),
        stored(a, absent=("\x01", "\x08", "\x1b")),
    )
    a = article(nxt(), title="گزارش «ویژه»: قیمت ۱۰۰٪ 'ارزان' شد\"; DROP TABLE documents; -- \\ % _ ;")
    yield case(
        "sql_title", "SQL metacharacters (quotes, ;, --, backslash, %, _) in the title",
        respond(html_page(a)), stored(a),
    )
    a = article(nxt(), title="عرضه <اینترنت> ماهواره‌ای & «خدمات» جدید")
    yield case(
        "entities_title", "&lt; &gt; &amp; and numeric entities in the title",
        respond(html_page(a).replace("«خدمات»", "&#171;&#x62e;دمات&raquo;")), stored(a),
    )

    # -- scripts, styles and comments inside the article
    a = article(nxt())
    js = (
        f'<script>var note = "{SCRIPT_MARK}: این جمله نباید در متن خبر ذخیره شود"; document.write(note);</script>\n'
        f"<style>.news-body p::after {{ content: '{SCRIPT_MARK}'; }}</style>\n"
        f"<!-- {SCRIPT_MARK}: یادداشت ویراستار -->\n"
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "description": "{SCRIPT_MARK}"}}</script>'
    )
    yield case(
        "script_in_article", "<script>, <style>, a comment and JSON-LD between the paragraphs",
        respond(html_page(a, between=js)), stored(a, absent=(SCRIPT_MARK, "document.write", "var note")),
    )
    a = article(nxt())
    script = f'<script>if (window.x) {{ alert("{SCRIPT_MARK}"); }}</script>'
    inline = tuple(e(p).replace("، ", f"،{script} ", 1) for p in a.paragraphs)
    yield case(
        "script_in_paragraph", "a <script> inside every paragraph, mid-sentence",
        respond(html_page(Article(e(a.title), inline, a.published), escape_text=False)),
        stored(a, absent=(SCRIPT_MARK, "alert(")),
    )
    a = article(nxt())
    noscript = f"<noscript><p>{SCRIPT_MARK}: برای مشاهده کامل این صفحه جاوااسکریپت را فعال کنید.</p></noscript>"
    yield case(
        "noscript_in_article", "a <noscript> paragraph inside the article",
        respond(html_page(a, between=noscript)), stored(a, absent=(SCRIPT_MARK,)),
    )

    a = article(nxt())
    yield case(
        "garbage_lang", "<html lang> holds a locale string longer than any language code",
        respond(html_page(a).replace('<html lang="fa"', '<html lang="fa_IR.UTF-8@persian-calendar"', 1)), stored(a),
    )

    # -- rel=canonical that must not become the document's identity
    for name, href, serve in (
        ("canonical_unparsable", "http://[2001:db8::1/fa/news/1", "a rel=canonical that is not a URL (broken IPv6 literal)"),
        ("canonical_javascript", "javascript:void(0)", "rel=canonical is javascript:void(0)"),
        ("canonical_other_host", f"http://{OTHER_HOST}/fa/news/original-story", "rel=canonical names another host (a copy pointing at its original)"),
    ):
        a = article(nxt())
        link = f'<link rel="canonical" href="{e(href)}">\n'
        yield case(name, serve, respond(html_page(a, head_extra=link)), stored(a))

    # -- dates
    a = article(nxt(), published=False)
    yield case("no_date", "no date anywhere on the page", respond(html_page(a)), stored(a))
    a = article(nxt(), published=False)
    yield case(
        "malformed_jalali_date", "a Jalali date that cannot exist (month 13) in article:published_time and <time>",
        respond(html_page(a, date_meta="1403/13/45 25:61", before="<time datetime=\"۱۴۰۳/۱۳/۴۵\">۴۵ اسفند ۱۴۰۳</time>")),
        stored(a),
    )
    a = article(nxt(), published=False)
    yield case(
        "garbage_date", "article:published_time holds text, not a date",
        respond(html_page(a, date_meta="به زودی")), stored(a),
    )
    a = article(nxt())
    jalali = "<time datetime=\"۱۴۰۳/۰۶/۱۳ ۱۰:۲۰\">۱۳ شهریور ۱۴۰۳ - ۱۰:۲۰</time>"
    yield case(
        "jalali_date", "a Jalali date in <time datetime> only (Persian digits)",
        respond(html_page(a, date_meta="", before=jalali)),
        stored(a, published="2024-09-03T10:20:00+03:30"),
    )
    a = article(nxt(), published=datetime(2031, 3, 21, 9, 0, tzinfo=TEHRAN))
    yield case(
        "future_date", "published in 2031", respond(html_page(a)), stored(a, published=None),
    )
    a = article(nxt(), published=False)
    yield case(
        "future_jalali_date", "a Jalali date in 1410 (2031) in <time>",
        respond(html_page(a, before="<time datetime=\"۱۴۱۰/۰۱/۰۱ ۰۹:۰۰\">۱ فروردین ۱۴۱۰</time>")),
        stored(a),
    )
    a = article(nxt(), published=(datetime.now(TEHRAN) - timedelta(hours=2)).replace(microsecond=0))
    yield case(
        "recent_date", "published two hours ago (a date that must be kept)",
        respond(html_page(a)), stored(a),
    )

    # -- pages with nothing to store
    yield case("empty_200", "200 with an empty body", respond(b""), Dropped("empty_page"))
    yield case("whitespace_200", "200 with only whitespace", respond(b" \r\n\t\n  \n"), Dropped("empty_page"))
    yield case(
        "empty_skeleton", "<html><head></head><body></body></html> and nothing else",
        respond("<html><head></head><body></body></html>"), Dropped("no_title"),
    )
    a = article(nxt(), title="عنوان بدون متن")
    yield case(
        "title_no_text", "a title and headline, no text",
        respond(html_page(Article(a.title, ("",), a.published)).replace("<p></p>", "")), Dropped("no_body"),
    )
    a = article(nxt(), title="این خبر با جاوااسکریپت نمایش داده می‌شود")
    script_text = "\\n".join(a.paragraphs)
    js_only = html_page(Article(a.title, ("",), a.published)).replace(
        "<p></p>", f'<div id="app"></div><script>document.getElementById("app").innerText = "{script_text}";</script>'
    )
    yield case(
        "javascript_only", "the body is filled by a script; the source is not rendered",
        respond(js_only), Dropped("no_body"),
    )

    # -- not HTML at all
    yield case(
        "binary_as_html", "random bytes served as text/html", respond(binary_noise()), Dropped("not_html"),
    )
    yield case("png_as_html", "a PNG served as text/html", respond(PNG), Dropped("not_html"))
    yield case(
        "pdf", "a PDF served as application/pdf",
        respond(PDF, headers=(("Content-Type", "application/pdf"),)), Dropped("not_html"),
    )
    yield case("pdf_as_html", "a PDF served as text/html", respond(PDF), Dropped("not_html"))
    yield case(
        "octet_stream", "binary served as application/octet-stream",
        respond(binary_noise(), headers=(("Content-Type", "application/octet-stream"),)), Dropped("not_html"),
    )

    # -- sizes
    yield case(
        "gzip_bomb", "Content-Encoding: gzip, 64 KiB that inflate to 64 MiB",
        respond(gzip_bomb, headers=(HTML, ("Content-Encoding", "gzip"))), Dropped("too_large"),
    )
    yield case("page_10mb", "a 10 MiB page with Content-Length", respond(ten_mb_page), Dropped("too_large"))
    yield case(
        "page_10mb_chunked", "a 10 MiB page without Content-Length, ended by closing",
        respond(ten_mb_page, length=False), Dropped("too_large"),
    )
    a = article(nxt())
    yield case(
        "gzip_page", "an ordinary gzip-compressed page",
        respond(gzip.compress(html_page(a).encode("utf-8"), mtime=0), headers=(HTML, ("Content-Encoding", "gzip"))),
        stored(a),
    )
    a = article(nxt())
    big_script = '<script>window.__STATE__ = "' + "x" * (3 * 1024 * 1024) + '";</script>'
    yield case(
        "page_3mb", "3 MiB of inline script state around an article (under the size bound)",
        respond(html_page(a, after=big_script)), stored(a),
    )

    # -- HTTP framing
    a = article(nxt())
    yield case(
        "no_content_type", "no Content-Type header",
        respond(html_page(a), headers=()), stored(a),
    )
    a = article(nxt())
    yield case(
        "no_content_length", "no Content-Length: the body ends when the connection closes",
        respond(html_page(a), length=False), stored(a),
    )
    a = article(nxt())
    yield case(
        "slow_body", "the body trickles in 40 pieces over about a second",
        trickle(html_page(a), pieces=40, delay=0.025), stored(a),
    )
    yield case(
        "slow_body_forever", "one small piece a second, for longer than any download timeout",
        trickle(html_page(article(nxt())) * 50, pieces=5000, delay=1.0), Dropped("timeout"),
    )
    yield case("no_answer", "the connection is accepted and nothing is ever sent", hang(), Dropped("timeout"))
    yield case(
        "headers_then_nothing", "headers promise 20000 bytes, none follow", hang(after_headers=True), Dropped("timeout"),
    )
    yield case("reset_at_once", "the connection is reset before any answer", reset(), Dropped("connection_lost"))
    half = html_page(article(nxt())).encode("utf-8")
    promise = head_bytes("200 OK", (HTML, ("Content-Length", str(len(half)))))
    half = half[: len(half) // 2]
    yield case(
        "reset_mid_body", "the connection is reset halfway through the body",
        reset(after=promise + half),
        Dropped("incomplete_body"),
    )
    yield case(
        "short_body", "Content-Length promises more than is sent, then a clean close",
        raw(promise + half),
        Dropped("incomplete_body"),
    )
    yield case(
        "closed_silently", "the connection is closed without an answer", raw(b""), Dropped("connection_lost"),
    )
    yield case(
        "not_http", "the server answers with something that is not HTTP",
        raw(b"SSH-2.0-OpenSSH_8.9\r\n" + binary_noise(200)), Dropped("bad_response"),
    )

    # -- HTTP status
    not_found = "<html><head><title>۴۰۴</title></head><body><h1>صفحه مورد نظر پیدا نشد</h1></body></html>"
    yield case("http_404", "404 Not Found", respond(not_found, status="404 Not Found"), Dropped("http_404"))
    yield case("http_410", "410 Gone", respond(not_found, status="410 Gone"), Dropped("http_410"))
    yield case(
        "http_500", "500 on every try", respond("<h1>خطای سرور</h1>", status="500 Internal Server Error"),
        Dropped("http_500"),
    )
    yield case(
        "http_503_retry_after", "503 with Retry-After: 1 on every try",
        respond("<h1>در حال به‌روزرسانی</h1>", status="503 Service Unavailable", headers=(HTML, ("Retry-After", "1"))),
        Dropped("http_503"),
    )
    yield case(
        "http_503_retry_after_long", "503 with Retry-After: 86400 (too long to wait for)",
        respond("<h1>در حال به‌روزرسانی</h1>", status="503 Service Unavailable", headers=(HTML, ("Retry-After", "86400"))),
        Dropped("http_503"),
    )
    a = article(nxt())
    yield case(
        "http_503_then_ok", "503 with Retry-After: 1, then the page",
        in_turn(
            respond("<h1>لطفا صبر کنید</h1>", status="503 Service Unavailable", headers=(HTML, ("Retry-After", "1"))),
            respond(html_page(a)),
        ),
        stored(a),
    )
    a = article(nxt())

    def soon(x: Exchange) -> None:
        when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
        respond("<h1>درخواست‌های زیاد</h1>", status="429 Too Many Requests", headers=(HTML, ("Retry-After", when)))(x)

    yield case(
        "http_429_date_then_ok", "429 with an HTTP-date Retry-After two seconds ahead, then the page",
        in_turn(soon, respond(html_page(a))), stored(a),
    )
    a = article(nxt())
    yield case(
        "http_500_then_ok", "500 once, then the page",
        in_turn(respond("<h1>خطا</h1>", status="500 Internal Server Error"), respond(html_page(a))), stored(a),
    )

    # -- redirects
    a = article(nxt())
    yield case(
        "redirect_same_host", "301 to another path on the same host",
        redirect(_path("redirect_same_host_target"), "301 Moved Permanently"),
        stored(a, path=_path("redirect_same_host_target")),
        redirect_same_host_target=respond(html_page(a)),
    )
    a = article(nxt())
    yield case(
        "redirect_chain", "302, 307 and 308 in a row, then the page",
        redirect(_path("redirect_chain_2")),
        stored(a, path=_path("redirect_chain_4")),
        redirect_chain_2=redirect(_path("redirect_chain_3"), "307 Temporary Redirect"),
        redirect_chain_3=redirect(_path("redirect_chain_4"), "308 Permanent Redirect"),
        redirect_chain_4=respond(html_page(a)),
    )
    a = article(nxt())
    refresh = f'<meta http-equiv="refresh" content="0; url={_path("meta_refresh_target")}">'
    yield case(
        "meta_refresh", "a page whose <meta http-equiv=refresh> sends to the article",
        respond(f"<html><head>{refresh}<title>در حال انتقال</title></head><body></body></html>"),
        stored(a, path=_path("meta_refresh_target")),
        meta_refresh_target=respond(html_page(a)),
    )
    yield case(
        "redirect_loop", "A → B → A → …", redirect(_path("redirect_loop_b")), Dropped("redirect_loop"),
        redirect_loop_b=redirect(_path("redirect_loop")),
    )
    yield case(
        "redirect_to_self", "301 to itself", redirect(_path("redirect_to_self"), "301 Moved Permanently"),
        Dropped("redirect_loop"),
    )
    yield case(
        "redirect_endless", "/1 → /2 → /3 → … (never the same URL twice)",
        redirect(lambda x: f"{_path('redirect_endless')}/1"), Dropped("too_many_redirects"),
    )
    yield case(
        "redirect_other_host", "302 to a page on another host",
        redirect(lambda x: x.url("/fa/news/elsewhere", OTHER_HOST)), Dropped("offsite_redirect"),
    )
    yield case(
        "redirect_no_location", "302 without a Location header",
        respond(b"", status="302 Found", headers=()), Dropped("http_302"),
    )
    yield case(
        "redirect_bad_scheme", "302 to a javascript: URL",
        redirect("javascript:alert(1)"), Dropped("bad_redirect"),
    )

    # -- URLs
    a = article(nxt())
    tail = quote("-".join(["گزارش-ویژه-فناوری"] * 12))
    yield Case(
        "long_url", f"/fa/news/long-url/{tail}?ref=telegram",
        "a long URL (about 1,100 characters once percent-encoded), under the length limit",
        respond(html_page(a)), stored(a, path=f"/fa/news/long-url/{tail}"),
    )
    yield Case(
        "very_long_url", "/fa/news/very-long-url/" + "x" * 5000, "a 5,000-character URL",
        respond(html_page(article(nxt()))), Dropped("url_too_long"),
    )


def _endless(x: Exchange) -> None:
    """``…/redirect-endless/N`` → ``…/N+1``."""
    step = int(x.path.rsplit("/", 1)[1]) + 1
    redirect(f"{_path('redirect_endless')}/{step}")(x)


CASES: tuple[Case, ...] = tuple(_cases())


def expected_drops(cases: Iterable[Case] = CASES) -> Counter[str]:
    """reason → how many cases must be dropped for it."""
    return Counter(c.expect.reason for c in cases if isinstance(c.expect, Dropped))


# --- the server ----------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    hostile: ClassVar[HostileServer]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.close_connection = True
        host = self.connection.getsockname()[0]
        path = urlsplit(self.path).path
        self.hostile.count(path)
        x = Exchange(self)
        try:
            if host == OTHER_HOST:
                respond(other_host_page())(x)
            elif path.startswith(_path("redirect_endless") + "/"):
                _endless(x)
            else:
                responder = self.hostile.routes.get(path)
                if responder is None:
                    respond("<h1>پیدا نشد</h1>", status="404 Not Found")(x)
                else:
                    responder(x)
        except OSError:  # the client gave up (timeout) or we reset: nothing more to say
            pass

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # a reset connection cannot be flushed
            super().finish()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # resets and client time-outs are what this server is for


class HostileServer:
    """Serves :data:`CASES` on :data:`HOST` and a plain page on :data:`OTHER_HOST`, same port."""

    def __init__(self, port: int = 0, cases: Iterable[Case] = CASES) -> None:
        self.cases = tuple(cases)
        self.port = port
        self.routes: dict[str, Responder] = {}
        for c in self.cases:
            self.routes[urlsplit(c.path).path] = c.respond
            self.routes.update(c.routes)
        self.routes[LISTING_PATH] = self._listing
        self.hits: Counter[str] = Counter()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._servers: list[_Server] = []

    def _listing(self, x: Exchange) -> None:
        links = "\n".join(f'<li><a href="{e(x.url(c.path))}">{e(c.serve)}</a></li>' for c in self.cases)
        respond(f"<html><head><title>آرشیو اخبار</title></head><body><ul>{links}</ul></body></html>")(x)

    def reset(self) -> None:
        """Forget the requests seen, so that a new crawl meets every case as the first did."""
        with self._lock:
            self.hits.clear()

    def count(self, path: str) -> None:
        with self._lock:
            self.hits[path] += 1

    def url(self, case: Case | str) -> str:
        path = case.path if isinstance(case, Case) else case
        return f"http://{HOST}:{self.port}{path}"

    def urls(self) -> list[str]:
        return [self.url(c) for c in self.cases]

    def start(self) -> HostileServer:
        handler = type("HostileHandler", (_Handler,), {"hostile": self})
        for attempt in range(20):  # port 0: a port free on the hostile host may be taken on the other
            main = _Server((HOST, self.port), handler)
            try:
                other = _Server((OTHER_HOST, int(main.server_address[1])), handler)
            except OSError:
                main.server_close()
                if self.port or attempt == 19:
                    raise
                continue
            break
        self.port = int(main.server_address[1])
        servers = [main, other]
        for server in servers:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        self._servers = servers
        return self

    def stop(self) -> None:
        self.stopping.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0, help="port on both addresses (default: a free one)")
    parser.add_argument("--urls", metavar="PATH", help="write the case URLs here (default: stdout)")
    args = parser.parse_args(argv)
    with HostileServer(args.port) as server:
        text = "\n".join(server.urls()) + "\n"
        if args.urls:
            Path(args.urls).write_text(text, encoding="utf-8")
            print(f"serving {len(server.cases)} cases on http://{HOST}:{server.port}/ (URLs in {args.urls})")
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
