"""The store's writer processes: the protocol between a crawl and the processes that write its items.

A writer is ``python -c "…serve_writer()"``: a fresh interpreter that imports only the write path
(``storage.write``; no multiprocessing, so a crawl started from an unguarded script is never re-run
in it). The crawler's end, :class:`WriterProcess`, runs on the reactor and sends it length-prefixed
pickles on its stdin: first ``(store URL, group size, group wait)`` (the URL not on the command
line, where a password would show), then one ``(number, item, run_id, source_key, role,
crosslingual, prepared match texts)`` per item. The writer answers ``(number, ok, outcome)`` on its
stdout; stray output of the libraries it imports goes to stderr, which it shares with the crawler.
Both ends live here, so the protocol is in one place.

Groups: the writer stores the items it has read in one transaction (``storage.write.write_group``),
up to ``group size`` of them, waiting at most ``group wait`` seconds after the first for more to
arrive (a busy crawl fills its groups at once, a slow one commits within the wait). It answers for
a group's items only once the group has committed: an item the crawler has an answer for is in the
store, and one it has none for when the writer dies is written again by the crawler (found
unchanged if its group had committed: nothing is stored twice).
"""

from __future__ import annotations

import itertools
import os
import pickle
import select
import struct
import sys
import time
import traceback
from typing import Any, BinaryIO

from sqlalchemy.orm import Session, sessionmaker
from twisted.internet.defer import Deferred
from twisted.internet.protocol import ProcessProtocol
from twisted.python.failure import Failure

from core.items import ArticleItem
from core.syndication.decide import prepare, remember
from core.text.persian import warm_up
from storage.db import make_engine, make_sessionmaker
from storage.write import Request, StoreResult, write_group

_HEADER = struct.Struct(">I")

DEFAULT_GROUP_SIZE = 50
"""Items a writer stores in one transaction at most (``MANBA_STORE_GROUP_SIZE``)."""
DEFAULT_GROUP_WAIT = 0.0
"""Seconds a writer waits after a group's first item for more (``MANBA_STORE_GROUP_WAIT``). At 0 a
group is the items already waiting when the writer takes its first: no item waits for others, and a
writer that falls behind the crawl still writes in full groups. A wait only adds latency when the
crawler holds back further items until the ones sent are answered (Scrapy's pipelines do)."""


def check_group(size: int, wait: float) -> None:
    if size < 1 or wait < 0:
        raise ValueError(f"a writer's group needs a size ≥ 1 and a wait ≥ 0 s, not {size} and {wait}")


class WriterDied(RuntimeError):
    """The writer process ended while items were waiting for it."""


