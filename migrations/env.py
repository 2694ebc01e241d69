"""Alembic environment for Manba's store.

The URL is taken from, in order: a connection handed over by
``storage.migrate`` (``config.attributes["connection"]``), ``-x url=…``,
``sqlalchemy.url`` in the config, the ``MANBA_DATABASE_URL`` environment
variable, and ``sqlite:///data/manba.sqlite3``.
"""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection, text

from storage.bands import PARTITION
from storage.db import database_url_from_env, make_engine
from storage.models import Base, UTCDateTime

# Any constant will do: it only has to be the same for every Manba process.
PG_MIGRATION_LOCK = 0x6D616E6261  # "manba"

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _url() -> str:
    x_url = context.get_x_argument(as_dictionary=True).get("url")
    return x_url or config.get_main_option("sqlalchemy.url") or database_url_from_env()


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave the band index's month partitions (``storage.bands``) out of comparisons: they are
    made as months come, not declared."""
    return not (type_ == "table" and name is not None and PARTITION.fullmatch(name) is not None)


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        include_name=_include_name,
        render_as_batch=True,  # migrations must run on SQLite as well as PostgreSQL
        compare_type=True,
        render_item=_render_item,
        **kwargs,
    )


def _raw_execute(connection: Connection, sql: str) -> None:
    """Run ``sql`` on the DBAPI connection, outside any SQLAlchemy transaction."""
    connection.connection.driver_connection.execute(sql)  # type: ignore[union-attr]


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch migrations recreate tables; with foreign keys on, dropping a referenced
        # table would cascade. Checked again before commit instead.
        _raw_execute(connection, "PRAGMA foreign_keys = OFF")
    try:
        # Our SQLite engine runs real transactions (BEGIN IMMEDIATE), so DDL is
        # transactional there too and concurrent upgraders queue on the write lock.
        _configure(connection=connection, transactional_ddl=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration broke foreign keys: {broken[:10]}")
    finally:
        if sqlite:
            _raw_execute(connection, "PRAGMA foreign_keys = ON")


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
