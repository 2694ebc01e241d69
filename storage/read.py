"""Opening an existing store for reading (export, summary) without creating or migrating it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from storage.db import make_engine
from storage.migrate import check_ready


@contextmanager
def reading(url: str) -> Iterator[Session]:
    """A session in one read transaction (one snapshot) on the store at ``url``.

    Raises :class:`~storage.db.StoreNotReady` when there is no store or
    no current schema there.
    """
    engine = make_engine(url, create_dir=False, reader=True)
    try:
        check_ready(engine)
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()
