"""The syndication report as one self-contained HTML page: right to left, Persian, no network.

Everything the page needs is inline: CSS, one SVG timeline per release, no script, no font
files (a system font stack that covers Persian). A Content-Security-Policy in the page itself
forbids any fetch, so a page opened years later from an archive still renders the same.
Every value from the store is escaped; only http(s) URLs become links. Each copy's text beside
its reference is a closed ``<details>``, so the page reads without a script and opens only what
the reader asks for.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from html import escape
from typing import Any

import jdatetime

from core.syndication.changes import Comparison, Row
from core.syndication.changes_text import word_changes
from storage.models import TRANSLATION
from storage.report import TEHRAN, Coverage, Entry, Outlet, OutletReport, ReleaseReport, Report

FONTS = 'Vazirmatn, "Noto Sans Arabic", "Noto Naskh Arabic", Tahoma, "DejaVu Sans", sans-serif'
CREDIT_LABELS = {
    "source": "منبع اصلی را ذکر کرده",
    "other": "فقط منبع دیگری را ذکر کرده",
    "none": "بدون ذکر منبع",
}
CREDIT_COLOURS = {"source": "#2e7d32", "other": "#e0a000", "none": "#c62828"}
ZERO_COLOUR = "#1f4e79"
JALALI_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
_FA_DIGITS = str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫")

# Timeline geometry (SVG user units; the SVG scales to the page width).
WIDTH = 1100
LABEL_WIDTH = 230
PLOT_LEFT = 28
PLOT_RIGHT = WIDTH - LABEL_WIDTH - 16
LANE_HEIGHT = 28
TOP = 24
AXIS_HEIGHT = 34
NICE_STEPS_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 4320, 10080, 20160, 43200)
MAX_TICKS = 7


# --- text ---------------------------------------------------------------------------------


def fa(value: object) -> str:
    """``value`` as text with Persian digits (and the Persian decimal separator)."""
    return str(value).translate(_FA_DIGITS)


def percent(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return share(part / whole)


def share(value: float) -> str:
    """A share (0.8182) as a Persian percentage («۸۱٫۸٪»)."""
    return fa(f"{100 * value:.1f}".removesuffix(".0")) + "٪"


def duration(seconds: float | None) -> str:
    """A delay in words: «۲ ساعت و ۱۵ دقیقه», «۳ روز و ۴ ساعت»; negative ones are «… زودتر»."""
    if seconds is None:
        return "—"
    minutes = round(abs(seconds) / 60)
    if minutes < 60:
        text = f"{fa(minutes)} دقیقه"
    elif minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        text = f"{fa(hours)} ساعت" + (f" و {fa(rest)} دقیقه" if rest else "")
    else:
        days, rest = divmod(minutes, 24 * 60)
        hours = rest // 60
        text = f"{fa(days)} روز" + (f" و {fa(hours)} ساعت" if hours else "")
    return f"{text} زودتر" if seconds < 0 and minutes else text


def tick_label(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes == 0:
        return "۰"
    earlier = " زودتر" if minutes < 0 else ""  # a sign would drift to the wrong side in RTL text
    minutes = abs(minutes)
    if minutes % (24 * 60) == 0:
        return f"{fa(minutes // (24 * 60))} روز{earlier}"
    if minutes % 60 == 0:
        return f"{fa(minutes // 60)} ساعت{earlier}"
    return f"{fa(minutes)} دقیقه{earlier}"


def jalali(when: datetime) -> str:
    """«۴ مهر ۱۴۰۳، ۱۰:۱۹» in Tehran time."""
    local = when.astimezone(TEHRAN)
    day = jdatetime.date.fromgregorian(date=local.date())
    return fa(f"{day.day} {JALALI_MONTHS[day.month - 1]} {day.year}، {local:%H:%M}")


def gregorian(when: datetime) -> str:
    return f"{when.astimezone(TEHRAN):%Y-%m-%d %H:%M}"


def day_text(day: date) -> str:
    jday = jdatetime.date.fromgregorian(date=day)
    return f"{fa(f'{jday.day} {JALALI_MONTHS[jday.month - 1]} {jday.year}')} <bdi>({day.isoformat()})</bdi>"


def when_html(when: datetime) -> str:
    return (
        f'<span class="date">{escape(jalali(when))}</span> '
        f'<bdi class="greg" dir="ltr">{escape(gregorian(when))}</bdi>'
    )


def outlet_html(outlet: Outlet | None) -> str:
    if outlet is None:
        return '<span class="muted">نامعلوم</span>'
    if outlet.name:
        return f'{escape(outlet.name)} <bdi class="key" dir="ltr">{escape(outlet.site)}</bdi>'
    return f'<bdi dir="ltr">{escape(outlet.site)}</bdi>'


def link(url: str, text_html: str) -> str:
    """A link for http(s) URLs only; anything else (``javascript:`` …) stays plain text."""
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{text_html}</a>'
    return text_html


# --- the timeline chart ---------------------------------------------------------------------


def _scale(delays: Iterable[float]) -> tuple[float, float, float]:
    """``(low, high, step)`` in seconds: a range holding zero and every delay, cut in nice steps."""
    values = [0.0, *delays]
    low, high = min(values), max(values)
    span = max(high - low, 60.0)
    step = next((m * 60 for m in NICE_STEPS_MINUTES if span / (m * 60) <= MAX_TICKS - 1), None)
    if step is None:
        step = math.ceil(span / (MAX_TICKS - 1) / 86400) * 86400
    low = math.floor(low / step) * step
    high = max(math.ceil(high / step) * step, low + step)
    return low, high, step


def timeline_svg(release: ReleaseReport) -> str:
    """Zero on the right beside the lane labels, later copies further left (time runs with the
    page's reading direction); one lane per outlet, one dot per copy coloured by its credit."""
    lanes: list[tuple[str, list[Entry]]] = []
    by_site: dict[str, list[Entry]] = {}
    for copy in release.copies:
        if copy.outlet.site not in by_site:
            by_site[copy.outlet.site] = []
            lanes.append((copy.outlet.label, by_site[copy.outlet.site]))
        by_site[copy.outlet.site].append(copy)
    low, high, step = _scale(c.delay_seconds for c in release.copies)

    def x(seconds: float) -> float:
        return round(PLOT_RIGHT - (seconds - low) / (high - low) * (PLOT_RIGHT - PLOT_LEFT), 1)

    # An origin gets its own lane; without one, zero is the first copy, already in its lane.
    first = 1 if release.zero_is_origin else 0
    axis_y = TOP + (first + len(lanes)) * LANE_HEIGHT
    height = axis_y + AXIS_HEIGHT
    zero_label = "مبدأ" if release.zero_is_origin else "نخستین نسخه"
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-label="{escape(f"خط زمانی: {zero_label} در صفر، هر نسخه در تأخیرش")}" '
        'direction="rtl" xmlns="http://www.w3.org/2000/svg">'
    ]
    tick = low
    while tick <= high + 1e-6:
        tx = x(tick)
        parts.append(
            f'<line class="grid" x1="{tx}" y1="{TOP - 6}" x2="{tx}" y2="{axis_y}"/>'
            f'<text class="tick" x="{tx}" y="{axis_y + 18}" text-anchor="middle">'
            f"{escape(tick_label(tick))}</text>"
        )
        tick += step
    zx = x(0)
    parts.append(f'<line class="zero" x1="{zx}" y1="{TOP - 6}" x2="{zx}" y2="{axis_y}"/>')
    parts.append(f'<line class="axis" x1="{PLOT_LEFT}" y1="{axis_y}" x2="{PLOT_RIGHT}" y2="{axis_y}"/>')
    label_x = WIDTH - 8
    zero = release.zero
    if release.zero_is_origin:
        y = TOP + LANE_HEIGHT / 2
        parts.append(
            f'<text class="lane zero-lane" x="{label_x}" y="{y + 4}" text-anchor="start">'
            f"{escape(_clip(zero.outlet.label))}</text>"
            f'<line class="lane-line" x1="{PLOT_LEFT}" y1="{y}" x2="{PLOT_RIGHT}" y2="{y}"/>'
            f'<rect class="origin" x="{zx - 6}" y="{y - 6}" width="12" height="12" fill="{ZERO_COLOUR}" '
            f'transform="rotate(45 {zx} {y})"><title>{escape(_tooltip(zero, zero_label))}</title></rect>'
            f'<text class="delay zero-label" x="{zx}" y="{y - 10}" text-anchor="middle">{zero_label}</text>'
        )
    else:
        parts.append(
            f'<text class="delay zero-label" x="{zx}" y="{TOP - 10}" text-anchor="middle">{zero_label}</text>'
        )
    for i, (label, copies) in enumerate(lanes, start=first):
        y = TOP + LANE_HEIGHT * i + LANE_HEIGHT / 2
        parts.append(
            f'<text class="lane" x="{label_x}" y="{y + 4}" text-anchor="start">{escape(_clip(label))}</text>'
            f'<line class="lane-line" x1="{PLOT_LEFT}" y1="{y}" x2="{PLOT_RIGHT}" y2="{y}"/>'
        )
        for copy in copies:
            cx = x(copy.delay_seconds)
            colour = CREDIT_COLOURS[copy.credit]
            fill = colour if copy.delay_basis == "published" else "#fff"
            parts.append(
                f'<circle class="copy credit-{copy.credit}" cx="{cx}" cy="{y}" r="6" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2"><title>{escape(_tooltip(copy))}</title></circle>'
                f'<text class="delay" x="{cx}" y="{y - 9}" text-anchor="middle">'
                f"{escape(duration(copy.delay_seconds))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _clip(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tooltip(entry: Entry, zero_label: str | None = None) -> str:
    when = entry.published_at or entry.first_seen_at
    head = f"{entry.outlet.label}: {zero_label or duration(entry.delay_seconds)}"
    basis = "" if entry.published_at is not None else " (نخستین مشاهده)"
    credit = "" if zero_label else f" — {CREDIT_LABELS[entry.credit]}"
    return f"{head}{credit} — {jalali(when)}{basis} — {entry.title}"


# --- page sections --------------------------------------------------------------------------


def _cards(report: Report) -> str:
    cov: Coverage = report.coverage
    cards = [
        ("خبرها", fa(len(report.releases)), "انتشار اصلی با نسخه‌هایش"),
        ("نسخه‌ها", fa(cov.copies), "بازنشر در رسانه‌ها"),
        ("رسانه‌ها", fa(len(report.outlets)), "رسانه‌هایی که بازنشر کرده‌اند"),
        ("پوشش انتساب", percent(cov.with_chain, cov.copies), "نسخه‌هایی که منبعی را ذکر کرده‌اند"),
        ("ذکر منبع اصلی", percent(cov.credited_source, cov.copies), "نسخه‌هایی که منبع خبر را نام برده‌اند"),
        ("بدون ذکر منبع", percent(cov.not_credited, cov.copies), "نسخه‌هایی که هیچ منبعی نگفته‌اند"),
        ("تغییر رقم", fa(cov.figures_changed), f"از {fa(cov.compared)} نسخهٔ مقایسه‌شده با متن مرجع"),
    ]
    alerts = {"بدون ذکر منبع": cov.not_credited, "تغییر رقم": cov.figures_changed}
    items = "".join(
        f'<div class="card{" alert" if alerts.get(title) else ""}">'
        f'<div class="card-title">{title}</div><div class="card-value">{value}</div>'
        f'<div class="card-note">{note}</div></div>'
        for title, value, note in cards
    )
    return f'<section class="cards" aria-label="خلاصه">{items}</section>'


def _credit_bar(row: OutletReport | Coverage) -> str:
    total = row.copies or 1
    segments = [
        ("source", row.credited_source),
        ("other", row.credited_other),
        ("none", row.not_credited),
    ]
    spans = "".join(
        f'<span style="width:{100 * n / total:.2f}%;background:{CREDIT_COLOURS[kind]}" '
        f'title="{escape(CREDIT_LABELS[kind])}: {fa(n)}"></span>'
        for kind, n in segments
        if n
    )
    return f'<div class="bar">{spans}</div>'


def _outlets(report: Report) -> str:
    if not report.outlets:
        return ""
    rows = "".join(
        "<tr>"
        f"<td>{outlet_html(row.outlet)}</td>"
        f'<td class="num">{fa(row.copies)}</td>'
        f'<td class="num">{fa(row.releases)}</td>'
        f'<td class="num">{escape(duration(row.median_delay_seconds))}</td>'
        f'<td class="num">{percent(row.credited_source, row.copies)}</td>'
        f'<td class="num">{percent(row.credited_other, row.copies)}</td>'
        f'<td class="num{" alert" if row.not_credited else ""}">{percent(row.not_credited, row.copies)}'
        f' <span class="muted">({fa(row.not_credited)})</span></td>'
        f"<td>{_credit_bar(row)}</td>"
        "</tr>"
        for row in report.outlets
    )
    return (
        '<section id="outlets"><h2>رسانه‌ها</h2>'
        '<table class="outlets"><thead><tr><th>رسانه</th><th>نسخه‌ها</th><th>خبرها</th>'
        "<th>میانهٔ تأخیر</th><th>ذکر منبع اصلی</th><th>فقط منبع دیگر</th><th>بدون ذکر منبع</th>"
        f"<th>سهم‌ها</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _index(report: Report) -> str:
    rows = "".join(
        "<tr>"
        f'<td><a href="#release-{r.release_id}">{escape(r.title)}</a></td>'
        f"<td>{outlet_html(r.source)}</td>"
        f"<td>{link(r.zero.url, outlet_html(r.zero.outlet)) if r.zero_is_origin else _no_origin()}</td>"
        f"<td>{when_html(r.date)}</td>"
        f'<td class="num">{fa(len(r.copies))}</td>'
        f'<td class="num">{fa(r.outlets)}</td>'
        "</tr>"
        for r in report.releases
    )
    return (
        '<section id="releases"><h2>خبرها</h2>'
        '<table class="releases"><thead><tr><th>عنوان</th><th>منبع</th><th>مبدأ</th><th>تاریخ</th>'
        f"<th>نسخه‌ها</th><th>رسانه‌ها</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _no_origin() -> str:
    return '<span class="muted">خزش نشده</span>'


def _legend() -> str:
    items = [
        f'<span class="key-item"><span class="swatch diamond" style="background:{ZERO_COLOUR}"></span>'
        "مبدأ (صفر)</span>"
    ]
    items += [
        f'<span class="key-item"><span class="swatch" style="background:{CREDIT_COLOURS[kind]}"></span>'
        f"{CREDIT_LABELS[kind]}</span>"
        for kind in ("source", "other", "none")
    ]
    items.append(
        '<span class="key-item"><span class="swatch hollow"></span>'
        "تأخیر بر پایهٔ زمان نخستین مشاهده (تاریخ انتشار نبود)</span>"
    )
    return f'<p class="legend">{"".join(items)}</p>'


def _chain(entry: Entry) -> str:
    if not entry.chain:
        return '<span class="muted">—</span>'
    return " ← ".join(escape(c.name) for c in entry.chain)


def _release(release: ReleaseReport) -> str:
    zero = release.zero
    basis = "" if release.date_basis == "published" else ' <span class="muted">(نخستین مشاهده)</span>'
    origin = (
        f"مبدأ: {link(zero.url, outlet_html(zero.outlet))}"
        if release.zero_is_origin
        else f"مبدأ خزش نشده؛ صفر = نخستین نسخه ({link(zero.url, outlet_html(zero.outlet))})"
    )
    copies = "".join(
        "<tr>"
        f"<td>{outlet_html(c.outlet)}{language_badge(c)}</td>"
        f'<td class="num">{escape(duration(c.delay_seconds))}'
        f"{'' if c.delay_basis == 'published' else ' <span class=muted>(نخستین مشاهده)</span>'}</td>"
        f'<td><span class="dot" style="background:{CREDIT_COLOURS[c.credit]}"></span>'
        f"{CREDIT_LABELS[c.credit]}</td>"
        f"<td>{_chain(c)}</td>"
        f"<td>{_text_cell(c)}</td>"
        f"<td>{link(c.url, escape(c.title))}</td>"
        "</tr>"
        for c in release.copies
    )
    table = (
        f"<details><summary>نسخه‌ها ({fa(len(release.copies))})</summary>"
        '<table class="copies"><thead><tr><th>رسانه</th><th>تأخیر</th><th>ذکر منبع</th>'
        f"<th>زنجیرهٔ نقل</th><th>متن</th><th>عنوان</th></tr></thead><tbody>{copies}</tbody></table>"
        "</details>"
        if release.copies
        else '<p class="muted">هیچ نسخه‌ای از این خبر پیدا نشد.</p>'
    )
    return (
        f'<article class="release" id="release-{release.release_id}">'
        f"<h3>{escape(release.title)}</h3>"
        f'<p class="meta"><span>منبع: {outlet_html(release.source)}</span>'
        f"<span>{origin}</span>"
        f"<span>تاریخ: {when_html(release.date)}{basis}</span>"
        f"<span>{fa(len(release.copies))} نسخه در {fa(release.outlets)} رسانه</span>"
        f"{_figures_headline(release)}</p>"
        f'<div class="chart">{timeline_svg(release)}</div>{table}{_comparisons(release)}</article>'
    )


# --- what each copy changed -----------------------------------------------------------------

CHANGE_LEGEND = (
    '<p class="legend change-legend">'
    '<span class="key-item"><del class="cut">جملهٔ حذف‌شده</del> در نسخه نیامده</span>'
    '<span class="key-item"><ins class="added">جملهٔ افزوده</ins> در مرجع نبوده</span>'
    '<span class="key-item"><mark class="reworded">واژه‌های بازنویسی‌شده</mark> در جمله‌ای که تغییر کرده</span>'
    '<span class="key-item"><mark class="figure">رقم تغییرکرده</mark> عدد، درصد، زمان یا تاریخی دیگر</span>'
    '<span class="key-item"><span class="same-key">جملهٔ بی‌تغییر</span></span>'
    "</p>"
)


def _figures_headline(release: ReleaseReport) -> str:
    """«N نسخه رقم‌ها را تغییر داده‌اند» for a release with compared copies."""
    if not release.compared:
        return ""
    n = release.figures_changed
    return f'<span class="figures{" alert" if n else ""}">{fa(n)} نسخه رقمی را تغییر داده</span>'


def _figure_list(changes: Comparison) -> str:
    return "، ".join(f"{f.before} ← {f.after}" for f in changes.figures)


LANGUAGE_NAMES = {"en": "انگلیسی", "ar": "عربی", "fa": "فارسی"}


def language_badge(entry: Entry) -> str:
    """A badge with the language of a page in another language than Persian («EN»), and «ترجمه»
    for a translation link."""
    if entry.lang == "fa":
        return ""
    name = LANGUAGE_NAMES.get(entry.lang, entry.lang)
    code = escape(entry.lang)
    badge = f' <span class="lang-badge" title="{escape(name)}" lang="{code}">{code.upper()}</span>'
    return badge + (' <span class="lang-badge translation">ترجمه</span>' if entry.link == TRANSLATION else "")


def _evidence_cell(evidence: dict[str, Any]) -> str:
    """A translation's text column: what agreed (figures, names, dates), in the evidence's words."""
    figures = [str(f) for f in evidence.get("figures", [])]
    names = [str(n).split(":", 1)[-1].lstrip("~") for n in evidence.get("names", [])]
    title = "؛ ".join(
        part
        for part in (
            f"ارقام: {'، '.join(figures)}" if figures else "",
            f"نام‌ها: {'، '.join(names)}" if names else "",
            f"تاریخ‌ها: {'، '.join(map(str, evidence.get('dates', [])))}" if evidence.get("dates") else "",
        )
        if part
    )
    counts = f"{fa(len(figures))} رقم و {fa(len(names))} نام مشترک"
    return f'<span class="evidence" title="{escape(title)}">{counts}</span>'


def _text_cell(entry: Entry) -> str:
    """The copies table's text column: the share kept, a mark when figures changed, and a link to
    the copy's side-by-side view; for a translation, the evidence that linked it."""
    if entry.evidence is not None:
        return _evidence_cell(entry.evidence)
    changes = entry.changes
    if changes is None:
        return '<span class="muted">—</span>'
    cell = f'<a href="#copy-{entry.document_id}">{share(changes.kept)} حفظ‌شده</a>'
    if changes.figures:
        cell += (
            f' <span class="figure-mark" title="{escape(_figure_list(changes))}">'
            f"✱ تغییر رقم ({fa(len(changes.figures))})</span>"
        )
    return cell


def _comparisons(release: ReleaseReport) -> str:
    compared = [c for c in release.copies if c.changes is not None]
    if not compared:
        return ""
    views = "".join(_comparison(c, c.changes) for c in compared if c.changes is not None)
    return f'<div class="changes"><h4>متن نسخه‌ها کنار متن مرجع</h4>{CHANGE_LEGEND}{views}</div>'


def _counts(changes: Comparison) -> str:
    parts = [f"{share(changes.kept)} حفظ‌شده"]
    for items, label in (
        (changes.cut, "حذف"),
        (changes.added, "افزوده"),
        (changes.reworded, "بازنویسی"),
        (changes.figures, "تغییر رقم"),
    ):
        if items:
            parts.append(f"{fa(len(items))} {label}")
    if changes.title is not None:
        parts.append("عنوان دیگر")
    return " · ".join(parts)


def _comparison(entry: Entry, changes: Comparison) -> str:
    """One copy's text beside its reference's, closed until opened: reference on the right."""
    title = ""
    if changes.title is not None:
        before, after = marked_words(*changes.title)
        title = f'<p class="title-change">عنوان مرجع: {before}<br>عنوان نسخه: {after}</p>'
    figures = f'<p class="figure-list">رقم‌ها: {escape(_figure_list(changes))}</p>' if changes.figures else ""
    rows = "".join(side_row(row) for row in changes.rows)
    return (
        f'<details class="compare" id="copy-{entry.document_id}">'
        f"<summary>{outlet_html(entry.outlet)} — {escape(entry.title)}"
        f' <span class="muted">({_counts(changes)})</span></summary>'
        f'<p class="against">مرجع: {link(changes.against, _url_text(changes.against))}</p>'
        f"{title}{figures}"
        '<table class="side" dir="rtl"><thead><tr><th>متن مرجع</th><th>متن نسخه</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></details>"
    )


def _url_text(url: str) -> str:
    return f'<bdi dir="ltr">{escape(url)}</bdi>'


def side_row(row: Row) -> str:
    """One sentence row: reference cell, then copy cell (right to left)."""
    gap = '<td class="gap"></td>'
    if row.kind == "cut":
        return f'<tr class="cut"><td><del class="cut">{escape(row.reference or "")}</del></td>{gap}</tr>'
    if row.kind == "added":
        return f'<tr class="added">{gap}<td><ins class="added">{escape(row.copy or "")}</ins></td></tr>'
    if row.kind == "changed":
        before, after = marked_words(row.reference or "", row.copy or "")
        return f'<tr class="changed"><td>{before}</td><td>{after}</td></tr>'
    cells = "".join(
        f"<td>{escape(text)}</td>" if text is not None else gap for text in (row.reference, row.copy)
    )
    return f'<tr class="same">{cells}</tr>'


def marked_words(before: str, after: str) -> tuple[str, str]:
    """Both sentences escaped, the words that differ in ``<mark>``: ``figure`` when they hold
    digits (a number, percentage, time or date), else ``reworded``."""
    old: list[str] = []
    new: list[str] = []
    for op, was, now in word_changes(before, after):
        if op == "equal":
            old.append(escape(was))
            new.append(escape(now))
            continue
        kind = "figure" if any(ch.isdigit() for ch in was + now) else "reworded"
        if was:
            old.append(f'<mark class="{kind} was">{escape(was)}</mark>')
        if now:
            new.append(f'<mark class="{kind} now">{escape(now)}</mark>')
    return " ".join(old), " ".join(new)


def _filters(report: Report) -> str:
    parts = []
    if report.since is not None:
        parts.append(f"از {day_text(report.since)}")
    if report.until is not None:
        parts.append(f"تا {day_text(report.until)}")
    if report.source is not None:
        parts.append(f"منبع: {outlet_html(report.source)}")
    filters = " · ".join(parts) if parts else "همهٔ خبرهای ذخیره‌شده"
    made = f" · ساخته‌شده در {when_html(report.generated_at)}" if report.generated_at else ""
    own = f" · {fa(report.own_stories)} خبر اختصاصی تک‌نسخه‌ای نشان داده نشده" if report.own_stories else ""
    return f'<p class="filters">{filters}{made}{own}</p>'


DEFINITIONS = """
<section id="definitions"><h2>تعریف‌ها</h2><dl>
<dt>مبدأ و صفر</dt><dd>مبدأ، انتشار خبر در وبگاه خود منبع (مثلاً وزارتخانه) است و در نمودار در صفر
می‌نشیند. اگر مبدأ خزش نشده باشد، نخستین نسخه صفر است و همهٔ سندهای آن خبر نسخه شمرده می‌شوند.</dd>
<dt>تأخیر</dt><dd>تاریخ انتشار نسخه منهای تاریخ انتشار صفر. اگر یکی از دو تاریخ نباشد، زمان نخستین
مشاهدهٔ هر دو به‌کار می‌رود (دایرهٔ توخالی). میانهٔ تأخیر هر رسانه فقط نسخه‌های خبرهایی را می‌شمارد
که مبدأشان خزش شده است. همهٔ زمان‌ها به وقت تهران است.</dd>
<dt>ذکر منبع اصلی</dt><dd>زنجیرهٔ نقل نسخه (مثلاً «به گزارش ایسنا به نقل از وزارت …») در جایی منبع خبر
را نام می‌برد.</dd>
<dt>فقط منبع دیگر</dt><dd>نسخه منبعی را ذکر کرده اما نه منبع خبر را (مثلاً فقط خبرگزاری واسط).</dd>
<dt>بدون ذکر منبع</dt><dd>زنجیرهٔ نقل نسخه خالی است: متن همان خبر است ولی هیچ منبعی نام برده نشده.</dd>
<dt>پوشش انتساب</dt><dd>سهم نسخه‌هایی که دست‌کم یک منبع را ذکر کرده‌اند.</dd>
<dt>متن مرجع و تغییر متن</dt><dd>متن هر نسخه (سندی که نسخه ذخیره شده) جمله‌به‌جمله با متن مرجع خبر
مقایسه می‌شود: مبدأ اگر خزش شده باشد، وگرنه نخستین سند منتشرشده. «حفظ‌شده» سهم جمله‌های مرجع است که
در نسخه آمده‌اند، بی‌تغییر یا تغییریافته. جملهٔ حذف‌شده در نسخه نیست، جملهٔ افزوده در مرجع نبوده و
جملهٔ تغییرکرده با واژه‌های دیگر یا رقم دیگری آمده است. ذکر منبع، سطرهای ثابت رسانه‌ها و تفاوت‌های
املایی (ی/ي، نیم‌فاصله، رقم‌های فارسی و لاتین) تغییر شمرده نمی‌شوند.</dd>
<dt>تغییر رقم</dt><dd>نسخه دست‌کم یک عدد، درصد، زمان یا تاریخ متن مرجع را به شکل دیگری آورده است
(نشان ✱ در جدول نسخه‌ها).</dd>
</dl></section>
"""

CSS = f"""
:root {{ color-scheme: light; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; padding: 24px 32px 48px; font-family: {FONTS}; font-size: 15px; line-height: 1.7;
  color: #1d232b; background: #f5f6f8; }}
h1 {{ margin: 0 0 4px; font-size: 26px; }}
h2 {{ margin: 32px 0 12px; font-size: 20px; border-bottom: 2px solid #d7dce2; padding-bottom: 4px; }}
h3 {{ margin: 0 0 6px; font-size: 17px; }}
a {{ color: #1f4e79; text-decoration: none; }}
a:hover {{ text-decoration: underline; }}
.filters, .muted, .card-note, .greg, .key {{ color: #5f6b78; }}
.greg, .key {{ font-size: 12px; white-space: nowrap; }}
.cards {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px;
  margin: 18px 0; }}
.card {{ background: #fff; border-radius: 8px; padding: 10px 14px; border: 1px solid #e1e5ea; }}
.card.alert {{ border-color: #c62828; }}
.card-title {{ font-size: 13px; color: #5f6b78; }}
.card-value {{ font-size: 26px; font-weight: bold; }}
.card-note {{ font-size: 12px; }}
table {{ border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #e1e5ea; }}
th, td {{ padding: 6px 10px; border-bottom: 1px solid #eceff2; text-align: right; vertical-align: top; }}
th {{ background: #eef1f4; font-size: 13px; white-space: nowrap; }}
td.num {{ white-space: nowrap; }}
td.alert {{ color: #c62828; font-weight: bold; }}
.bar {{ display: flex; width: 140px; height: 12px; border-radius: 3px; overflow: hidden;
  background: #eceff2; margin-top: 6px; }}
.bar span {{ display: block; height: 100%; }}
.legend {{ display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 13px; }}
.key-item {{ white-space: nowrap; }}
.swatch, .dot {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin-left: 6px; vertical-align: middle; }}
.swatch.diamond {{ border-radius: 0; transform: rotate(45deg) scale(0.85); }}
.swatch.hollow {{ background: #fff; border: 2px solid #5f6b78; }}
.release {{ background: #fff; border: 1px solid #e1e5ea; border-radius: 8px; padding: 14px 18px;
  margin: 14px 0; page-break-inside: avoid; }}
.meta {{ display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0 0 8px; font-size: 14px; }}
.chart svg {{ display: block; max-width: 100%; height: auto; }}
svg.timeline {{ direction: rtl; font-family: {FONTS}; }}
svg .grid {{ stroke: #e3e7eb; }}
svg .zero {{ stroke: {ZERO_COLOUR}; stroke-dasharray: 4 3; }}
svg .axis {{ stroke: #8a96a3; }}
svg .lane-line {{ stroke: #d3d9df; stroke-dasharray: 1 3; }}
svg .lane {{ font-size: 13px; fill: #1d232b; }}
svg .zero-lane {{ font-weight: bold; fill: {ZERO_COLOUR}; }}
svg .zero-label {{ fill: {ZERO_COLOUR}; }}
svg .tick {{ font-size: 11px; fill: #5f6b78; }}
svg .delay {{ font-size: 11px; fill: #5f6b78; }}
details summary {{ cursor: pointer; color: #1f4e79; margin: 6px 0; }}
table.copies td, table.copies th {{ font-size: 13px; }}
.meta .figures.alert, .figure-mark {{ color: #b45309; font-weight: bold; }}
.figure-mark {{ white-space: nowrap; }}
.lang-badge {{ display: inline-block; padding: 0 6px; margin-inline-start: 4px; border-radius: 4px;
  font-size: 12px; background: #e0e7ff; color: #3730a3; }}
.lang-badge.translation {{ background: #ecfdf5; color: #065f46; }}
.changes h4 {{ margin: 14px 0 4px; font-size: 15px; }}
.change-legend mark, .change-legend del, .change-legend ins, .same-key {{ padding: 0 3px; }}
details.compare {{ border-top: 1px solid #eceff2; padding: 2px 0; }}
details.compare > p {{ margin: 4px 0; font-size: 13px; }}
table.side {{ table-layout: fixed; margin: 6px 0 12px; }}
table.side th, table.side td {{ width: 50%; font-size: 14px; overflow-wrap: anywhere; }}
table.side td.gap {{ background: #f3f4f6; }}
tr.same td, .same-key {{ color: #5f6b78; }}
del.cut {{ background: #fdecea; color: #8e1b1b; text-decoration: line-through;
  text-decoration-color: #c6282899; }}
ins.added {{ background: #e3f2e5; color: #1b5e20; text-decoration: none; }}
mark {{ color: inherit; border-radius: 2px; }}
mark.reworded {{ background: #fff1b8; }}
mark.figure {{ background: #ffd0a1; font-weight: bold; }}
mark.was {{ text-decoration: line-through; text-decoration-color: #8a6d0080; }}
dl {{ background: #fff; border: 1px solid #e1e5ea; border-radius: 8px; padding: 10px 18px; }}
dt {{ font-weight: bold; margin-top: 8px; }}
dd {{ margin: 0 0 4px; }}
@media print {{ body {{ background: #fff; padding: 0; }} details {{ display: block; }} }}
"""


def render(report: Report) -> str:
    """The whole page. Pure: the same report gives the same bytes."""
    body = [
        "<header><h1>گزارش بازنشر خبرها</h1>",
        _filters(report),
        "</header>",
        _cards(report),
        _outlets(report),
    ]
    if report.releases:
        body += [_index(report), '<section id="timelines"><h2>خط زمانی بازنشر</h2>', _legend()]
        body += [_release(r) for r in report.releases]
        body.append("</section>")
    else:
        body.append('<p class="empty">هیچ خبری با این شرط‌ها پیدا نشد.</p>')
    body.append(DEFINITIONS)
    return (
        '<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="Manba scrapy report">'
        f"<title>گزارش بازنشر — منبع</title><style>{CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
