"""Flask extensions, created unbound here and bound to the app in ``create_app``."""

from __future__ import annotations

import time

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations get stable names."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects keep their values after a commit instead of being reloaded at their next use: a
# request's session is its own and ends with it, so what the request wrote is what it reads,
# and a page rendered after a commit (a check-in, a lesson bookmark) costs no reloads of the
# user, the module or the session. Code that changes rows behind the ORM's back (bulk
# statements on collections already loaded) must expire what it changed.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


def dialect_insert(target, dialect: str | None = None):
    """``insert(target)`` of ``dialect`` (default: the bound engine's), for statements with
    ``on_conflict_do_update`` (PostgreSQL and SQLite both have it)."""
    from sqlalchemy.dialects import postgresql, sqlite

    name = dialect or db.session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(target)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()


def _client_address() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):  # pragma: no cover - driver hook
    """Turn on WAL and foreign keys for every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Test a pooled connection before a request uses it, but only when it has sat unused in
    the pool for ``idle_seconds`` or more (0: every time, as ``pool_pre_ping`` does).

    Idle connections are the ones a database restart, an ``idle_session_timeout`` or a
    firewall may have cut; a dead one is replaced before the request sees it. A connection
    handed back moments ago is used as it is: on a busy server that spares a round trip to the
    database on nearly every request. After a database restart, the first use of each
    connection that was busy at that moment fails once; SQLAlchemy then discards every
    connection of the pool older than the failure."""
    if engine.dialect.name == "sqlite":
        return
    dialect = engine.dialect

    @event.listens_for(engine.pool, "checkin")
    def _returned(dbapi_connection, record):  # pragma: no cover - pool hook
        record.info["lms_returned"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy):
        returned = record.info.get("lms_returned")
        if returned is None or time.monotonic() - returned < idle_seconds:
            return  # a new connection, or one in use a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            alive = False
        if not alive:
            # The pool discards this connection and checks out another (a new one if need be).
            raise sa_exc.DisconnectionError("connection found dead by the idle ping")


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def sqlite_write_lock() -> None:
    """On SQLite, a request that may write takes the database's write lock when it starts
    (``BEGIN IMMEDIATE``), waiting up to ``busy_timeout`` for another writer to finish.

    Without it, a request reads, then writes in a transaction SQLite started lazily: two
    officers marking the same roster, parallel autosaves or a QR burst then race, and a
    transaction that read an older snapshot cannot be upgraded to a writer at all ("database is
    locked" at once, whatever the busy timeout). Writers wait in turn instead; readers (GET)
    are never blocked (WAL). PostgreSQL needs none of this (row locks and conditional updates
    do the work there)."""
    from flask import request

    if request.method not in WRITE_METHODS:
        return
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
