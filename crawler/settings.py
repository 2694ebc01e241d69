"""Production settings: polite by default. The fixture web relaxes them in settings_fixture.py."""

from __future__ import annotations

import os

BOT_NAME = "manba"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "commands"

USER_AGENT = "Manba/0.1 (Persian news provenance research crawler)"

# Politeness: robots.txt, few requests per site at a time, AutoThrottle adapting the delay.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Output of one response processed at once. An article page yields one item, a listing a few
# dozen requests; Scrapy's default of 100 starts 100 asyncio workers for every response whatever
# it yields, about a tenth of the crawler's CPU in the P1 benchmark (BENCHMARKS.md).
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Bounds on what one page may cost (hostile or broken sites; README "Drop reasons"). 30 s for a
# whole download, however slowly its body trickles in. 8 MiB, also after decompression (a gzip
# bomb stops there): news pages weigh 0.1–3 MB, and extracting text from 10 MB of HTML blocks
# the crawler for seconds. 10 redirects: real sites use one to three; loops end sooner still
# (spiders.base counts them). URLs longer than 2083 characters are not requested (Scrapy's limit).
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
# An article that still fails after its retries is a counted drop (manba/drop/http_500 …), a listing
# page a counted source failure (core.checks): neither is a crawler error.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
REDIRECT_MAX_TIMES = 10
# Each request goes to the host with the fewest requests in the downloader, so one slow or throttled
# host (crawler/middlewares/retryafter.py) does not hold back the others. The distributed mode's
# Redis scheduler (crawler/distributed.py) keeps its own queue and ignores this setting.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
URLLENGTH_LIMIT = 2083
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("MANBA_LOG_LEVEL", "INFO")

# Browser rendering, for sources marked ``render = true`` only: requests without
# meta["playwright"] go through Scrapy's own downloader, and Chromium starts lazily.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# scrapy-playwright's handler, aborting what Chromium loads from non-public addresses
# (crawler.middlewares.netguard).
DOWNLOAD_HANDLERS = {
    "http": "crawler.middlewares.netguard.GuardedPlaywrightHandler",
    "https": "crawler.middlewares.netguard.GuardedPlaywrightHandler",
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

# Incremental crawling (crawler.middlewares.incremental): known articles are skipped until a re-check is
# due (150: after robots.txt has had its say), due re-checks join the start of a crawl, and
# listing pages, feeds and sitemaps are fetched conditionally.
DOWNLOADER_MIDDLEWARES = {
    # Links found in pages never reach private, loopback or link-local addresses (90: before
    # robots.txt is even asked for).
    "crawler.middlewares.netguard.NetGuardMiddleware": 90,
    "crawler.middlewares.incremental.IncrementalMiddleware": 150,
    # Each article page is downloaded once per crawl, by whichever request or worker asks first;
    # 540: after robots.txt and the incremental skip, before retry/redirect/decompression (so the
    # cached response is the final one). Why, in crawler/middlewares/pagecache.py.
    "crawler.middlewares.pagecache.PageCacheMiddleware": 540,
    # A 503/429 with Retry-After pauses its host that long (at most MANBA_RETRY_AFTER_MAX seconds,
    # else not retried), a host refusing MANBA_RETRY_AFTER_GIVE_UP in a row is given up; 560: its
    # process_response runs just before RetryMiddleware's (550).
    "crawler.middlewares.retryafter.RetryAfterMiddleware": 560,
    # The address each download connected to (DNS rebinding); 950: before retries, redirects and
    # the page cache see the response.
    "crawler.middlewares.netguard.ConnectedAddressMiddleware": 950,
}

SPIDER_MIDDLEWARES = {
    "crawler.middlewares.incremental.RecheckMiddleware": 50,
}

# Distributed crawling when MANBA_REDIS_URL is set: a shared Redis frontier (crawler/distributed.py).
ADDONS = {
    "crawler.distributed.DistributedAddon": 0,
}

# Progress of a crawl in the log: counts per stage every MANBA_PROGRESS_INTERVAL seconds, a table
# at the end (crawler/extensions/progress.py). Its line carries the pages/min and items/min of
# Scrapy's LogStats, which is removed so that a minute has one progress line (not by
# LOGSTATS_INTERVAL = 0: Scrapy's PeriodicLog reads its interval from that setting too).
EXTENSIONS = {
    "scrapy.extensions.logstats.LogStats": None,
    "crawler.extensions.runs.CrawlRuns": 400,
    "crawler.extensions.progress.ProgressLog": 500,
}

# `scrapy check` runs every callback on the saved pages in tests/fixtures/, offline (crawler/contracts.py),
# as check-only spiders (crawler/checked.py) that commands/check.py loads instead of crawler.spiders.
SPIDER_CONTRACTS = {
    "crawler.contracts.FixtureContract": 10,
    "crawler.contracts.FilledContract": 10,
    "crawler.contracts.ExpectedContract": 10,
    "crawler.contracts.RequestsContract": 10,
}

# Manba's own settings (environment variables of the same name override the defaults); the rule each
# numeric or on/off one follows, and the error for a value that breaks it: crawler/settings_check.py.
MANBA_DATABASE_URL = os.environ.get("MANBA_DATABASE_URL", "sqlite:///data/manba.sqlite3")
MANBA_SOURCES_FILE = os.environ.get("MANBA_SOURCES_FILE") or None
MANBA_FOLLOW_ORIGINS = os.environ.get("MANBA_FOLLOW_ORIGINS", "1")
MANBA_STORE_ENABLED = True
MANBA_RETRY_AFTER_MAX = 60
MANBA_RETRY_AFTER_GIVE_UP = 3
MANBA_DATE_FUTURE_TOLERANCE_HOURS = 12
MANBA_ALLOW_LOOPBACK = False
MANBA_REDIS_URL = os.environ.get("MANBA_REDIS_URL") or None
MANBA_INCREMENTAL = os.environ.get("MANBA_INCREMENTAL", "1")
# English and Arabic retellings linked to the Persian release they retell (storage/translations.py).
MANBA_CROSSLINGUAL = os.environ.get("MANBA_CROSSLINGUAL", "1")
MANBA_PROGRESS_ENABLED = True
MANBA_PROGRESS_INTERVAL = 60
