"""The store's writer processes: the protocol between a crawl and the processes that write its items.

A writer is ``python -c "…serve_writer()"``: a fresh interpreter that imports only the write path
(``storage.write``; no multiprocessing, so a crawl started from an unguarded script is never re-run
in it). The crawler's end, :class:`WriterProcess`, runs on the reactor and sends it length-prefixed
pickles on its stdin: first the store URL (not on the command line, where a password would show),
then one ``(number, item, run_id, source_key, role, prepared match texts)`` per item. The writer
answers ``(number, ok, outcome)`` on its stdout; stray output of the libraries it imports goes to
stderr, which it shares with the crawler. Both ends live here, so the protocol is in one place.
"""

from __future__ import annotations

import itertools
import os
import pickle
import struct
import sys
import traceback
from typing import Any, BinaryIO

from twisted.internet.defer import Deferred
from twisted.internet.protocol import ProcessProtocol
from twisted.python.failure import Failure

from core.items import ArticleItem
from core.syndication.decide import prepare, remember
from core.text.persian import warm_up
from storage.db import make_engine, make_sessionmaker
from storage.write import StoreResult, write_item

_HEADER = struct.Struct(">I")


class WriterDied(RuntimeError):
    """The writer process ended while items were waiting for it."""


def _frame(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _read_frame(stream: BinaryIO) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None  # the crawler closed our stdin: no more items
    size = _HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


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
    """The writer process: store the items read from stdin, one transaction each, in order.

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
    requests = os.fdopen(os.dup(0), "rb")
    url = _read_frame(requests)
    if url is None:
        return
    warm_up()
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        while (request := _read_frame(requests)) is not None:
            number, item, run_id, source_key, role, crosslingual, prepared = request
            for ahead in prepared:
                remember(ahead)
            retried: list[BaseException] = []
            try:
                result = write_item(
                    sessions,
                    item,
                    run_id=run_id,
                    source_key=source_key,
                    role=role,
                    on_retry=retried.append,
                    crosslingual=crosslingual,
                )
                reply = _frame((number, True, (result, len(retried))))
            except Exception as exc:
                reply = _frame((number, False, _portable(exc)))
            replies.write(reply)
            replies.flush()
    finally:
        engine.dispose()


class WriterProcess(ProcessProtocol):
    """The crawler's end of one writer process (on the reactor, no threads)."""

    def __init__(self, url: str) -> None:
        self.url = url
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
        self._send(self.url)

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
