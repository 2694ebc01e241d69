"""The writer process (``storage.writer``): items grouped by count and time, answered only once their
group has committed, so a writer killed mid-group loses nothing it answered for and, written again,
doubles nothing."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from core.items import ArticleItem
from core.syndication.decide import prepare
from storage.models import Document
from storage.testing import article
from storage.write import StoreResult
from storage.writer import _HEADER, _frame, _next_group, _Requests
from tests.test_storage_origins import total

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def pipe() -> Iterator[tuple[_Requests, int]]:
    read, write = os.pipe()
    yield _Requests(read), write
    for fd in (read, write):
        with contextlib.suppress(OSError):  # closed by the test
            os.close(fd)


@contextlib.contextmanager
def arriving(write: int, value: Any, after: float) -> Iterator[None]:
    """``value`` is sent down the pipe ``after`` seconds into the block (and has been by its end)."""
    later = threading.Timer(after, lambda: os.write(write, _frame(value)))
    later.start()
    try:
        yield
    finally:
        later.join()


def test_a_group_ends_at_its_size(pipe: tuple[_Requests, int]) -> None:
    requests, write = pipe
    os.write(write, b"".join(_frame(n) for n in range(7)))
    assert _next_group(requests, 3, 10.0) == [0, 1, 2]
    assert _next_group(requests, 3, 10.0) == [3, 4, 5]


def test_without_a_wait_a_group_is_what_is_already_there(pipe: tuple[_Requests, int]) -> None:
    """The default: nothing is waited for beyond the first item, everything already sent is taken."""
    requests, write = pipe
    os.write(write, b"".join(_frame(n) for n in range(4)))
    assert _next_group(requests, 50, 0.0) == [0, 1, 2, 3]
    os.write(write, _frame("alone"))
    with arriving(write, "late", after=0.5):
        began = time.monotonic()
        assert _next_group(requests, 50, 0.0) == ["alone"]
        assert time.monotonic() - began < 0.4


def test_a_group_ends_when_its_wait_is_over(pipe: tuple[_Requests, int]) -> None:
    requests, write = pipe
    os.write(write, _frame("first"))
    with arriving(write, "late", after=1.0):
        began = time.monotonic()
        assert _next_group(requests, 50, 0.2) == ["first"]
        assert time.monotonic() - began < 0.9
        assert _next_group(requests, 50, 0.2) == ["late"]  # the next group waits for its first item


def test_a_frame_split_across_reads_and_the_end_of_input(pipe: tuple[_Requests, int]) -> None:
    requests, write = pipe
    data = _frame({"item": "x" * 100_000}) + _frame("last")
    os.write(write, data[:_HEADER.size + 10])
    threading.Timer(0.2, lambda: (os.write(write, data[_HEADER.size + 10 :]), os.close(write))).start()
    assert _next_group(requests, 50, 1.0) == [{"item": "x" * 100_000}, "last"]
    assert _next_group(requests, 50, 1.0) == []


class Writer:
    """A writer process driven by hand, as ``WriterProcess`` drives it from the reactor."""

    def __init__(self, url: str, size: int, wait: float) -> None:
        code = "from storage.writer import serve_writer; serve_writer()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.send((url, size, wait))

    def send(self, value: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(_frame(value))
        self.process.stdin.flush()

    def store(self, number: int, item: ArticleItem) -> None:
        prepared = [prepare(item.body, [a.phrase for a in item.attributions])]
        self.send((number, item, None, item.site, "own", True, prepared))

    def answer(self) -> tuple[int, bool, Any]:
        import pickle

        assert self.process.stdout is not None
        header = self.process.stdout.read(_HEADER.size)
        answer: tuple[int, bool, Any] = pickle.loads(self.process.stdout.read(_HEADER.unpack(header)[0]))
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0


def items() -> list[ArticleItem]:
    return [article(n, site="isna", canonical_url=f"https://www.isna.ir/news/{n}/") for n in range(1, 4)]


def test_answers_come_after_the_commit_and_a_killed_group_is_written_again_once(
    database_url: str, sessions: sessionmaker[Session]
) -> None:
    # A group waiting for more items when its writer is killed: nothing answered, nothing stored.
    writer = Writer(database_url, size=10, wait=60.0)
    for n, item in enumerate(items()):
        writer.store(n, item)
    time.sleep(3)  # started, read the three items, waiting for more
    writer.process.send_signal(signal.SIGKILL)
    writer.process.wait(timeout=30)
    assert writer.process.stdout is not None and writer.process.stdout.read() == b""
    assert total(sessions, Document) == 0

    # Written again (as the crawler does with items its writer never answered for): each once, and
    # every answer is for a stored row.
    writer = Writer(database_url, size=3, wait=60.0)
    for n, item in enumerate(items()):
        writer.store(n, item)
    answers = [writer.answer() for _ in items()]
    assert answers == [(n, True, (StoreResult.CREATED, 0)) for n in range(3)]
    assert total(sessions, Document) == 3
    for n, item in enumerate(items()):  # a group its writer finished before it died, sent again
        writer.store(10 + n, item)
    again = [writer.answer() for _ in items()]
    assert again == [(10 + n, True, (StoreResult.UNCHANGED, 0)) for n in range(3)]
    writer.close()
    assert total(sessions, Document) == 3


def test_a_slow_crawl_is_committed_within_the_wait(
    database_url: str, sessions: sessionmaker[Session]
) -> None:
    writer = Writer(database_url, size=50, wait=0.5)
    (item, *_) = items()
    writer.store(0, item)
    assert writer.answer() == (0, True, (StoreResult.CREATED, 0))  # alone, once the wait was over
    assert total(sessions, Document) == 1
    writer.close()
