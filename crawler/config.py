"""Where Manba's Scrapy components find the store and the registry.

A value given on the command line (``-s``) or by a spider wins; otherwise the
environment variable of the same name; otherwise the project setting; otherwise
the default.
"""

from __future__ import annotations

import os

from scrapy.settings import BaseSettings, get_settings_priority

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
