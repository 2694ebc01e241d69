"""Debugging is a feature: every command of README "Debugging a spider" works, offline, as written.

Each command is taken from the README section itself (so the two cannot drift apart) and run the
way a user types it, with only the fixture web's port and directory put in for the demo's.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from scrapy.contracts import ContractsManager

from core.registry import load_registry
from core.runstats import RunCounts
from crawler.checked import CheckedSourcesSpider, CheckedUrlsSpider
from crawler.extensions.progress import StageCounts, progress_line, summary_table
from crawler.pages import LISTINGS, PAGES
from crawler.spiders.sources import SourcesSpider
from crawler.spiders.urls import UrlsSpider
from fixtureweb import FixtureWeb, free_port
from tests.conftest import REPO, SCRAPY, run_scrapy, scrapy_env

FIXTURES = REPO / "tests" / "fixtures"
CONTRACTS = 40
"""8 saved article pages × 3 contracts, 4 listing pages × 3, the feed and the sitemap × 2."""
CHECKED = (CheckedUrlsSpider, CheckedSourcesSpider)
"""The spiders ``scrapy check`` loads (crawler/checked.py): the production ones with contracts."""


# --- the README section and its commands ----------------------------------------------------------


def readme_section(title: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def documented(command: str) -> str:
    """``command`` as README "Debugging a spider" writes it (lines joined at their backslashes)."""
    section = re.sub(r"\\\n\s*", "", readme_section("Debugging a spider"))
    assert command in section, f"README 'Debugging a spider' does not show: {command}"
    return command


@dataclass
class Command:
    env: dict[str, str]
    argv: list[str]
    stdin: str | None = None


def parse_command(line: str, env: dict[str, str], **replace: str) -> Command:
    """A README shell line as a process: leading ``NAME=value`` words go to the environment, a
    ``<<< "text"`` to standard input, a trailing ``&`` is dropped (the caller decides how to run it),
    ``.venv/bin/…`` is the environment running the tests; ``replace`` substitutes the demo's port
    and paths first."""
    for old, new in replace.items():
        line = line.replace(old, new)
    words = shlex.split(line)
    env = dict(env)
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    stdin = None
    if "<<<" in words:
        at = words.index("<<<")
        stdin, words = words[at + 1] + "\n", words[:at]
    if words[-1] == "&":
        words.pop()
    if words[0].startswith(".venv/bin/"):
        words[0] = str(Path(SCRAPY).with_name(words[0].removeprefix(".venv/bin/")))
    return Command(env, words, stdin)


def run(command: Command, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command.argv, cwd=REPO, env=command.env, input=command.stdin, capture_output=True,
                          text=True, timeout=timeout, check=False)


def plain_env(**extra: str) -> dict[str, str]:
    """A user's shell in the checkout: no MANBA_* or SCRAPY_* variables (scrapy.cfg picks the settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MANBA_", "SCRAPY_"))}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


# --- scrapy check ---------------------------------------------------------------------------------


def test_scrapy_check_passes_offline() -> None:
    result = run(parse_command(documented(".venv/bin/scrapy check"), plain_env()))
    assert result.returncode == 0, result.stdout + result.stderr[-5000:]
    assert f"Ran {CONTRACTS} contracts" in result.stderr
    assert result.stderr.rstrip().endswith("OK")


def test_scrapy_check_lists_every_callback() -> None:
    result = run(parse_command(documented(".venv/bin/scrapy check -l"), plain_env()))
    assert result.returncode == 0, result.stderr[-3000:]
    listed = {line.strip("* ").strip() for line in result.stdout.splitlines() if line.startswith("  *")}
    assert {"check_listing_ict", "check_feed_akharin", "check_sitemap_shahr", "check_93z"} <= listed
    tested = ContractsManager([]).tested_methods_from_spidercls
    assert listed == {name for spidercls in CHECKED for name in tested(spidercls)}


