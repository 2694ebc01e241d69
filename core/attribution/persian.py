"""The Persian credit families (DESIGN §4): opening credits and hops, reporters and desks, «به نقل از»,
PR offices and portals, datelines, «X نوشت», and source labels."""

from __future__ import annotations

import re

from core.attribution import lexicon as lx
from core.attribution.scanner import DIRECT, QUOTED, WORD_START, Hop, Name, Scanner

_OPENING = re.compile(
    WORD_START + r"(?:بنا\s?(?:به|بر)\s|به\s?)(?P<verb>گزارش|نوشته)(?!\s(?:ها|های|هایی|ی|ات)(?!\w))"
    r"(?:\s(?=\S)|(?=[«\"]))"
)
_BARE_OPENING = re.compile(r"(?:^|(?<=\n)|(?<=[.!?؟]\s))گزارش(?!\s(?:ها|های|هایی|ی|ات)(?!\w))\s(?=\S)")
_QUOTING = re.compile(
    WORD_START + r"(?P<rank>(?:به\s?|ب)نقل\s?(?:از|ا)?|نقل\sاز|برگرفته\sاز|از\sقول"
    r"|(?:بر\s?اساس|طبق|بنا\s?(?:بر|به)|به|با)\sاعلام)\s(?=\S)"
)
_REPORTER = re.compile(r"خبرنگار(?:ان)?(?!\w)")
_DESK = re.compile(r"(?:گروه|سرویس|بخش|میز)\s")
_SOURCE_LABEL = re.compile(
    r"(?:^|(?<=[\s(\[«A-Za-z•]))(?:منبع|منابع|منبع\sخبر|مأخذ|ماخذ|source|sources|المصدر|kaynak)\s?[:/|]\s?"
    r"|(?:^|(?<=\n))\W{0,3}(?:از|خبرگزاری|برگرفته\sاز)\s?:\s?",
    re.I,
)
_SOURCE_LINE = re.compile(
    r"(?:^|(?<=\n))منبع\s(?!(?:عکس|تصویر|خبر|این|آگاه|مطلع)(?!\w))(?=[^\n]{1,40}(?:\n|$))"
)
_WROTE = re.compile(
    r"(?<!\S)(?:نوشت|نوشته(?:\sاست)?|(?:می\s?)نویسد|گزارش\s(?:داد|داده(?:\s?است)?|کرد|کرده|می\s?دهد)|(?:می\s?)گوید"
    r"|(?P<strong>اعلام\s(?:کرد|کرده|کردند|می\s?کند)|خبر\s(?:داد|داده)|مدعی\sشد|(?<!به\s)گفته(?:\sاست)?|فاش\sکرد"
    r"|منتشر\sکرد|هشدار\s(?:داد|داده)|ادعا\sکرد|ادعا\sکرده|آمده\sاست))(?!\w)"
)
_WROTE_LEAD = frozenset({"همچنین", "اما", "ولی", "و", "نیز", "اینک", "ضمنا"})
_WROTE_LEAD_PHRASE = re.compile(
    r"(?:آن\s?(?:طور|گونه|چنان)|همان\s?(?:طور|گونه)|چنان|به\sطوری|طبق\sآنچه|بر\sاساس\sآنچه)"
    r"(?:\sکه)?\s"
)
_SAYS = frozenset({"اعلام", "اطلاع", "با", "طی", "در", "ضمن", "گزارش", "نوشت", "خبر", "اعلامیه"})
_LINE_START = r"(?:^|(?<=\n)|(?<=[.!?؟:»]\s))"
_DATELINE = re.compile(
    _LINE_START + r"(?P<city>[^\W\d_]+(?:\s[^\W\d_]+){0,2})\s?-\s?(?P<mid>[^\n\-]{1,40}?)\s?--?(?!-)"
)
_PAREN_DATELINE = re.compile(r"\((?P<mid>[^()\n]{1,40})\)\s?--?(?!-)")
_INNER_DATELINE = re.compile(r"(?<!\S)(?P<city>[^\W\d_]+)\s?-\s?(?P<mid>[^\n\-]{1,30}?)\s?--?(?!-)")
_DESK_TAIL = re.compile(r"\s?[-،/]\s?(?:گروه|سرویس|بخش)\s[^:\n\-]{1,30}?\s?[:\-]")
_URL = re.compile(r"(?:https?://)?(?:www\.)?(?P<host>(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(?:/[^\s،؛]*)?")
_GOFTOGOO = r"گفت\s?و?\s?گو"
_INTERVIEW = re.compile(
    WORD_START + r"(?:(?:در|طی|ضمن)\s(?:" + _GOFTOGOO + r"(?:یی|ی)?|مصاحبه(?:\s?ای)?|گفت\s?و\s?شنود)"
    r"(?:\s(?:اختصاصی|تلفنی|ویژه|مفصل|کوتاه|زنده|رسانه\s?ای))?\s(?:با|به)|در\sپاسخ\sبه|با\sحضور\sدر)\s(?=\S)"
)
_INTERVIEW_OF = re.compile(WORD_START + r"(?:" + _GOFTOGOO + r"ی|مصاحبه\s?ی)\s(?=\S)")  # «گفت‌وگوی X با …»
_TOLD = re.compile(r"(?<!\S)(?:گفت|گفته|گفتند|اظهار\s(?:داشت|کرد)|توضیح\sداد|اعلام\sکرد)(?!\w)")
_DATA = re.compile(
    WORD_START + r"(?:بر\s?اساس|طبق|بنا\s?(?:به|بر)|مطابق(?:\sبا)?|به\sاستناد|بر\s?پایه)\s"
    r"(?:(?:آخرین|جدیدترین|تازه\s?ترین|تازه)\s)?"
    r"(?:آمار|گزارش|اطلاعات|داده|برآورد|ارزیابی|نتایج|اطلاعیه|بیانیه|سرشماری|نظرسنجی)(?:\s?(?:ها|های|هایی|ی))?"
    r"(?:\s(?:رسمی|جدید|منتشر\s?شده|اعلام\s?شده|ارائه\s?شده|منتشره|تازه|اخیر|فصلی|ماهانه|سالانه|قبلی|اولیه))*"
    r"(?:\s(?:از\sسوی|توسط|از))?\s(?=\S)"
)
_DATA_THAT = re.compile(WORD_START + r"(?:آمار|گزارش|اطلاعات)ی\sکه\s(?=\S)")  # «طبق آماری که X منتشر کرده»
_DATA_SHOWS = re.compile(
    WORD_START + r"(?:(?:آخرین|جدیدترین|تازه\s?ترین)\s)?(?:آمار|گزارش|داده\s?(?:ها|های)|اطلاعات)"
    r"(?:\s(?:رسمی|جدید|منتشر\s?شده|تازه))?\s(?=\S)"
)
_SHOWS = re.compile(r"(?<!\S)(?:نشان|حاکی|حکایت)(?!\w)")
_TRAIL = re.compile(r"(?:\./|/|\s-)\s?(?P<name>[^/\n\-.:]{2,40}?)\s?\.?[ \t]*$", re.M)
_TRAIL_PARENS = re.compile(r"\((?P<name>[^()\n]{2,30})\)[.\s]*$", re.M)
_MORE_AT = re.compile(
    WORD_START + r"(?:ادامه|متن\sکامل)\s(?:خبر|مطلب|گزارش|این\s(?:خبر|مطلب|گزارش))(?:\sرا)?\sدر\s"
)
_AT_SOURCE = re.compile(r"\sمشاهده\sدر\sمرجع")
_EXCLUSIVE = re.compile(r"اختصاصی\s")
_LINE_DATELINE = re.compile(r"[^\W\d_]+(?:\s[^\W\d_]+)?\s?-\s?(?P<name>[^\n\-:]{2,30}?)\s*(?=\n|$)")
_STATED_IN = re.compile(
    WORD_START + r"(?:در|طبق|بر\s?اساس)\s"
    r"(?:مطلب|بیانیه|اطلاعیه|گزارش|پیام|متن|اعلامیه|پست|توییت|یادداشت)(?:ی)?\s(?=\S)"
)
_STATED = re.compile(r"(?<!\S)(?:آمده|آمد|اعلام\sشده|تاکید\sشده)(?!\w)")
_NEWLINE = re.compile(r"\n")
_LATIN = re.compile(r"[A-Za-z]")
_PORTAL_HEADS = frozenset({"پایگاه", "درگاه", "سامانه", "شبکه", "مرکز", "سایت", "وبسایت", "و"})
_POINTS_BACK = frozenset({"از", "گزارش", "نوشته", "نقل", "عن"})


