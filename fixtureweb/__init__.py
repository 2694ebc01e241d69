"""A deterministic, generated Persian news web served on loopback (DESIGN §6).

``build()`` writes the sites, ground-truth ``labels.json`` and a demo registry;
``FixtureServer`` serves them, each site on its own 127.0.0.x address.
"""

from __future__ import annotations

from fixtureweb.generate import FixtureWeb, build
from fixtureweb.server import FixtureServer, RequestLog, free_port
from fixtureweb.sites import SITE_IPS

__all__ = ["SITE_IPS", "FixtureServer", "FixtureWeb", "RequestLog", "build", "free_port"]
