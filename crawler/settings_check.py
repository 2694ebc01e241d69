"""Manba's numeric and on/off settings: the rule each must follow, and one error when it does not.

A value that breaks its rule (``-s MANBA_PROGRESS_INTERVAL=-5``, ``=abc``) is a usage error, not a
reason to switch a component off: components read their values through :func:`read_bool`,
:func:`read_int` and :func:`read_float` and get :class:`InvalidSetting`; ``NotConfigured`` stays
for a component that is switched off. The commands that start a crawl call :func:`check_settings`
first, so the user sees one line naming the setting and its value, and exit status 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from scrapy.settings import BaseSettings

from core.checks import CheckLimits
from core.recrawl import RecrawlPolicy

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class InvalidSetting(ValueError):
    """A MANBA setting whose value breaks its rule; the message names both."""


@dataclass(frozen=True)
class Rule:
    kind: type[bool] | type[int] | type[float]
    meaning: str
    minimum: float | None = None
    above: bool = False
    """The minimum itself is not allowed."""

    def expects(self) -> str:
        if self.kind is bool:
            return "on or off: 1/0, true/false, yes/no, on/off"
        noun = "a whole number" if self.kind is int else "a number"
        if self.minimum is None:
            return noun
        return f"{noun} {'>' if self.above else '≥'} {self.minimum:g}"


def _flag(meaning: str) -> Rule:
    return Rule(bool, meaning)


def _count(meaning: str, minimum: int = 0) -> Rule:
    return Rule(int, meaning, minimum)


def _seconds(meaning: str, *, positive: bool = False) -> Rule:
    return Rule(float, meaning, 0, above=positive)


def _minutes(meaning: str) -> Rule:
    return Rule(float, f"minutes {meaning}", 0, above=True)


RULES: dict[str, Rule] = {
    # switches
    "MANBA_PROGRESS_ENABLED": _flag("the progress log"),
    "MANBA_VALIDATE_ENABLED": _flag("the validate pipeline"),
    "MANBA_NORMALISE_ENABLED": _flag("the normalise pipeline"),
    "MANBA_ATTRIBUTION_ENABLED": _flag("the attribution pipeline"),
    "MANBA_FOLLOW_ORIGINS": _flag("origin following"),
    "MANBA_ORIGIN_EXPLAIN": _flag("why origin following stopped, logged at INFO for each copy"),
    "MANBA_STORE_ENABLED": _flag("the store"),
    "MANBA_STORE_PROCESSES": _flag("writer processes rather than threads"),
    "MANBA_CROSSLINGUAL": _flag("links to English and Arabic retellings"),
    "MANBA_INCREMENTAL": _flag("incremental crawling"),
    "MANBA_PAGECACHE_ENABLED": _flag("the fetch-once page cache"),
    "MANBA_RETRY_AFTER_ENABLED": _flag("retrying after Retry-After"),
    "MANBA_ALLOW_LOOPBACK": _flag("requests to loopback addresses"),
    # numbers
    "MANBA_PROGRESS_INTERVAL": _seconds("seconds between progress lines; 0: none"),
    "MANBA_RETRY_AFTER_MAX": _seconds("seconds: the longest Retry-After waited for"),
    "MANBA_RETRY_AFTER_GIVE_UP": _count("429/503 answers in a row after which a host is given up (0: never)"),
    "MANBA_MIN_BODY_CHARS": _count("characters: a shorter body is dropped"),
    "MANBA_STORE_WRITERS": _count("writer processes or threads", minimum=1),
    "MANBA_STORE_GROUP_SIZE": _count("items a writer process stores in one transaction, at most", minimum=1),
    "MANBA_STORE_GROUP_WAIT": _seconds("seconds a writer process waits for more items to store along"),
    "MANBA_DATE_FUTURE_TOLERANCE_HOURS": Rule(float, "hours a publication date may lie ahead of now", 0),
    "MANBA_PAGECACHE_MEMORY_MB": Rule(float, "megabytes of pages cached in memory", 0),
    "MANBA_PAGECACHE_WAIT": _seconds("seconds to wait for another request's download", positive=True),
    "MANBA_PAGECACHE_TTL": _seconds("seconds Redis keeps a page", positive=True),
    "MANBA_RECHECK_MAX_PER_RUN": _count("re-checks added to one crawl"),
    "MANBA_RECHECK_YOUNG_MINUTES": _minutes("before a page under a day old is checked again"),
    "MANBA_RECHECK_WEEK_MINUTES": _minutes("before a page under a week old is checked again"),
    "MANBA_RECHECK_OLD_MINUTES": _minutes("before an older page is checked again"),
    "MANBA_POLL_MIN_MINUTES": _minutes("between polls of a source, at least"),
    "MANBA_POLL_START_MINUTES": _minutes("between the first polls of a source"),
    "MANBA_POLL_MAX_MINUTES": _minutes("between polls of a source, at most"),
    "MANBA_CHECK_MAX_ERRORS": _count("errors a crawl may log and still pass its checks"),
    "MANBA_ORIGIN_MAX_CANDIDATES": _count("candidate origins fetched for one item"),
    "MANBA_ORIGIN_MAX_QUERIES": _count("site searches for one item"),
    "MANBA_ORIGIN_LISTING_PAGES": _count("listing pages read for one item"),
    "MANBA_ORIGIN_WINDOW_DAYS": _count("days an origin may precede its copy"),
    "MANBA_ORIGIN_PAGES_REMEMBERED": _count("candidate pages and listings origin following keeps", minimum=1),
    "MANBA_ORIGIN_LISTING_TTL": _seconds("seconds before origin following reads a listing again",
                                         positive=True),
    "MANBA_REDIS_LEASE": _seconds("seconds a silent worker or job lives", positive=True),
    "MANBA_REDIS_IDLE_CLOSE": _seconds("seconds of an empty frontier before a worker closes"),
    "MANBA_REDIS_FINGERPRINT_TTL": _seconds("seconds of one fingerprint period", positive=True),
}


def invalid(name: str, raw: object, expects: str) -> InvalidSetting:
    return InvalidSetting(f"{name}={raw}: must be {expects}")


def _convert(rule: Rule, raw: object) -> bool | int | float:
    """The value ``raw`` stands for, or ValueError."""
    if rule.kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in TRUE or text in FALSE:
            return text in TRUE
        raise ValueError(raw)
    if isinstance(raw, bool):
        raise ValueError(raw)
    number = float(raw) if isinstance(raw, int | float) else float(str(raw).strip())
    if not math.isfinite(number):
        raise ValueError(raw)
    if rule.kind is int:
        if not number.is_integer():
            raise ValueError(raw)
        value: int | float = int(number)
    else:
        value = number
    if rule.minimum is not None and (value <= rule.minimum if rule.above else value < rule.minimum):
        raise ValueError(raw)
    return value


def _read(settings: BaseSettings, name: str, kind: type, default: bool | int | float) -> bool | int | float:
    rule = RULES[name]
    assert rule.kind is kind, f"{name} is read as {kind.__name__}, its rule says {rule.kind.__name__}"
    raw = settings.get(name)
    if raw is None:
        return default
    try:
        return _convert(rule, raw)
    except (TypeError, ValueError):
        raise invalid(name, raw, f"{rule.expects()} ({rule.meaning})") from None


def read_bool(settings: BaseSettings, name: str, default: bool) -> bool:
    return bool(_read(settings, name, bool, default))


def read_int(settings: BaseSettings, name: str, default: int) -> int:
    return int(_read(settings, name, int, default))


def read_float(settings: BaseSettings, name: str, default: float) -> float:
    return float(_read(settings, name, float, default))


def _minutes_setting(settings: BaseSettings, name: str, default: timedelta) -> timedelta:
    return timedelta(minutes=read_float(settings, name, default.total_seconds() / 60))


def recrawl_policy(settings: BaseSettings) -> RecrawlPolicy:
    """``MANBA_RECHECK_{YOUNG,WEEK,OLD}_MINUTES``, ``MANBA_POLL_{MIN,START,MAX}_MINUTES``."""
    d = RecrawlPolicy()
    poll = {
        "MANBA_POLL_MIN_MINUTES": _minutes_setting(settings, "MANBA_POLL_MIN_MINUTES", d.poll_min),
        "MANBA_POLL_START_MINUTES": _minutes_setting(settings, "MANBA_POLL_START_MINUTES", d.poll_start),
        "MANBA_POLL_MAX_MINUTES": _minutes_setting(settings, "MANBA_POLL_MAX_MINUTES", d.poll_max),
    }
    low, start, high = poll.values()
    if not low <= start <= high:
        name = next((n for n in poll if settings.get(n) is not None), "MANBA_POLL_MIN_MINUTES")
        order = " ≤ ".join(f"{n} ({v.total_seconds() / 60:g})" for n, v in poll.items())
        raise invalid(name, settings.get(name), f"such that {order}")
    return RecrawlPolicy(
        recheck_young=_minutes_setting(settings, "MANBA_RECHECK_YOUNG_MINUTES", d.recheck_young),
        recheck_week=_minutes_setting(settings, "MANBA_RECHECK_WEEK_MINUTES", d.recheck_week),
        recheck_old=_minutes_setting(settings, "MANBA_RECHECK_OLD_MINUTES", d.recheck_old),
        poll_min=low,
        poll_start=start,
        poll_max=high,
    )


def check_limits(settings: BaseSettings) -> CheckLimits:
    """``MANBA_CHECK_MAX_ERRORS`` (10), ``MANBA_CHECK_FINISH_REASONS`` (finished)."""
    return CheckLimits(
        max_errors=read_int(settings, "MANBA_CHECK_MAX_ERRORS", CheckLimits.max_errors),
        finish_reasons=frozenset(settings.getlist("MANBA_CHECK_FINISH_REASONS", ["finished"])),
    )


def check_settings(settings: BaseSettings) -> None:
    """Raise :class:`InvalidSetting` for the first MANBA setting that breaks its rule."""
    for name, rule in RULES.items():
        _read(settings, name, rule.kind, False)
    recrawl_policy(settings)