def test_scrapy_check_reads_only_files_and_never_the_store(tmp_path: Path) -> None:
    """No http(s) request, no browser, no database: the store's URL is set only to watch it."""
    store = tmp_path / "store" / "manba.sqlite3"
    env = plain_env(MANBA_DATABASE_URL=f"sqlite:///{store}")
    result = run_scrapy("check", "-s", "LOG_ENABLED=1", "-s", "LOG_LEVEL=DEBUG", env=env, timeout=180)
    assert result.returncode == 0, result.stderr[-5000:]
    crawled = re.findall(r"Crawled \(\d+\) <GET (\S+)>", result.stderr)
    assert len(crawled) == 14  # one saved file per checked callback
    assert all(url.startswith(f"file://{FIXTURES}/") for url in crawled), crawled
    assert "scrapy-playwright" not in result.stderr and "playwright/" not in result.stderr
    assert not store.parent.exists()


def test_a_broken_saved_page_fails_the_check(tmp_path: Path) -> None:
    """A page object that loses a field is caught, and the failure says where and what."""
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy)
    page = copy / "93z" / "article.html"
    title = json.loads((copy / "93z" / "expected.json").read_text(encoding="utf-8"))["title"]
    html = page.read_text(encoding="utf-8")
    assert title in html
    page.write_text(html.replace(title, ""), encoding="utf-8")

    result = run_scrapy("check", "-s", f"MANBA_FIXTURES_DIR={copy}", env=plain_env(), timeout=180)
    assert result.returncode == 1, result.stderr[-5000:]
    failures = re.findall(r"^FAIL: (.*)$", result.stderr, flags=re.M)
    assert failures == ["[urls] parse_article[93z/article.html] (@expected post-hook)"], result.stderr[-5000:]
    shown = "'- تجهیزات جانبی'"  # what is left: the outlet's name after the title
    assert f"AssertionError: title is {shown}, expected {title!r} (93z/expected.json)" in result.stderr
    assert f"Ran {CONTRACTS} contracts" in result.stderr


def test_every_page_object_and_listing_has_a_contract() -> None:
    """A new page object without a saved page in ``scrapy check`` fails here."""
    registry = load_registry(FIXTURES / "sources.toml")
    manager = ContractsManager([])
    checked_pages: set[str] = set()
    checked_listings: set[str] = set()
    callbacks: set[str] = set()
    for spidercls in CHECKED:
        for name in manager.tested_methods_from_spidercls(spidercls):
            method = getattr(spidercls, name)
            fixture = re.search(r"@fixture (\S+)", method.__doc__)
            assert fixture and (FIXTURES / fixture[1]).is_file(), (spidercls.name, name)
            kwargs = re.search(r"@cb_kwargs (.*)", method.__doc__)
            key = json.loads(kwargs[1])["source_key"] if kwargs else None
            page = registry.get(key).page if key else None
            callback = method.__name__.split("[")[0]  # check callbacks are called parse_…[saved page]
            callbacks.add(callback)
            if callback == "parse_article":
                checked_pages.add(page or "generic")
            elif callback == "parse_listing":
                checked_listings.add(page or "")
    assert checked_pages == set(PAGES)
    assert set(LISTINGS) <= checked_listings
    assert callbacks == {"parse_article", "parse_listing", "parse_feed", "parse_sitemap"}


