"""The Store handle: one engine, a clock, and transactions that translate DB errors."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, overload

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from harvester_cli import errors
from harvester_cli.store import engine as engine_mod


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def iso_utc(value: dt.datetime | None) -> str | None:
    """A stored time (naive UTC, as `utcnow`) as the JSON output writes it: 2026-12-05T19:45:47Z."""
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


class Store:
    """Owns the engine; every query module takes a Store."""

    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] = utcnow):
        self.engine = engine
        self.clock = clock

    @classmethod
    def open(cls, url: str, clock: Callable[[], dt.datetime] = utcnow, *, must_exist: bool = False) -> Store:
        return cls(engine_mod.make_engine(url, must_exist=must_exist), clock)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    def now(self) -> dt.datetime:
        return self.clock()

    @contextlib.contextmanager
    def tx(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite); DB failures become StoreError."""
        with self._translate():
            with self.engine.begin() as conn:
                yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction: on SQLite a deferred BEGIN, so readers never queue behind writers."""
        with self._translate():
            with self.engine.connect() as conn:
                conn.execution_options(harvester_read=True)
                with conn.begin():
                    yield conn

    @contextlib.contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            yield
        except errors.HarvesterError:
            raise
        except DBAPIError as exc:
            raise errors.StoreError(f"database error: {_first_line(exc.orig or exc)}") from exc
        except SQLAlchemyError as exc:
            raise errors.StoreError(f"database error: {exc.__class__.__name__}: {exc}") from exc
        except self.engine.dialect.loaded_dbapi.Error as exc:  # a statement run on the driver's own cursor
            raise errors.StoreError(f"database error: {_first_line(exc)}") from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@overload
def storable(text: str) -> str: ...
@overload
def storable(text: None) -> None: ...
def storable(text: str | None) -> str | None:
    """Text every store can keep: NUL (refused by PostgreSQL) and lone surrogates (not UTF-8,
    e.g. from a JSON "\\ud83d" escape) become U+FFFD; everything else is kept as written."""
    if text is None:
        return None
    return _UNSTORABLE.sub("\ufffd", text)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def loads(text: str | None, default: Any = None) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default
