"""Settings for the bundled fixture web on loopback: same components, no politeness delays.

Selected with ``SCRAPY_SETTINGS_MODULE=crawler.settings_fixture`` (``make demo`` and the
tests do this); never use it against real sites.
"""

from __future__ import annotations

from crawler.settings import *  # noqa: F403

DOWNLOAD_DELAY = 0.0
RANDOMIZE_DOWNLOAD_DELAY = False
AUTOTHROTTLE_ENABLED = False
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 16
DOWNLOAD_TIMEOUT = 20
RETRY_TIMES = 1
# The fixture web lives on 127.0.0.x: its links between sites are loopback links
# (crawler.middlewares.netguard).
MANBA_ALLOW_LOOPBACK = True
