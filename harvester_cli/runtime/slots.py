"""Concurrency slots: N per job type, held for the life of the process.

`file`: N lock files per job type (flock through filelock); the OS frees them when the
process dies. `postgres`: session advisory locks, so a limit holds across hosts sharing
one database; the server frees them when the session ends. Both are non-blocking.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from harvester_cli import errors, filesafety

ADVISORY_NAMESPACE = 0x4856  # "HV": keeps our advisory keys apart from other applications'


@dataclass
class Slot:
    job_type: str
    number: int
    ref: str
    handle: Any = field(repr=False, default=None)
    backend: SlotBackend | None = field(repr=False, default=None)

    def release(self) -> None:
        if self.backend is not None and self.handle is not None:
            self.backend.release(self)
            self.handle = None

    def alive(self) -> bool:
        """False once the slot is known to be lost (its PostgreSQL session died)."""
        if self.backend is None or self.handle is None:
            return True
        check = getattr(self.backend, "alive", None)
        return True if check is None else check(self)


class SlotBackend(Protocol):
    def acquire(self, job_type: str, limit: int) -> Slot: ...
    def release(self, slot: Slot) -> None: ...
    def is_held(self, ref: str) -> bool | None: ...


class FileSlots:
    """Lock files `<dir>/<job_type>.<n>.lock`.

    The directory is created 0700 and must stay private: owned by this user, not group- or
    world-writable, not a symbolic link; a lock file must not be a symbolic link either. Anything
    else is refused (exit 2) with the fix, since another user could otherwise hold or redirect the
    slots."""

    FIX = "set HARVESTER_LOCK_DIR to a directory of your own"

    def __init__(self, lock_dir: Path):
        self.lock_dir = Path(lock_dir)

    def _ensure_dir(self) -> None:
        filesafety.check_private_dir(self.lock_dir, what="lock directory", fix=self.FIX)
        try:
            filesafety.make_private_dir(self.lock_dir)
        except OSError as exc:
            raise errors.ConfigError(
                f"cannot create lock directory {self.lock_dir}: {exc.strerror}; "
                "set HARVESTER_LOCK_DIR to a writable directory"
            ) from None
        filesafety.check_private_dir(self.lock_dir, what="lock directory", fix=self.FIX)
        if not os.access(self.lock_dir, os.W_OK):
            raise errors.ConfigError(
                f"lock directory {self.lock_dir} is not writable; set HARVESTER_LOCK_DIR to a writable directory"
            )

    def acquire(self, job_type: str, limit: int) -> Slot:
        self._ensure_dir()
        for number in range(1, limit + 1):
            path = self.lock_dir / f"{job_type}.{number}.lock"
            filesafety.check_private_file(path, what="lock file")
            lock = FileLock(str(path), timeout=0, mode=0o600, thread_local=False)
            try:
                lock.acquire(timeout=0)
            except Timeout:
                continue
            except OSError as exc:  # e.g. replaced by a link between the check and the open
                raise errors.ConfigError(
                    f"cannot use lock file {path}: {exc.strerror}; remove it (`rm {path}`)"
                ) from None
            return Slot(job_type, number, f"file:{path}", lock, self)
        raise errors.NoFreeSlot(
            f"all {limit} {job_type} slots are busy; another run will pick the work up "
            f"(raise max_concurrent_{job_type}_jobs with `harvester config set` if this persists)"
        )

    def release(self, slot: Slot) -> None:
        slot.handle.release(force=True)

    def is_held(self, ref: str) -> bool | None:
        """True if some process holds the lock file; None if it is not on this host."""
        if not ref.startswith("file:"):
            return None
        path = Path(ref[5:])
        if not path.parent.is_dir():
            return None
        probe = FileLock(str(path), timeout=0, thread_local=False)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return True
        except OSError:
            return None
        probe.release(force=True)
        return False


def advisory_key(job_type: str, schema: str = "public") -> int:
    """The advisory lock class of a job type. Advisory locks are per database, so installs in
    other schemas of the same database get keys of their own."""
    name = job_type if schema == "public" else f"{schema}.{job_type}"
    return (ADVISORY_NAMESPACE << 16) | (zlib.crc32(name.encode()) & 0xFFFF)


class PostgresSlots:
    """`pg_try_advisory_lock(key(job_type), slot)` on a connection held for the process's life."""

    def __init__(self, engine):
        if engine.dialect.name != "postgresql":
            raise errors.ConfigError(
                "HARVESTER_LOCK_BACKEND=postgres needs a PostgreSQL HARVESTER_DATABASE_URL; use file with SQLite"
            )
        self.engine = engine
        self._schema: str | None = None

    def schema(self) -> str:
        if self._schema is None:
            with self.engine.connect() as conn:
                self._schema = conn.execute(text("SELECT current_schema()")).scalar() or "public"
        return self._schema

    def acquire(self, job_type: str, limit: int) -> Slot:
        key = advisory_key(job_type, self.schema())
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            for number in range(1, limit + 1):
                got = conn.execute(text("SELECT pg_try_advisory_lock(:k, :n)"), {"k": key, "n": number}).scalar()
                if got:
                    return Slot(job_type, number, f"pg:{key}:{number}", conn, self)
        except Exception:
            conn.close()
            raise
        conn.close()
        raise errors.NoFreeSlot(
            f"all {limit} {job_type} slots are busy across hosts; another run will pick the work up "
            f"(raise max_concurrent_{job_type}_jobs with `harvester config set` if this persists)"
        )

    def release(self, slot: Slot) -> None:
        conn = slot.handle
        try:
            conn.execute(
                text("SELECT pg_advisory_unlock(:k, :n)"),
                {"k": advisory_key(slot.job_type, self.schema()), "n": slot.number},
            )
        except SQLAlchemyError:
            pass  # the session is gone, and its advisory locks went with it
        finally:
            try:
                conn.close()
            except SQLAlchemyError:
                pass

    def alive(self, slot: Slot) -> bool:
        """Whether the session holding the advisory lock still exists (it holds the slot)."""
        try:
            slot.handle.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def is_held(self, ref: str) -> bool | None:
        if not ref.startswith("pg:"):
            return None
        _, key, number = ref.split(":")
        with self.engine.connect() as conn:
            held = conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid::bigint = (:k & 4294967295) AND objid::bigint = :n AND objsubid = 2 "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"k": int(key), "n": int(number)},
            ).scalar()
        return bool(held)


def lock_dir_for(settings, db_file: Path | None, state_dir: Path) -> Path:
    configured = settings.get("HARVESTER_LOCK_DIR")
    if configured:
        return Path(configured).expanduser()
    if db_file is not None:
        return db_file.resolve().parent / f"{db_file.name}.locks"
    return state_dir / "locks"


def backend_for(settings, engine, db_file: Path | None, state_dir: Path) -> SlotBackend:
    if settings.get("HARVESTER_LOCK_BACKEND") == "postgres":
        return PostgresSlots(engine)
    return FileSlots(lock_dir_for(settings, db_file, state_dir))
