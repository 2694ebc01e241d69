"""``python -m fixtureweb build|serve`` — build the fixture web, or serve a built one."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from fixtureweb.generate import build
from fixtureweb.server import FixtureServer, free_port
from fixtureweb.sites import SITE_IPS
from fixtureweb.translations import BANKS

FOREIGN_HELP = (
    "phrase bank of the English and Arabic pages: dev (what the product is tuned on) or blind (scored once); "
    "default $MANBA_FIXTURE_FOREIGN or dev"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fixtureweb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate the sites, labels.json and sources.toml")
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--port", type=int, required=True)
    b.add_argument("--size", type=int, default=200)
    b.add_argument("--seed", type=int, default=1405)
    b.add_argument("--foreign", choices=BANKS, default=None, help=FOREIGN_HELP)
    s = sub.add_parser("serve", help="serve a built fixture web until SIGINT/SIGTERM")
    s.add_argument("--root", type=Path, required=True)
    s.add_argument("--build", action="store_true", help="build into --root first")
    s.add_argument("--port", type=int, default=None, help="with --build (default: a free port)")
    s.add_argument("--size", type=int, default=200)
    s.add_argument("--seed", type=int, default=1405)
    s.add_argument("--foreign", choices=BANKS, default=None, help="with --build: " + FOREIGN_HELP)
    args = parser.parse_args(argv)
    foreign = args.foreign or os.environ.get("MANBA_FIXTURE_FOREIGN") or "dev"
    if foreign not in BANKS:
        parser.error(f"MANBA_FIXTURE_FOREIGN must be one of {', '.join(BANKS)}, not {foreign!r}")

    if args.command == "build":
        web = build(args.out, port=args.port, size=args.size, seed=args.seed, foreign=foreign)
        print(f"built {len(web.labels['articles'])} articles in {web.root} (registry {web.registry_path})")
        return 0

    if args.build:
        build(args.root, port=args.port or free_port(), size=args.size, seed=args.seed, foreign=foreign)
    labels_file = args.root / "labels.json"
    if not labels_file.is_file():
        parser.error(f"{labels_file} not found: run 'python -m fixtureweb build' first or pass --build")
    port = int(json.loads(labels_file.read_text(encoding="utf-8"))["generator"]["port"])
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with FixtureServer(args.root, port):
        urls = " ".join(f"{site}=http://{ip}:{port}" for site, ip in SITE_IPS.items())
        print(f"fixtureweb serving {args.root}: {urls}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
