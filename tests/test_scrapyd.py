"""Deployment level: a real scrapyd on loopback with deploy/scrapyd.conf, the project deployed with
`scrapyd-deploy local`, a crawl of the fixture web scheduled through `schedule.json`, and the documents
looked up in the store.

scrapyd runs in a temporary directory with no checkout on its path, so its jobs can only import Manba
from the deployed egg: a file the egg lacks, or code that reads beside ``__file__``, fails here.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select

import crawler.settings
import crawler.settings_fixture
from commands import report_html
from fixtureweb import FixtureWeb
from storage.db import make_engine
from storage.migrate import head_revision
from storage.models import Document
from tests.conftest import REPO

pytestmark = [pytest.mark.crawl, pytest.mark.browser]

BIN = Path(sys.executable).parent
JOB_TIMEOUT = 300.0
START_TIMEOUT = 30.0


def loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Scrapyd:
    url: str
    env: dict[str, str]
    """What scrapyd runs with; its SCRAPYD_* variables are the ones scrapy.cfg's target reads."""
    home: Path

    def call(
        self,
        endpoint: str,
        fields: list[tuple[str, str]] | None = None,
        *,
        auth: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        """GET (or POST ``fields``) an endpoint with the server's credentials, or with ``auth``."""
        username, password = auth or (self.env["SCRAPYD_USERNAME"], self.env["SCRAPYD_PASSWORD"])
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        request = urllib.request.Request(
            self.url + endpoint, data=data, headers={"Authorization": f"Basic {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.load(response)
        return answer

    def log(self, job: str | None = None, tail: int = 4000) -> str:
        """The end of scrapyd's own log, or of a job's."""
        path = self.home / "scrapyd.log"
        if job:
            path = self.home / "logs" / "manba" / "sources" / f"{job}.log"
        return path.read_text(encoding="utf-8", errors="replace")[-tail:] if path.exists() else ""


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop scrapyd and the jobs it spawned: the process group it leads."""
    group = process.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    deadline = time.monotonic() + 30
    with contextlib.suppress(ProcessLookupError):
        while time.monotonic() < deadline:
            os.killpg(group, 0)  # raises once the last job has exited
            time.sleep(0.2)
        os.killpg(group, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def scrapyd() -> Iterator[Scrapyd]:
    """scrapyd with the repository's config and credentials from its environment, deployed to."""
    home = Path(tempfile.mkdtemp(prefix="manba-scrapyd-"))
    shutil.copy(REPO / "deploy" / "scrapyd.conf", home / "scrapyd.conf")
    port = loopback_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MANBA_", "SCRAPY_", "SCRAPYD_")) and k not in {"PYTHONPATH", "XDG_CONFIG_HOME"}
    }
    # HOME keeps a developer's ~/.scrapyd.conf, ~/.scrapy.cfg and ~/.netrc out of the test.
    env.update(
        HOME=str(home),
        PYTHONUNBUFFERED="1",
        SCRAPYD_HTTP_PORT=str(port),
        SCRAPYD_USERNAME="manba-test",
        SCRAPYD_PASSWORD=secrets.token_urlsafe(16),
    )
    server = Scrapyd(f"http://127.0.0.1:{port}/", env, home)
    with (home / "scrapyd.log").open("wb") as log:
        process = subprocess.Popen(
            [str(BIN / "scrapyd")], cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, server.log()
            try:
                server.call("daemonstatus.json")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, server.log()
                time.sleep(0.2)
        # Jobs start in ``home``: there, only the egg can provide the project.
        probe = subprocess.run(
            [sys.executable, "-c", "import importlib.util; print(importlib.util.find_spec('crawler'))"],
            cwd=home, env=env, capture_output=True, text=True, check=True,
        )
        assert probe.stdout.strip() == "None", probe.stdout
        # scrapyd-deploy builds in the checkout (build/, manba.egg-info/): one test session at a time.
        with (Path(tempfile.gettempdir()) / "manba-scrapyd-deploy.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            # A build left by an earlier deploy would carry files the package data no longer lists.
            shutil.rmtree(REPO / "build", ignore_errors=True)
            deploy = subprocess.run(
                [str(BIN / "scrapyd-deploy"), "local", "--version", "test"],
                cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
            )
        assert deploy.returncode == 0, deploy.stderr + deploy.stdout + server.log()
        assert json.loads(deploy.stdout)["status"] == "ok", deploy.stdout
        yield server
    finally:
        stop(process)
        shutil.rmtree(home, ignore_errors=True)


def fixture_settings() -> dict[str, str]:
    """What crawler.settings_fixture changes (no politeness delays), as `setting=` values for a job."""
    return {
        name: str(value)
        for name, value in vars(crawler.settings_fixture).items()
        if name.isupper() and value != getattr(crawler.settings, name, None)
    }


def wait_until_finished(server: Scrapyd, job: str) -> None:
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        if any(j["id"] == job for j in server.call("listjobs.json?project=manba")["finished"]):
            return
        time.sleep(2)
    pytest.fail(f"job {job} did not finish within {JOB_TIMEOUT:.0f} s:\n{server.log(job)}")


def test_requests_without_the_credentials_are_refused(scrapyd: Scrapyd) -> None:
    for request in [
        urllib.request.Request(scrapyd.url + "daemonstatus.json"),
        urllib.request.Request(scrapyd.url + "schedule.json", data=b"project=manba&spider=sources"),
    ]:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as refused:
        scrapyd.call("listprojects.json", auth=(scrapyd.env["SCRAPYD_USERNAME"], "wrong"))
    assert refused.value.code == 401
    assert f"available at http://127.0.0.1:{scrapyd.env['SCRAPYD_HTTP_PORT']}/" in scrapyd.log()


def test_the_deployed_project_lists_its_spiders(scrapyd: Scrapyd) -> None:
    assert "manba" in scrapyd.call("listprojects.json")["projects"]
    assert set(scrapyd.call("listspiders.json?project=manba")["spiders"]) >= {"sources", "urls"}


def test_the_egg_reads_its_own_registry_and_migrations(scrapyd: Scrapyd) -> None:
    """The shipped registry, the Alembic scripts and the report's script, read from the deployed
    (zipped) egg."""
    egg = scrapyd.home / "eggs" / "manba" / "test.egg"
    code = f"""
import json, sys
sys.path.append({str(egg)!r})
from commands import report_html
from core.registry import load_registry
from storage.migrate import head_revision
registry = load_registry()
print(json.dumps({{"path": str(registry.path), "sources": list(registry.sources), "head": head_revision(),
                  "module": report_html.__file__, "script": report_html.script()[1]}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=scrapyd.home, env=scrapyd.env, capture_output=True, text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["path"] == str(egg / "core" / "sources.toml")
    assert {"ict", "isna"} <= set(found["sources"])
    assert found["head"] == head_revision()
    assert found["module"].startswith(str(egg)) and found["script"] == report_html.script()[1]


def test_a_scheduled_crawl_stores_every_labelled_article(
    scrapyd: Scrapyd, fixture_web: FixtureWeb, database_url: str
) -> None:
    settings = fixture_settings() | {
        "MANBA_DATABASE_URL": database_url,
        "MANBA_SOURCES_FILE": str(fixture_web.registry_path),
    }
    fields = [("project", "manba"), ("spider", "sources")]
    fields += [("setting", f"{name}={value}") for name, value in settings.items()]
    scheduled = scrapyd.call("schedule.json", fields)
    assert scheduled["status"] == "ok", scheduled
    job = scheduled["jobid"]
    wait_until_finished(scrapyd, job)

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            stored = inspect(connection).has_table(Document.__tablename__)
            query = select(Document.canonical_url, Document.body)
            bodies = {url: body for url, body in connection.execute(query)} if stored else {}
    finally:
        engine.dispose()
    labels = {a["url"]: a for a in fixture_web.labels["articles"]}
    missing = sorted(set(labels) - set(bodies))
    assert not missing, {"missing": missing[:5], "of": len(labels), "log": scrapyd.log(job)}
    rendered = [a for a in labels.values() if a.get("script_only_text")]
    assert rendered
    for label in rendered:  # text only a browser sees: scrapy-playwright ran inside the job
        assert label["script_only_text"] in bodies[label["url"]], label["url"]