def test_the_production_spiders_name_no_saved_page() -> None:
    """Contracts name fixture pages, so they are on the check-only subclasses, which ``scrapy list``
    and ``scrapy crawl`` never load; ``scrapy check`` loads those alone, under the same names."""
    manager = ContractsManager([])
    for production, checked in zip((UrlsSpider, SourcesSpider), CHECKED, strict=True):
        assert manager.tested_methods_from_spidercls(production) == [], production.name
        assert issubclass(checked, production) and checked.name == production.name
    result = run_scrapy("list", env=plain_env(), timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["sources", "urls"]


# --- scrapy shell ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "page"),
    [("93z", "article.html"), ("ict", "article.html"), ("fanavaran", "article.rendered.html")],
)
def test_scrapy_shell_on_a_saved_page(site: str, page: str, tmp_path: Path) -> None:
    documented(".venv/bin/scrapy shell ./tests/fixtures/isna/article.html")
    documented('>>> item = extract(response, "93z")')
    expected = json.loads((FIXTURES / site / "expected.json").read_text(encoding="utf-8"))
    code = (
        "__import__('json').dumps(__import__('dataclasses').asdict("
        f"__import__('crawler.shell', fromlist=['extract']).extract(response, {site!r})), default=str)"
    )
    env = scrapy_env(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    saved = f"./tests/fixtures/{site}/{page}"  # the path a developer types, relative to the project
    result = run_scrapy("shell", saved, "-c", code, "--nolog", env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    item = json.loads(result.stdout.strip().splitlines()[-1])
    assert item["title"] == expected["title"]
    assert item["body"].startswith(expected["first_sentence"])
    assert item["canonical_url"] == expected["canonical_url"]
    assert not (tmp_path / "unused.sqlite3").exists()


def shell_walkthrough() -> tuple[str, list[str], list[str]]:
    """README's shell session: the page it opens, the lines typed at ``>>>``, the lines shown."""
    section = readme_section("Debugging a spider")
    block = section.split("```sh\n.venv/bin/scrapy shell ", 1)[1].split("```", 1)[0]
    page, *lines = block.splitlines()
    typed = [line.removeprefix(">>> ") for line in lines if line.startswith(">>> ")]
    shown = [line for line in lines if line and not line.startswith(">>> ")]
    return page, typed, shown


def store_with_a_copy_of(page: str, tmp_path: Path) -> str:
    """A store holding another outlet's shortened copy of ``page``'s article (as a crawl stores it)."""
    from scrapy.http import HtmlResponse

    from crawler.shell import extract
    from storage.testing import sqlite_store
    from storage.write import store_document

    response = HtmlResponse(url="file:///saved", body=(REPO / page).read_bytes(), encoding="utf-8")
    item = extract(response, "isna")
    item.url = item.canonical_url = "https://outlet.example/news/1/"
    item.body = "\n".join(item.body.split("\n")[:-2])
    url, engine, sessions = sqlite_store(tmp_path)
    with sessions.begin() as session:
        store_document(session, item, role="copy")
    engine.dispose()
    return url


def test_the_shell_walkthrough(tmp_path: Path) -> None:
    """Typed into ``scrapy shell`` as README shows it, against a store that holds a copy of the page:
    every line README shows comes out (a line ending in «…» as its beginning), and nothing is written."""
    page, typed, shown = shell_walkthrough()
    url = store_with_a_copy_of(page, tmp_path)
    before = (tmp_path / "manba.sqlite3").read_bytes()
    env = {**scrapy_env(url), "SCRAPY_PYTHON_SHELL": "python"}
    result = subprocess.run(
        [SCRAPY, "shell", page, "--nolog"], cwd=REPO, env=env, input="\n".join(typed) + "\n",
        capture_output=True, text=True, encoding="utf-8", timeout=180, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = [re.sub(r"^(>>> )+", "", line) for line in result.stdout.splitlines()]
    for line in shown:
        prefix = line.removesuffix(" …").removesuffix("…")
        assert any(o == line or (line.endswith("…") and o.startswith(prefix)) for o in out), (line, out)
    assert "Traceback" not in result.stdout + result.stderr
    banner = result.stderr + result.stdout  # the console prints its banner on stderr
    helpers = ("explain", "extract", "attribute", "normalise", "changes")
    assert all(f"[s]   {name}(" in banner for name in helpers), banner[-2000:]
    assert (tmp_path / "manba.sqlite3").read_bytes() == before


# --- scrapy parse ---------------------------------------------------------------------------------


def scraped_items(stdout: str) -> str:
    return stdout.split("# Scraped Items", 1)[1].split("# Requests", 1)[0]


def test_scrapy_parse_on_a_saved_page(tmp_path: Path) -> None:
    store = tmp_path / "store" / "manba.sqlite3"
    line = documented(
        "MANBA_SOURCES_FILE=tests/fixtures/sources.toml "
        ".venv/bin/scrapy parse --spider urls -c parse_article "
        """--cbkwargs '{"source_key": "93z"}' ./tests/fixtures/93z/article.html"""
    )
    result = run(parse_command(line, plain_env(MANBA_DATABASE_URL=f"sqlite:///{store}")))
    assert result.returncode == 0, result.stderr[-3000:]
    expected = json.loads((FIXTURES / "93z" / "expected.json").read_text(encoding="utf-8"))
    items = scraped_items(result.stdout)
    assert f"'title': {expected['title']!r}" in items
    assert f"'canonical_url': {expected['canonical_url']!r}" in items
    assert "'extractor': '93z'" in items and "'site': '93z'" in items
    assert not store.parent.exists()


@dataclass
class DemoWeb:
    root: Path
    base: str
    """``http://127.0.0.`` with the port the web was built for: stands for ``http://127.0.0.`` + 8765."""


@pytest.fixture(scope="module")
def demo_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWeb]:
    """The README's ``python -m fixtureweb serve --build …``, in a temporary directory on a free port."""
    root, port = tmp_path_factory.mktemp("demo") / "fixtureweb", free_port()
    command = parse_command(
        documented(".venv/bin/python -m fixtureweb serve --build --root data/fixtureweb --port 8765 &"),
        plain_env(),
        **{"data/fixtureweb": str(root), "--port 8765": f"--port {port}"},
    )
    server = subprocess.Popen(command.argv, cwd=REPO, env=command.env, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()  # printed once every site is served
        assert "serving" in banner, banner
        yield DemoWeb(root, f"http://127.0.0.{{}}:{port}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def demo_command(line: str, web: DemoWeb, store: Path) -> Command:
    return parse_command(
        documented(line),
        plain_env(MANBA_DATABASE_URL=f"sqlite:///{store}"),
        **{"data/fixtureweb/sources.toml": str(web.root / "sources.toml"),
           "http://127.0.0.4:8765": web.base.format(4), "http://127.0.0.2:8765": web.base.format(2)},
    )


def test_scrapy_parse_on_the_fixture_web(demo_web: DemoWeb, tmp_path: Path) -> None:
    store = tmp_path / "store" / "manba.sqlite3"
    labels = json.loads((demo_web.root / "labels.json").read_text(encoding="utf-8"))["articles"]
    url = demo_web.base.format(4) + "/post/5003/"
    label = next(a for a in labels if a["url"] == url)

    article = run(demo_command(
        "SCRAPY_SETTINGS_MODULE=crawler.settings_fixture MANBA_SOURCES_FILE=data/fixtureweb/sources.toml "
        ".venv/bin/scrapy parse --spider urls -c parse_article http://127.0.0.4:8765/post/5003/",
        demo_web, store,
    ))
    assert article.returncode == 0, article.stderr[-3000:]
    items = scraped_items(article.stdout)
    assert f"'title': {label['title']!r}" in items
    assert f"'url': {url!r}" in items and "'extractor': '93z'" in items

    listing = run(demo_command(
        "SCRAPY_SETTINGS_MODULE=crawler.settings_fixture MANBA_SOURCES_FILE=data/fixtureweb/sources.toml "
        ".venv/bin/scrapy parse --spider sources -c parse_listing "
        """--cbkwargs '{"source_key": "ict", "page_no": 1}' http://127.0.0.2:8765/fa/news""",
        demo_web, store,
    ))
    assert listing.returncode == 0, listing.stderr[-3000:]
    requests = listing.stdout.split("# Requests", 1)[1]
    assert len(re.findall(r"<GET http://127\.0\.0\.2:\d+/fa/(?:news|newsagency)/\d+/>", requests)) >= 10
    assert f"<GET {demo_web.base.format(2)}/fa/news?page=2>" in requests
    assert not store.parent.exists()


def test_scrapy_parse_says_why_origin_following_stopped(demo_web: DemoWeb, tmp_path: Path) -> None:
    store = tmp_path / "store" / "manba.sqlite3"
    labels = json.loads((demo_web.root / "labels.json").read_text(encoding="utf-8"))["articles"]
    url = demo_web.base.format(4) + "/post/5003/"
    label = next(a for a in labels if a["url"] == url)
    result = run(demo_command(
        "SCRAPY_SETTINGS_MODULE=crawler.settings_fixture MANBA_SOURCES_FILE=data/fixtureweb/sources.toml "
        ".venv/bin/scrapy parse --spider urls -c parse_article --pipelines http://127.0.0.4:8765/post/5003/",
        demo_web, store,
    ))
    assert result.returncode == 0, result.stderr[-3000:]
    said = re.findall(r"\[pipelines\.origin\] INFO: origin of (\S+): (.*)", result.stderr)
    assert len(said) == 1 and said[0][0] == url, result.stderr[-3000:]
    assert re.fullmatch(rf"found {re.escape(label['copy_of'])} \(similarity 0\.\d\d\)", said[0][1])
    assert not store.parent.exists()


# --- scrapy attribute -----------------------------------------------------------------------------


def test_scrapy_attribute_on_a_credit_line() -> None:
    section = readme_section("Debugging a spider")
    line = next(ln for ln in section.splitlines() if ln.startswith(".venv/bin/scrapy attribute - <<<"))
    result = run(parse_command(documented(line), plain_env()))
    assert result.returncode == 0, result.stderr[-3000:]
    shown = next(ln for ln in section.splitlines() if ln.startswith('{"line": 1'))
    assert json.loads(result.stdout) == json.loads(shown)


def test_scrapy_attribute_for_people() -> None:
    section = readme_section("Debugging a spider")
    line = next(ln for ln in section.splitlines() if ln.startswith(".venv/bin/scrapy attribute --text"))
    result = run(parse_command(documented(line), plain_env()))
    assert result.returncode == 0, result.stderr[-3000:]
    shown = section.split(line, 1)[1].split("```\n", 2)[2].split("```", 1)[0]
    assert result.stdout == shown


# --- progress in the log ---------------------------------------------------------------------------


def test_progress_line_and_summary_table() -> None:
    stats = {
        "downloader/response_count": 130, "manba/listing/pages/isna": 3, "manba/feed/fetched/akharin": 1,
        "manba/article/requested": 50, "manba/incremental/skipped": 4, "manba/article/extracted/isna": 44,
        "manba/drop/robots_txt": 1, "manba/drop/no_body": 2, "item_dropped_count": 2,
        "manba/origin/found": 30, "manba/origin/not_found": 2, "manba/origin/no_candidates": 1,
        "manba/origin/requests": 90, "manba/store/created": 40, "manba/store/updated": 1,
        "log_count/ERROR": 0,
    }
    counts = StageCounts.from_stats(stats)
    assert (counts.listings, counts.dropped, counts.dropped_before_pipelines) == (4, 3, 1)
    assert counts.origin_not_found == 3  # not found, and no candidate page to compare
    line = progress_line(counts, StageCounts(pages=70, created=10), 60.0, 125.0)
    assert line.startswith("progress 0:02:05 | pages 130 (60/min) | articles requested 50, known 4, "
                           "extracted 44 (44/min)")
    assert "dropped 3 (fetch/page 1, pipelines 2) | origin found 30, not found 3" in line
    assert line.endswith("stored 40 new, 1 updated, 0 unchanged (31/min) | errors 0")

    title, header, *rows = summary_table(counts, 120.0, "crawl summary").splitlines()
    assert title == "crawl summary"
    assert re.fullmatch(r"  stage\s+count\s+per min", header)
    assert re.fullmatch(r"  pages fetched\s+130\s+65\.0", rows[0])
    assert re.fullmatch(r"    no_body\s+2", rows[-2]) and re.fullmatch(r"    robots_txt\s+1", rows[-1])
    end = header.index("count") + len("count")
    counted = [row for row in rows if len(row) > end - 1 and row[end - 1].isdigit()]
    assert len(counted) == len(rows) - 2  # all but the "origin following" and "drop reasons" headings
    assert all(len(row) == end or row[end] == " " for row in counted)  # one column of counts


@pytest.mark.crawl
def test_progress_is_logged_during_and_after_a_crawl(fixture_web: FixtureWeb, tmp_path: Path) -> None:
    env = scrapy_env(f"sqlite:///{tmp_path / 'manba.sqlite3'}", fixture_web.registry_path)
    started = time.monotonic()
    result = run_scrapy("crawl", "sources", "-a", "source=isna", "-s", "MANBA_PROGRESS_INTERVAL=0.2",
                        env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-5000:]
    log = result.stderr
    lines = re.findall(r"\[crawler\.extensions\.progress\] INFO: (progress .*)", log)
    assert lines, log[-5000:]
    # One progress line: Manba's carries pages/min and items/min, Scrapy's LogStats is off.
    assert not re.search(r"Crawled \d+ pages \(at \d+ pages/min\)", log), log[:5000]
    extensions = re.search(r"Enabled extensions:\n(\[.*?\])", log, flags=re.S)
    assert extensions and "ProgressLog" in extensions[1] and "LogStats" not in extensions[1]
    assert all(re.fullmatch(
        r"progress \d+:\d\d:\d\d \| pages \d+ \(\d+/min\) \| articles requested \d+, known \d+,"
        r" extracted \d+ \(\d+/min\) \| dropped \d+ \(fetch/page \d+, pipelines \d+\)"
        r" \| origin found \d+, not found \d+"
        r" \| stored \d+ new, \d+ updated, \d+ unchanged \(\d+/min\) \| errors \d+", line) for line in lines)
    assert len(lines) <= (time.monotonic() - started) / 0.2 + 1

    table = log.split("[crawler.extensions.progress] INFO: crawl summary: spider sources, finished, ", 1)[1]
    table = table.split("\n20", 1)[0]  # up to the next log record
    rows = dict(re.findall(r"^ {2,4}(\S[^\n]*?)\s{2,}(\d+)", table, flags=re.M))
    stats = {k: int(v) for k, v in rows.items()}
    assert stats["articles requested"] > 0 and stats["extracted"] > 0
    assert stats["stored"] == stats["created"] > 0
    assert stats["found"] > 0  # isna copies ministry releases, followed to the ministry's site
    assert stats["robots_txt"] >= 1  # the drop reasons: isna's robots.txt forbids a linked page
    assert "drop reasons" in table and "origin following" in table

    # scrapy runs and scrapy summary count drops and errors as the closing table does (robots.txt too).
    record = json.loads(run_scrapy("runs", "--json", "-n", "1", env=env).stdout.splitlines()[0])
    assert (record["dropped"], record["errors"]) == (stats["items dropped"], stats["errors"])
    summary = run_scrapy("summary", env=env).stdout
    assert f"items dropped    {stats['items dropped']} (" in summary
    assert f"errors           {stats['errors']}" in summary


@pytest.mark.crawl
def test_a_run_that_stored_nothing_it_asked_for_is_not_ok(fixture_web: FixtureWeb, tmp_path: Path) -> None:
    """Every article page refused (robots.txt forbids /admin/): the run failed, and says why."""
    env = scrapy_env(f"sqlite:///{tmp_path / 'manba.sqlite3'}", fixture_web.registry_path)
    forbidden = ",".join(f"{fixture_web.base_url('isna')}/admin/{n}/" for n in (1, 2))
    result = run_scrapy("crawl", "urls", "-a", f"urls={forbidden}", env=env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "'manba/drop/robots_txt': 2" in result.stderr
    record = json.loads(run_scrapy("runs", "--json", "-n", "1", env=env).stdout.splitlines()[0])
    assert record["status"] == "failed" and record["dropped"] == 2
    (check,) = record["checks"]
    assert check["check"] == "articles_refused" and "robots_txt ×2" in check["message"]


def test_a_recrawl_with_nothing_new_is_not_a_refused_run() -> None:
    """Known pages skipped and 304s are requested but not refused: only a run that dropped every
    article it asked for has refused everything (the incremental re-crawl of the fixture web drops
    the few pages robots.txt forbids and stores nothing new, and is fine)."""
    recrawl = {"manba/article/requested": 68, "manba/incremental/skipped": 61, "manba/drop/robots_txt": 4}
    assert not RunCounts.from_stats(recrawl).refused_everything
    refused = {"manba/article/requested": 4, "manba/drop/robots_txt": 3, "manba/drop/http_403": 1}
    assert RunCounts.from_stats(refused).refused_everything
    assert not RunCounts.from_stats({**refused, "manba/store/created": 1}).refused_everything
