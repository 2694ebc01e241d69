"""An invalid MANBA setting is a usage error: the rule table, the components, and `scrapy crawl` as a
user runs it (exit 2, one line naming the setting and the value)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler import settings as project
from crawler.extensions.progress import ProgressLog
from crawler.settings_check import (
    RULES,
    InvalidSetting,
    check_settings,
    read_bool,
    read_float,
    read_int,
    recrawl_policy,
)
from fixtureweb import FixtureWeb
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline
from storage.testing import write_registry
from tests.conftest import run_scrapy, scrapy_env


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("off", False), ("False", False), (" yes ", True), (0, False), (True, True)],
)
def test_a_switch_reads_the_usual_spellings(raw: object, expected: bool) -> None:
    assert read_bool(Settings({"MANBA_STORE_ENABLED": raw}), "MANBA_STORE_ENABLED", not expected) is expected


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("MANBA_PROGRESS_INTERVAL", "0", 0.0),
        ("MANBA_PROGRESS_INTERVAL", "0.2", 0.2),
        ("MANBA_STORE_WRITERS", "4", 4),
        ("MANBA_STORE_WRITERS", 2.0, 2),
        ("MANBA_STORE_GROUP_SIZE", "1", 1),
        ("MANBA_STORE_GROUP_WAIT", "0", 0.0),
        ("MANBA_MIN_BODY_CHARS", "0", 0),
    ],
)
def test_valid_numbers(name: str, raw: object, expected: float) -> None:
    settings = Settings({name: raw})
    read = read_int if RULES[name].kind is int else read_float
    assert read(settings, name, 7) == expected


@pytest.mark.parametrize(
    ("name", "raw", "expects"),
    [
        ("MANBA_PROGRESS_INTERVAL", "-5", "a number ≥ 0"),
        ("MANBA_PROGRESS_INTERVAL", "abc", "a number ≥ 0"),
        ("MANBA_PROGRESS_INTERVAL", "nan", "a number ≥ 0"),
        ("MANBA_RETRY_AFTER_MAX", "-1", "a number ≥ 0"),
        ("MANBA_STORE_WRITERS", "0", "a whole number ≥ 1"),
        ("MANBA_STORE_WRITERS", "1.5", "a whole number ≥ 1"),
        ("MANBA_STORE_GROUP_SIZE", "0", "a whole number ≥ 1"),
        ("MANBA_STORE_GROUP_WAIT", "-0.1", "a number ≥ 0"),
        ("MANBA_MIN_BODY_CHARS", "-1", "a whole number ≥ 0"),
        ("MANBA_RECHECK_OLD_MINUTES", "0", "a number > 0"),
        ("MANBA_REDIS_LEASE", "inf", "a number > 0"),
        ("MANBA_STORE_ENABLED", "maybe", "on or off"),
        ("MANBA_CROSSLINGUAL", "", "on or off"),
    ],
)
def test_an_invalid_value_names_the_setting_and_the_value(name: str, raw: str, expects: str) -> None:
    with pytest.raises(InvalidSetting) as raised:
        check_settings(Settings({name: raw}))
    message = str(raised.value)
    assert message.startswith(f"{name}={raw}: must be {expects}")
    assert message.endswith(f"({RULES[name].meaning})")


def test_poll_minutes_must_stay_in_order() -> None:
    settings = Settings({"MANBA_POLL_MIN_MINUTES": "2000"})
    with pytest.raises(InvalidSetting, match=r"^MANBA_POLL_MIN_MINUTES=2000: .*≤ MANBA_POLL_START_MINUTES"):
        check_settings(settings)
    assert recrawl_policy(Settings({"MANBA_POLL_MIN_MINUTES": "5"})).poll_min.total_seconds() == 300


def test_every_setting_of_the_project_passes() -> None:
    check_settings(Settings({name: value for name, value in vars(project).items() if name.isupper()}))


# --- components: invalid is an error, off is NotConfigured ---------------------------------------


def test_progress_log_refuses_a_negative_interval() -> None:
    with pytest.raises(InvalidSetting, match="MANBA_PROGRESS_INTERVAL=-5"):
        build_from_crawler(ProgressLog, get_crawler(settings_dict={"MANBA_PROGRESS_INTERVAL": "-5"}))
    with pytest.raises(NotConfigured):
        build_from_crawler(ProgressLog, get_crawler(settings_dict={"MANBA_PROGRESS_ENABLED": "0"}))


def test_validate_refuses_a_negative_minimum() -> None:
    with pytest.raises(InvalidSetting, match="MANBA_MIN_BODY_CHARS=-1"):
        build_from_crawler(ValidatePipeline, get_crawler(settings_dict={"MANBA_MIN_BODY_CHARS": -1}))


def test_store_refuses_no_writers(tmp_path: Path) -> None:
    settings = {
        "MANBA_DATABASE_URL": f"sqlite:///{tmp_path / 'manba.sqlite3'}",
        "MANBA_SOURCES_FILE": str(write_registry(tmp_path / "sources.toml")),
        "MANBA_STORE_WRITERS": "0",
    }
    with pytest.raises(InvalidSetting, match="MANBA_STORE_WRITERS=0"):
        build_from_crawler(StorePipeline, get_crawler(settings_dict=settings))


def test_store_reads_its_group_settings(tmp_path: Path) -> None:
    settings = {
        "MANBA_DATABASE_URL": f"sqlite:///{tmp_path / 'manba.sqlite3'}",
        "MANBA_SOURCES_FILE": str(write_registry(tmp_path / "sources.toml")),
        "MANBA_STORE_GROUP_SIZE": "8",
        "MANBA_STORE_GROUP_WAIT": "0.05",
    }
    pipeline = build_from_crawler(StorePipeline, get_crawler(settings_dict=settings))
    assert (pipeline.group_size, pipeline.group_wait) == (8, 0.05)
    with pytest.raises(InvalidSetting, match="MANBA_STORE_GROUP_SIZE=0"):
        refused = {**settings, "MANBA_STORE_GROUP_SIZE": "0"}
        build_from_crawler(StorePipeline, get_crawler(settings_dict=refused))


# --- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "setting", "value"),
    [
        ("crawl", "MANBA_PROGRESS_INTERVAL", "-5"),
        ("crawl", "MANBA_PROGRESS_INTERVAL", "abc"),
        ("crawl", "MANBA_STORE_WRITERS", "0"),
        ("crawl", "MANBA_RETRY_AFTER_MAX", "-1"),
        ("crawlall", "MANBA_MIN_BODY_CHARS", "-3"),
    ],
)
def test_an_invalid_setting_stops_the_command(
    command: str, setting: str, value: str, fixture_web: FixtureWeb, tmp_path: Path
) -> None:
    url = fixture_web.labels["articles"][0]["url"]
    args = ["crawl", "urls", "-a", f"urls={url}"] if command == "crawl" else ["crawlall"]
    store = tmp_path / "manba.sqlite3"
    env = scrapy_env(f"sqlite:///{store}", fixture_web.registry_path)
    result = run_scrapy(*args, "-s", f"{setting}={value}", env=env, timeout=120)
    assert result.returncode == 2, result.stderr[-3000:]
    assert result.stderr.splitlines() == [f"scrapy {command}: {setting}={value}: must be {_expects(setting)}"]
    assert not store.exists()  # refused before anything started


def _expects(setting: str) -> str:
    rule = RULES[setting]
    return f"{rule.expects()} ({rule.meaning})"
