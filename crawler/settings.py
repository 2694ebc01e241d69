"""Production settings: polite by default. The fixture web relaxes them in settings_fixture.py."""

from __future__ import annotations

import os

BOT_NAME = "manba"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

USER_AGENT = "Manba/0.1 (Persian news provenance research crawler)"

# Politeness: robots.txt, few requests per site at a time, AutoThrottle adapting the delay.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("MANBA_LOG_LEVEL", "INFO")

# Browser rendering, for sources marked ``render = true`` only: requests without
# meta["playwright"] go through Scrapy's own downloader, and Chromium starts lazily.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": os.environ.get("MANBA_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ],
}
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4

# The flow of one article: validate → normalise → attribution → origin following → store.
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalise.NormalisePipeline": 200,
    "pipelines.attribution.AttributionPipeline": 300,
    "pipelines.origin.OriginPipeline": 400,
    "pipelines.store.StorePipeline": 900,
}

# Manba's own settings (environment variables of the same name override the defaults).
MANBA_DATABASE_URL = os.environ.get("MANBA_DATABASE_URL", "sqlite:///data/manba.sqlite3")
MANBA_SOURCES_FILE = os.environ.get("MANBA_SOURCES_FILE") or None
MANBA_FOLLOW_ORIGINS = os.environ.get("MANBA_FOLLOW_ORIGINS", "1").lower() not in {"0", "false", "no", "off"}
MANBA_STORE_ENABLED = True
