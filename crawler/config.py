"""Where Manba's Scrapy components find the store and the registry.

A value given on the command line (``-s``) or by a spider wins; otherwise the
environment variable of the same name; otherwise the project setting; otherwise
the default.
"""

from __future__ import annotations

import os
from datetime import timedelta

from scrapy.settings import BaseSettings, get_settings_priority

from core.checks import CheckLimits
from core.recrawl import RecrawlPolicy
from storage.db import DEFAULT_DATABASE_URL

_EXPLICIT = get_settings_priority("spider")


def _resolve(settings: BaseSettings, name: str, default: str | None) -> str | None:
    value = settings.get(name)
    priority = settings.getpriority(name)
    if value and priority is not None and priority >= _EXPLICIT:
        return str(value)
    return os.environ.get(name) or (str(value) if value else None) or default


def database_url(settings: BaseSettings) -> str:
    url = _resolve(settings, "MANBA_DATABASE_URL", DEFAULT_DATABASE_URL)
    assert url is not None
    return url


def sources_file(settings: BaseSettings) -> str | None:
    """``None`` means the registry shipped in ``core/``."""
    return _resolve(settings, "MANBA_SOURCES_FILE", None)


def _minutes(settings: BaseSettings, name: str, default: timedelta) -> timedelta:
    value = settings.getfloat(name, default.total_seconds() / 60)
    if value <= 0:
        raise ValueError(f"{name} must be a positive number of minutes, got {value}")
    return timedelta(minutes=value)


def recrawl_policy(settings: BaseSettings) -> RecrawlPolicy:
    """``MANBA_RECHECK_{YOUNG,WEEK,OLD}_MINUTES``, ``MANBA_POLL_{MIN,START,MAX}_MINUTES``."""
    d = RecrawlPolicy()
    return RecrawlPolicy(
        recheck_young=_minutes(settings, "MANBA_RECHECK_YOUNG_MINUTES", d.recheck_young),
        recheck_week=_minutes(settings, "MANBA_RECHECK_WEEK_MINUTES", d.recheck_week),
        recheck_old=_minutes(settings, "MANBA_RECHECK_OLD_MINUTES", d.recheck_old),
        poll_min=_minutes(settings, "MANBA_POLL_MIN_MINUTES", d.poll_min),
        poll_start=_minutes(settings, "MANBA_POLL_START_MINUTES", d.poll_start),
        poll_max=_minutes(settings, "MANBA_POLL_MAX_MINUTES", d.poll_max),
    )


def check_limits(settings: BaseSettings) -> CheckLimits:
    """``MANBA_CHECK_MAX_ERRORS`` (10), ``MANBA_CHECK_FINISH_REASONS`` (finished)."""
    return CheckLimits(
        max_errors=settings.getint("MANBA_CHECK_MAX_ERRORS", CheckLimits.max_errors),
        finish_reasons=frozenset(settings.getlist("MANBA_CHECK_FINISH_REASONS", ["finished"])),
    )
