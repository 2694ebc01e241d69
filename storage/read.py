"""Opening an existing store for reading (export, summary) without creating or migrating it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from storage.db import check_reachable, make_engine, sqlite_path
from storage.migrate import check_ready


@contextmanager
def reading(url: str) -> Iterator[Session]:
    """A session in one read transaction (one snapshot) on the store at ``url``.

    Raises :class:`~storage.db.StoreNotReady` when there is no store or
    no current schema there, :class:`~storage.db.StoreUnreachable` when its server does not answer.
    """
    if sqlite_path(url) is None:  # a server; a missing SQLite file is check_ready's "no store"
        check_reachable(url)
    engine = make_engine(url, create_dir=False, reader=True)
    try:
        check_ready(engine)
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()
