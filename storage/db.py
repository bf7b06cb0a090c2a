"""Database engine and sessions, the same code for SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlmodel import Session, create_engine

# SQLAlchemy's error texts would otherwise carry the values (message bodies, names) into the logs.
_PRIVATE = {"hide_parameters": True}


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(database_url)
    engine = create_engine(database_url, pool_pre_ping=True, **_PRIVATE)
    event.listen(engine, "handle_error", _without_values, retval=True)
    return engine


def _without_values(context: ExceptionContext) -> BaseException | None:
    """PostgreSQL's error texts repeat the values: "DETAIL: Key (phone)=(+316...) already exists",
    "Failing row contains (...)", and a data error's own message ('invalid input syntax for type
    integer: "..."'). The error keeps only what names the problem, so no log line or answer
    carries a number, name or words; the values stay readable in `error.orig.diag`."""
    original = context.original_exception
    diag = getattr(original, "diag", None)
    wrapped = context.sqlalchemy_exception
    if diag is None or wrapped is None:
        return None
    sqlstate = diag.sqlstate or ""
    # Class 22, data exceptions: the message itself may quote the value.
    message = type(original).__name__ if sqlstate.startswith("22") else diag.message_primary
    original.args = (message or type(original).__name__,)
    return type(wrapped)(
        wrapped.statement,
        wrapped.params,
        original,
        hide_parameters=wrapped.hide_parameters,
        connection_invalidated=wrapped.connection_invalidated,
    )


def _sqlite_engine(database_url: str) -> Engine:
    path = make_url(database_url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # The webhook thread and the embedded job thread share the file.
    engine = create_engine(database_url, connect_args={"check_same_thread": False, "timeout": 30}, **_PRIVATE)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        # WAL lets readers work while a job writes; foreign keys are off by default.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