def _frame(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


class _Requests:
    """The writer's stdin, read frame by frame, waiting for the next frame no longer than asked."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()
        self.ended = False
        """The crawler closed our stdin: no more frames after those buffered."""

    def _frame(self) -> Any:
        if len(self.buffer) < _HEADER.size:
            return _NOTHING
        end = _HEADER.size + _HEADER.unpack_from(self.buffer)[0]
        if len(self.buffer) < end:
            return _NOTHING
        value = pickle.loads(bytes(self.buffer[_HEADER.size : end]))
        del self.buffer[:end]
        return value

    def next(self, timeout: float | None = None) -> Any:
        """The next frame; ``_NOTHING`` when none came within ``timeout`` seconds (``None``: wait as
        long as it takes) or stdin has ended."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (value := self._frame()) is _NOTHING:
            if self.ended:
                return _NOTHING
            if deadline is not None:
                left = max(0.0, deadline - time.monotonic())
                if not select.select([self.fd], [], [], left)[0]:
                    return _NOTHING
            data = os.read(self.fd, 1 << 20)
            if data:
                self.buffer += data
            else:
                self.ended = True
        return value


_NOTHING: Any = object()


def _portable(exc: BaseException) -> BaseException:
    """``exc`` with the writer's traceback as a note, or a stand-in when it does not pickle."""
    trace = "".join(traceback.format_exception(exc))
    try:
        exc.add_note(f"in the store's writer process:\n{trace}")
        pickle.dumps(exc)
        return exc
    except Exception:
        return RuntimeError(f"in the store's writer process: {trace}")


def serve_writer() -> None:
    """The writer process: store the items read from stdin in groups, one transaction each, in order.

    With ``MANBA_WRITER_PROFILE=PATH`` in the environment it runs under pyinstrument (a development
    dependency) and writes the profile to PATH when it ends (``python -m bench.pipeline --profile``)."""
    profile = os.environ.get("MANBA_WRITER_PROFILE")
    if not profile:
        _serve_writer()
        return
    from pyinstrument import Profiler

    profiler = Profiler()
    profiler.start()
    try:
        _serve_writer()
    finally:
        profiler.stop()
        with open(profile, "w", encoding="utf-8") as out:
            out.write(profiler.output_text(unicode=True, color=False))


def _serve_writer() -> None:
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # from here on, anything printed goes to stderr, not into the replies
    requests = _Requests(os.dup(0))
    config = requests.next()
    if config is _NOTHING:
        return
    url, size, wait = config
    warm_up()
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        while (group := _next_group(requests, size, wait)):
            _write(sessions, group, replies)
    finally:
        engine.dispose()


def _next_group(requests: _Requests, size: int, wait: float) -> list[Any]:
    """Up to ``size`` requests: the next one (however long it takes), then those that arrive
    within ``wait`` seconds of it; empty when stdin has ended."""
    first = requests.next()
    if first is _NOTHING:
        return []
    group = [first]
    deadline = time.monotonic() + wait
    while len(group) < size:
        request = requests.next(max(0.0, deadline - time.monotonic()))
        if request is _NOTHING:
            break
        group.append(request)
    return group


def _write(sessions: sessionmaker[Session], group: list[Any], replies: BinaryIO) -> None:
    """Store one group and answer for each of its items (after the commit, in order)."""
    batch: list[Request] = []
    for _, item, run_id, source_key, role, crosslingual, prepared in group:
        for ahead in prepared:
            remember(ahead)
        batch.append(Request(item, run_id, source_key, role, crosslingual))
    retried: list[BaseException] = []
    outcomes = write_group(sessions, batch, on_retry=retried.append)
    for i, (request, outcome) in enumerate(zip(group, outcomes, strict=True)):
        if isinstance(outcome, Exception):
            replies.write(_frame((request[0], False, _portable(outcome))))
        else:
            # The group's retries are counted once, with its first item.
            replies.write(_frame((request[0], True, (outcome, len(retried) if i == 0 else 0))))
    replies.flush()


class WriterProcess(ProcessProtocol):
    """The crawler's end of one writer process (on the reactor, no threads)."""

    def __init__(
        self, url: str, group_size: int = DEFAULT_GROUP_SIZE, group_wait: float = DEFAULT_GROUP_WAIT
    ) -> None:
        check_group(group_size, group_wait)
        self.url = url
        self.group_size = group_size
        self.group_wait = group_wait
        self.pending: dict[int, Deferred[tuple[StoreResult, int]]] = {}
        self.ended: Deferred[None] = Deferred()
        self.alive = True
        self._numbers = itertools.count()
        self._buffer = bytearray()

    def start(self) -> WriterProcess:
        from twisted.internet import reactor  # the installed one (importing it early would install one)

        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        code = "from storage.writer import serve_writer; serve_writer()"
        spawn: Any = reactor.spawnProcess
        spawn(self, sys.executable, [sys.executable, "-c", code], env=env, childFDs={0: "w", 1: "r", 2: 2})
        return self

    def _send(self, value: Any) -> None:
        stdin: Any = self.transport  # a process transport: write() goes to the child's stdin
        stdin.write(_frame(value))

    def connectionMade(self) -> None:
        self._send((self.url, self.group_size, self.group_wait))

    def write(
        self,
        item: ArticleItem,
        run_id: int | None,
        source_key: str | None,
        role: str,
        crosslingual: bool = True,
    ) -> Deferred[tuple[StoreResult, int]]:
        number = next(self._numbers)
        done: Deferred[tuple[StoreResult, int]] = Deferred()
        self.pending[number] = done
        # The crawler has just normalised this text (its lines are remembered here, not in the
        # writer): it makes the match texts, the writer the shingles, signatures and bands.
        texts = [item] if item.origin is None else [item, item.origin]
        prepared = [prepare(t.body, [a.phrase for a in t.attributions]) for t in texts]
        self._send((number, item, run_id, source_key, role, crosslingual, prepared))
        return done

    def outReceived(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= _HEADER.size:
            size = _HEADER.unpack_from(self._buffer)[0]
            end = _HEADER.size + size
            if len(self._buffer) < end:
                break
            number, ok, outcome = pickle.loads(bytes(self._buffer[_HEADER.size : end]))
            del self._buffer[:end]
            done = self.pending.pop(number)
            if ok:
                done.callback(outcome)
            else:
                done.errback(outcome)

    def close(self) -> Deferred[None]:
        """No more items: the writer finishes what it has and exits."""
        process: Any = self.transport
        if self.alive and process is not None:
            process.closeStdin()
        return self.ended

    def processEnded(self, reason: Failure) -> None:
        self.alive = False
        pending, self.pending = self.pending, {}
        for done in pending.values():
            done.errback(WriterDied(f"the store's writer process ended: {reason.getErrorMessage()}"))
        self.ended.callback(None)