class PersianFamilies(Scanner):
    # --- the families ------------------------------------------------------------------------
    def opening(self) -> None:
        """«به گزارش X، …», «به گزارش X به نقل از Y», «به گزارش خبرنگار X», «به نوشته X», «گزارش X، …»."""
        s = self.s
        for m in _OPENING.finditer(s):
            self.opening_at(m.start(), m.end(), bare=False)
        for m in _BARE_OPENING.finditer(s):
            self.opening_at(m.start(), m.end(), bare=True)

    def opening_at(self, start: int, p: int, *, bare: bool) -> None:
        s = self.s
        if not bare:
            reporter = _REPORTER.match(s, p)
            marker = reporter or _DESK.match(s, p)
            if marker is not None:
                self.reporter_or_desk(start, marker.end(), reporter is not None)
                return
        name = self.scan(p)
        if name is None:
            return
        if name.end == name.start:  # «به گزارش روابط عمومی، …» on the organisation's own page
            if not bare and name.stop in ("hard", "end"):
                self.add(start, DIRECT, self.hops(None, start, name.end), own=True)
            return
        if bare and not (name.hit or (self.headed(name) and name.stop == "hard")):
            return
        if not self.accept(name, strict=True):
            return
        self.add(start, DIRECT, self.hops(name, start, name.end))

    def reporter_or_desk(self, start: int, p: int, reporter: bool) -> None:
        """«به گزارش خبرنگار اقتصادی X»: X's story (own reporting on X's own site); «به گزارش گروه فناوری X»:
        X's desk; «به گزارش خبرنگار ما»: own reporting."""
        found, q = self.desk_name(p, reporter)
        if found is None:
            self.add(start, DIRECT, self.hops(None, start, q), own=True)
            return
        key = found.hit[0] if found.hit else None
        if reporter and key is not None and key == self.publisher:
            self.add(start, DIRECT, self.hops(None, start, found.end), own=True)
            return
        self.add(start, DIRECT, self.hops(found, start, found.end))

    def desk_name(self, p: int, reporter: bool) -> tuple[Name | None, int]:
        """The outlet after a reporter or desk («خبرنگار [اقتصادی] X», «گروه سیاسی «X»»), and where the
        search stopped. Desk words come first; the outlet is a known, headed or quoted name, or the last
        words before the clause ends when they read as a brand («… سیرجان خبر،»)."""
        s = self.s
        q = p
        words: list[tuple[int, int]] = []
        for _ in range(8):
            q = self.skip(q)
            if self.stop_at(q) in ("hard", "end", "connector") and s[q:q + 1] not in "«\"":
                break
            if s[q:q + 1] in "«\"":
                name = self.scan(q)
                return (name, q) if name is not None and self.brand(name) else (None, q)
            word = lx.WORD.match(s, q)
            if word is None:
                break
            nxt = lx.WORD.match(s, self.skip(word.end()))
            if self.index.match_at(s, q) is not None or lx.PR_PREFIX.match(s, q) or \
                    lx.head_kind(word.group(), nxt.group() if nxt else "")[0]:
                name = self.scan(q)
                return (name, q) if name is not None and self.accept(name, strict=True) else (None, q)
            if reporter and word.group() == "ما":
                return None, word.end()
            if self.stop_at(q) == "soft":
                break
            words.append(word.span())
            q = word.end()
        stop = self.stop_at(self.skip(q)) if words else None
        if stop in ("hard", "end", "connector"):
            for k in range(1, min(3, len(words)) + 1):
                name = self.make(words[-k][0], words[-1][1], words[-k][0], False, False)
                if self.brand(name):
                    return name, q
        return None, q

    def quoting(self) -> None:
        """«به نقل از X» wherever it stands; «برگرفته از X» as a label."""
        s = self.s
        for m in _QUOTING.finditer(s):
            rank = DIRECT if m.group("rank").startswith("برگرفته") else QUOTED
            name = self.any_scan(m.end())
            if m.group("rank") == "از قول" and not self.brand(name):
                continue  # «از قول» mostly quotes a person
            if name is not None and name.end > name.start and self.accept_any(name):
                self.add(m.start(), rank, self.hops(name, m.start(), name.end))

    def pr_office(self) -> None:
        """«روابط عمومی X اعلام کرد …» and a «روابط عمومی X» signature on its own line."""
        s = self.s
        for m in lx.PR_OFFICE.finditer(s):
            start = m.start()
            if start > 0 and not s[start - 1].isspace():
                continue
            before = lx.WORD.findall(s[max(0, start - 30):start])
            if before and (before[-1] in lx.PERSON_TITLES or before[-1] in _POINTS_BACK
                           or before[-1] in _PORTAL_HEADS):
                continue
            name = self.scan(start)
            if name is None or name.end == name.start or not self.accept(name, strict=False):
                continue
            line_start = start == 0 or s[start - 1] == "\n"
            after = lx.WORD.match(s, self.skip(name.end))
            if (name.stop == "soft" and after and after.group() in _SAYS) or (
                    line_start and (name.end >= len(s) or s[self.skip(name.end)] in "\n.")):
                self.add(start, QUOTED, self.hops(name, start, name.end))

    def datelines(self) -> None:
        """«تهران - ایرنا -», «تهران (ایرنا) -», «TEHRAN (MNA) –», «ایسنا - گروه اقتصادی:»."""
        s = self.s
        for m in _DATELINE.finditer(s):
            if any(w in lx.STOP_WORDS or w in lx.NOT_A_SOURCE for w in m.group("city").split()):
                continue
            name = self.scan(m.start("mid"))
            if name is None or name.end != m.end("mid") or name.end == name.start:
                continue
            at_start = m.start() == 0 or s[m.start() - 1] == "\n"
            if (name.hit or (at_start and len(name.words) <= 3)) and self.accept(name, strict=True):
                self.add(m.start(), DIRECT, [Hop(name, m.start(), m.end())])
        for m in _INNER_DATELINE.finditer(s):  # «روز ۱۵ مهر تهران - ایرنا - …»: a known agency only
            name = self.scan(m.start("mid"))
            if name is not None and name.hit and name.end == m.end("mid") and self.accept(name, strict=True):
                self.add(m.start(), DIRECT, [Hop(name, m.start(), m.end())])
        for m in _PAREN_DATELINE.finditer(s):
            mid = m.group("mid").strip()
            line = max(s.rfind("\n", 0, m.start()) + 1, 0)
            head = s[line:m.start()]
            at_start = len(head) <= 40 and not re.search(r"[.!?؟]\s", head)
            hit = self.index.resolve(mid)
            if hit is None and mid.split()[0].lower() in lx.NOT_A_SOURCE:
                continue  # «TEHRAN (Dispatches) –»: Kayhan's wires, no one in particular
            latin = re.fullmatch(r"[A-Z][A-Za-z0-9&. ]{1,30}", mid) is not None
            if hit is None and not (latin and (mid.isupper() or at_start)) and \
                    not (at_start and head.strip() and len(mid.split()) <= 2):
                continue
            name = self.make(m.start("mid"), m.end("mid"), m.start("mid"), False, hit is not None)
            capital_city = latin and at_start and head.strip()[:1].isupper()
            if hit is None and not capital_city and \
                    not (self.en_accept(name) if latin else self.accept(name, strict=True)):
                continue
            phrase = line if at_start and head.strip() else m.start()
            self.add(phrase, DIRECT, [Hop(name, phrase, m.end())])
        for line in [0, *(m.end() for m in _NEWLINE.finditer(s))]:
            name = self.scan(line)
            if name is None or name.end == name.start:
                continue
            tail = _DESK_TAIL.match(s, name.end)
            if tail and (name.hit or self.headed(name) or len(name.words) <= 2) and \
                    self.accept(name, strict=True):
                self.add(line, DIRECT, [Hop(name, line, tail.end())])

    def wrote(self) -> None:
        """«روزنامه X نوشت:», «خبرگزاری X گزارش داد», «آن‌طور که X گزارش داده است», «سازمان X اعلام کرد:»:
        the subject is the source. A subject needs a head word, a known name or a media word."""
        s = self.s
        for m in _WROTE.finditer(s):
            clause = self.clause_start(m.start())
            if not lx.WORD.findall(s[clause:m.start()]):  # «X در بخشی از مطلب خود …، نوشت:»
                clause = self.clause_start(clause - 1)
            q = self.skip(clause)
            led = False
            while True:
                lead = _WROTE_LEAD_PHRASE.match(s, q)
                led = led or lead is not None
                word = lx.WORD.match(s, q)
                if lead is not None:
                    q = self.skip(lead.end())
                elif word is not None and word.group() in _WROTE_LEAD:
                    q = self.skip(word.end())
                else:
                    break
            name = self.subject(q, m.start())
            if name is None or any(w in lx.PERSON_TITLES for w in lx.WORD.findall(s[q:name.start])):
                continue  # «معاون … وزارت ارتباطات اعلام کرد», «سخنگوی دولت نوشت:»: a person speaks
            q = name.outer
            hops = [h for h in self.hops(name, q, name.end) if h.name.end <= m.start()]
            gap = len(lx.WORD.findall(s[hops[-1].name.end:m.start()]))
            if gap > (20 if name.hit or self.headed(name) else 6):
                continue
            if m.group("strong") and not (name.hit or self.headed(name) or self.cued(name)):
                continue
            opening = lx.WORD.search(s, 0, q) is None
            if m.group("strong") and not led and s[m.end():m.end() + 1] != ":" and not self.press(name) \
                    and not opening:
                continue  # «X اعلام کرد:» credits X; «X اعلام کرده است که …» inside a story reports it,
                # unless X is a known source, the press («روزنامه تلگراف … هشدار داده است») or the
                # subject the text opens with («یونیسف در گزارشی جدید اعلام کرد …»: its lead)
            colon = m.end() + 1 if s[m.end():m.end() + 1] == ":" else m.end()
            hops[0] = Hop(name, q, colon if len(hops) == 1 else None)
            self.add(q, DIRECT, hops)

    def press(self, name: Name) -> bool:
        """A known source, or a name headed as a newspaper or a news agency."""
        return name.hit is not None or lx.head_of(name.words)[1] in ("agency", "newspaper")

    def subject(self, q: int, verb: int) -> Name | None:
        """The organisation that is the subject of a reporting verb at ``verb``: the clause's first
        name («روزنامه X در گزارشی … نوشت»), else the name right before the verb («… در همین راستا کاخ
        سفید اعلام کرد»)."""
        s = self.s
        if q < verb:
            name = self.scan(q)
            if name is not None and name.end > name.start and name.end <= verb and self.brand(name) and (
                    self.accept(name, strict=False, soft_ok=True) or self.cued(name)):
                return name
        spans = [w.span() for w in lx.WORD.finditer(s, max(q, verb - 60), verb)][-5:]
        for start, _ in spans:
            name = self.scan(start)
            if name is not None and name.hit is None and not self.headed(name):
                continue
            if name is not None and self.skip(name.end_phrase or name.end) == verb and self.brand(name):
                return name
        return None

    def clause_start(self, end: int) -> int:
        s = self.s
        return max(s.rfind(c, 0, end) for c in "،؛:.!?؟\n") + 1

    def source_labels(self) -> None:
        """«منبع: X», «منبع:X», «منبع:» then X on the next line, "Source: X", «المصدر: X»."""
        s = self.s
        starts = [(m.start(), m.end(), False) for m in _SOURCE_LABEL.finditer(s)]
        starts += [(m.start(), m.end(), True) for m in _SOURCE_LINE.finditer(s)]
        for start, p, whole_line in starts:
            if p < len(s) and s[p] == "\n":
                p += 1
            url = _URL.match(s, p)
            if url and "." in url.group():
                hit = self.index.resolve(url.group())
                host = url.span("host")
                link = Name(host[0], host[1], p, "hard", hit, hit is not None, False, (url.group("host"),))
                self.add(start, DIRECT, [Hop(link, start, url.end())])
                continue
            latin = re.match(r"[A-Za-z]", s[p:p + 1]) is not None
            name = self.en_scan(p) if latin else self.scan(p)
            if name is None or name.end == name.start:
                continue
            if latin and not (name.hit or self.en_accept(name) or name.stop in ("hard", "end")):
                continue
            if not latin and not self.accept(name, strict=False, soft_ok=True):
                continue
            if whole_line and s[self.skip(name.end):self.skip(name.end) + 1] not in ("", "\n"):
                continue  # «منبع درآمد این شرکت …» is a sentence, not a label
            self.add(start, DIRECT, self.hops(name, start, name.end))


    # --- statements given to an outlet ----------------------------------------------------------
    def outlet_at(self, p: int) -> Name | None:
        """An outlet named at ``p``, perhaps through its reporter («خبرنگار [پارلمانی] مهر»)."""
        s = self.s
        p = self.skip(p)
        reporter = _REPORTER.match(s, p)
        if reporter is not None:
            name, _ = self.desk_name(reporter.end(), True)
            return name
        name = self.any_scan(p)
        if name is None or name.end <= name.start:
            return None
        if _LATIN.match(s, name.start):
            return name if name.hit or self.en_accept(name) else None
        return name if self.brand(name) else None

    def interviews(self) -> None:
        """«در گفت‌وگو با ایسنا», «در پاسخ به ایسنا گفت», «به خبرنگار مهر گفت», «گفت‌وگوی X با …»: the
        outlet that took the statement is its source."""
        s = self.s
        for m in _INTERVIEW.finditer(s):
            name = self.outlet_at(m.end())
            if name is not None:
                self.add(m.start(), DIRECT, [Hop(name, m.start())])
        for m in _INTERVIEW_OF.finditer(s):
            name = self.outlet_at(m.end())
            after = self.skip(name.end_phrase or name.end) if name is not None else 0
            if name is not None and s.startswith("با ", after):
                self.add(m.start(), DIRECT, [Hop(name, m.start())])
        for m in _TOLD.finditer(s):
            sentence = max(s.rfind(c, 0, m.start()) for c in ".!?؟\n:") + 1
            at = s.rfind("به ", max(sentence, m.start() - 80), m.start())
            if at < 0 or (at > 0 and not s[at - 1].isspace()) or len(s[at:m.start()].split()) > 7:
                continue
            name = self.outlet_at(at + 3)
            after = self.skip(name.end_phrase or name.end) if name is not None else -1
            if s[after:after + 1] == "،":
                after = self.skip(after + 1)
            if name is not None and after == m.start():
                self.add(at, DIRECT, [Hop(name, at, m.end())])

    # --- data and reports of a body ------------------------------------------------------------
    def data_sources(self) -> None:
        """«بر اساس آمار گمرک», «طبق آماری که وزارت صمت منتشر کرده», «گزارش بانک مرکزی نشان می‌دهد»."""
        s = self.s
        for pattern in (_DATA, _DATA_THAT):
            for m in pattern.finditer(s):
                name = self.any_scan(m.end())
                if name is None or name.end <= name.start:
                    continue
                latin = _LATIN.match(s, name.start) is not None
                if (latin and (name.hit or self.en_accept(name))) or (not latin and self.brand(name)
                                                                    and (name.hit or self.headed(name))):
                    self.add(m.start(), QUOTED, self.hops(name, m.start(), name.end))
        for m in _STATED_IN.finditer(s):  # «در بیانیه وزارت خارجه آمده است»
            name = self.scan(m.end())
            if name is None or not (name.hit or (self.brand(name) and self.headed(name))):
                continue
            stated = _STATED.match(s, self.skip(name.end_phrase or name.end))
            if stated:
                self.add(m.start(), QUOTED, [Hop(name, m.start())])
        for m in _DATA_SHOWS.finditer(s):
            name = self.scan(m.end())
            if name is None or not (name.hit or (self.brand(name) and self.headed(name))):
                continue
            sentence = re.split(r"[.!?؟\n]", s[name.end:name.end + 200], maxsplit=1)[0]
            shows = _SHOWS.search(sentence)
            if shows and len(sentence[:shows.start()].split()) <= 12:
                self.add(m.start(), QUOTED, [Hop(name, m.start())])

    # --- the outlet's name on a line of its own, before or after the text ------------------------
    def line_labels(self) -> None:
        """«تسنیم: …», «ایلنا - …», «فرادید | …», «افق نیوز/فارس: …», «اختصاصی پارس؛», «جارستان به نقل از
        ایرنا؛», «از روابط عمومی X؛», «قنیطره – سانا», a known name alone on a line, «X مشاهده در مرجع»."""
        s = self.s
        for line in [0, *(m.end() for m in _NEWLINE.finditer(s))]:
            p = self.skip(line)
            while s[p:p + 1] in ("•", "*", "#", "🔹", "-"):
                p = self.skip(p + 1)
            exclusive = _EXCLUSIVE.match(s, p)
            if exclusive:
                p = exclusive.end()
            elif s.startswith("از ", p) and lx.PR_OFFICE.match(s, p + 3):
                p += 3
            if _DESK.match(s, p) or _REPORTER.match(s, p) or _OPENING.match(s, p) or _QUOTING.match(s, p):
                continue
            dateline = _LINE_DATELINE.match(s, p)
            if dateline:
                name = self.scan(dateline.start("name"))
                if name is not None and name.end == dateline.end("name") and self.brand(name):
                    self.add(line, DIRECT, [Hop(name, line, dateline.end("name"))])
                continue
            name = self.any_scan(p)
            if name is None or name.end <= name.start:
                continue
            latin = _LATIN.match(s, name.start) is not None
            end = name.end_phrase or name.end
            after = self.skip(end)
            sep = s[after:after + 1]
            connector = lx.CONNECTOR.match(s, after)
            if connector is not None and connector.group().startswith("از ") and \
                    not connector.group().startswith("از قول"):
                connector = None
            if exclusive is not None or connector is not None:
                sep = "|" if sep not in ("", "\n") else sep
            if latin:
                plausible = name.hit is not None or (self.en_accept(name) and self.cued(name))
            else:
                # the text's first line: a short name before «:» or «؛» is its outlet's lead label
                lead = line == 0 and sep in (":", "؛") and (after + 1 >= len(s) or s[after + 1] != "\n") and \
                    not all(w in lx.HEAD_WORDS for w in name.words) and not _SOURCE_LABEL.match(s, p)
                plausible = name.hit is not None or self.label_name(name, "|" if lead else sep)
            if not plausible:
                continue
            if all(w in lx.PLACES for w in name.words) and not name.hit:
                continue
            ambiguous = self.index.is_ambiguous(s[name.start:name.end]) and connector is None
            at_source = _AT_SOURCE.match(s, end)
            if at_source:
                self.add(line, DIRECT, [Hop(name, line, at_source.end())])
            elif sep in ("", "\n") and name.hit and not ambiguous and after - line < 60:
                self.add(line, DIRECT, [Hop(name, line, end)])
            elif (connector is None and (sep in (":", "|", "/", "؛") or (sep == "-" and not ambiguous))) or (
                    exclusive is not None and sep in ("،", "")) or (sep == "؛" and name.prefixed):
                hops = [Hop(name, line, after + 1)]
                if sep == "/":
                    second = self.any_scan(after + 1)
                    if second is not None and second.end > second.start and (
                            second.hit or self.brand(second)) and \
                            s[self.skip(second.end_phrase or second.end):][:1] in (":", "-", "|", "/", ""):
                        hops.append(Hop(second, after + 1))
                    elif not ((name.hit and not ambiguous) or re.match(r"\s?\d", s[after + 1:after + 3])):
                        continue
                self.add(line, DIRECT, hops)
            elif connector is not None:
                self.add(line, DIRECT, self.hops(name, line, name.end))

    def signoffs(self) -> None:
        """«… ./تسنیم», «… / ایرنا», a title ending «- تسنیم», «(بی بی سی)» closing a paragraph, «ادامه خبر در
        ایسنا»: a known name, or one with a media word."""
        s = self.s
        for m in _TRAIL.finditer(s):
            name = self.any_scan(m.start("name"))
            if name is None or self.skip(name.end_phrase or name.end) < m.end("name") - 1:
                continue
            if (name.hit and not self.index.is_ambiguous(s[name.start:name.end])) or (
                    not name.hit and self.brand(name) and self.cued(name)):
                self.add(m.start(), DIRECT, [Hop(name, m.start(), m.end("name"))])
        for m in _TRAIL_PARENS.finditer(s):
            hit = self.index.resolve(m.group("name"))
            if hit is not None and not self.index.is_ambiguous(m.group("name")):
                name = self.make(m.start("name"), m.end("name"), m.start("name"), False, True)
                self.add(m.start(), DIRECT, [Hop(name, m.start(), m.end("name") + 1)])
        for m in _MORE_AT.finditer(s):
            name = self.outlet_at(m.end())
            if name is not None:
                self.add(m.start(), DIRECT, [Hop(name, m.start())])
