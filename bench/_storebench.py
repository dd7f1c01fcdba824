"""Shared helpers of bench/cleanup.py, bench/extract_store.py and bench/load.py.

Fresh stores (a SQLite file or a scratch PostgreSQL database), bulk seeding through the raw
driver (sqlite3 executemany / psycopg COPY, so seeding is not what is measured), and running
the real `harvester` console script as a child process with its wall time and peak RSS.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH: PYTHONPATH=<other tree> benchmarks that tree

HARVESTER = str(ROOT / ".venv" / "bin" / "harvester")
if not os.path.exists(HARVESTER):  # installed elsewhere (pipx, another venv)
    HARVESTER = shutil.which("harvester") or HARVESTER

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

UTC_NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --------------------------------------------------------------------------- stores


def sqlite_ts(value: dt.datetime | None) -> str | None:
    """A naive UTC datetime as SQLAlchemy's SQLite DateTime stores it (string comparison)."""
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.%f")


def pg_parts(url: str) -> tuple[str, str]:
    """(server URL without database, database name) of a PostgreSQL URL."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return u.set(database="postgres").render_as_string(hide_password=False), u.database or "postgres"


def pg_with_db(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    return u.set(database=name).render_as_string(hide_password=False)


def _psycopg_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    parts = [f"dbname={u.database or 'postgres'}"]
    if u.host:
        parts.append(f"host={u.host}")
    if u.port:
        parts.append(f"port={u.port}")
    if u.username:
        parts.append(f"user={u.username}")
    if u.password:
        parts.append(f"password={u.password}")
    return " ".join(parts)


def pg_admin(url: str, *sql: str) -> None:
    import psycopg

    with psycopg.connect(_psycopg_dsn(pg_with_db(url, "postgres")), autocommit=True) as conn:
        for statement in sql:
            conn.execute(statement)


def pg_create(url: str, name: str, template: str | None = None) -> str:
    """A fresh database `name` on the server of `url` (dropped first); returns its URL."""
    pg_admin(
        url,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""),
    )
    return pg_with_db(url, name)


def pg_drop(url: str, name: str) -> None:
    pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def is_pg(url: str) -> bool:
    return url.startswith("postgresql")


def init_store(url: str, cwd: Path) -> None:
    run_cli(url, ["init"], cwd=cwd, check=True)


def bulk_insert(
    url: str, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], chunk: int = 50_000
) -> int:
    """Insert rows through the raw driver: executemany on SQLite, COPY on PostgreSQL."""
    n = 0
    if is_pg(url):
        import psycopg

        with psycopg.connect(_psycopg_dsn(url)) as conn:
            with conn.cursor() as cur:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            conn.commit()
        return n
    import sqlite3

    path = sqlite_file(url)
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"

    def fix(row):
        return tuple(sqlite_ts(v) if isinstance(v, dt.datetime) else v for v in row)

    buf: list = []
    conn.execute("BEGIN")
    for row in rows:
        buf.append(fix(row))
        if len(buf) >= chunk:
            conn.executemany(sql, buf)
            n += len(buf)
            buf.clear()
    if buf:
        conn.executemany(sql, buf)
        n += len(buf)
    conn.execute("COMMIT")
    conn.close()
    return n


def sqlite_file(url: str) -> str:
    return url.split("sqlite:///", 1)[1]


def analyze(url: str, tables: Sequence[str] = ()) -> None:
    """Refresh planner statistics after a bulk load (what autovacuum would do on PostgreSQL).

    Only `tables` (default: all) on PostgreSQL: analysing a table while it is still empty
    tells the planner it *is* empty, and with autovacuum off (as on the test server) that
    stays so: every foreign-key check on `domains` then ran as a sequential scan.
    """
    if is_pg(url):
        import psycopg

        with psycopg.connect(_psycopg_dsn(url), autocommit=True) as conn:
            for statement in [f"VACUUM ANALYZE {t}" for t in tables] or ["VACUUM ANALYZE"]:
                conn.execute(statement)
    else:
        import sqlite3

        conn = sqlite3.connect(sqlite_file(url), isolation_level=None)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()


def sqlite_copy(src_url: str, dst: Path) -> str:
    """Copy a checkpointed SQLite store to `dst` (a fresh file); returns its URL."""
    import sqlite3

    conn = sqlite3.connect(sqlite_file(src_url), isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    shutil.copyfile(sqlite_file(src_url), dst)
    lockdir = Path(str(dst) + ".locks")
    if lockdir.exists():
        shutil.rmtree(lockdir)
    return f"sqlite:///{dst}"


def scalar(url: str, sql: str) -> Any:
    if is_pg(url):
        import psycopg

        with psycopg.connect(_psycopg_dsn(url)) as conn:
            return conn.execute(sql).fetchone()[0]
    import sqlite3

    conn = sqlite3.connect(sqlite_file(url))
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def table_counts(url: str, tables: Sequence[str]) -> dict[str, int]:
    return {t: scalar(url, f"SELECT count(*) FROM {t}") for t in tables}


# --------------------------------------------------------------------------- processes


class CliResult:
    def __init__(self, args, returncode, stdout, stderr, seconds, maxrss_kb, cpu_seconds=0.0):
        self.args, self.returncode, self.stdout, self.stderr = args, returncode, stdout, stderr
        self.seconds, self.maxrss_kb, self.cpu_seconds = seconds, maxrss_kb, cpu_seconds

    @property
    def maxrss_mb(self) -> float:
        return self.maxrss_kb / 1024


def cli_env(url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARVESTER_")}
    env["HARVESTER_DATABASE_URL"] = url
    env.update(extra or {})
    return env


def run_cli(
    url: str,
    args: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    check: bool = False,
    timeout: float = 7200,
    stdin: Path | None = None,
) -> CliResult:
    """Run `harvester ARGS` as a child process: wall time, CPU time and peak RSS.

    The peak RSS comes from /usr/bin/time (GNU time, `%M`) wrapped around the command: the
    ru_maxrss that wait4 reports for a direct child also counts the benchmark's own pages
    the child had between fork and exec.
    """
    argv = [HARVESTER, "--database-url", url, *args]
    out_path, err_path = Path(cwd) / ".cli.stdout", Path(cwd) / ".cli.stderr"
    rss_path = Path(cwd) / ".cli.maxrss"
    rss_path.unlink(missing_ok=True)
    wrapped = ([GNU_TIME, "-f", "%M", "-o", str(rss_path)] if GNU_TIME else []) + argv
    with open(out_path, "wb") as out, open(err_path, "wb") as err, open(stdin or os.devnull, "rb") as given:
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, env=env or cli_env(url), stdin=given, stdout=out, stderr=err)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
            time.sleep(0.01)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss_kb = usage.ru_maxrss
    if GNU_TIME and rss_path.exists():
        lines = rss_path.read_text().split()
        maxrss_kb = int(lines[-1]) if lines and lines[-1].isdigit() else maxrss_kb
    # GNU time reports the command's children in its own rusage: the CPU time is the command's
    result = CliResult(
        argv,
        proc.returncode,
        out_path.read_text(),
        err_path.read_text(),
        seconds,
        maxrss_kb,
        usage.ru_utime + usage.ru_stime,
    )
    if check and result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


# --------------------------------------------------------------------------- numbers


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))
    return s[k]


def snowflake(ts: dt.datetime, rng: random.Random) -> int:
    """A 64-bit TikTok-like id (time << 32 | random), above 2**53 like the real ones."""
    return (int(ts.replace(tzinfo=dt.UTC).timestamp()) << 32) | rng.getrandbits(32)


# --------------------------------------------------------------------------- comment texts


def _extract_bench():
    """bench/extract.py (another benchmark, whose synthetic-comment generator is reused)."""
    import importlib.util

    path = ROOT / "bench" / "extract.py"
    if not path.exists():
        return None
    import harvester_cli  # noqa: F401 - resolved through sys.path (PYTHONPATH first), before it

    saved = list(sys.path)
    spec = importlib.util.spec_from_file_location("_bench_extract", path)
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path[:] = saved  # it puts the project root first; keep PYTHONPATH's precedence
    return mod if callable(getattr(mod, "synthetic", None)) else None


def comment_texts(n: int, seed: int = 20240501) -> list[str]:
    """`n` realistic comment texts from bench/extract.py's `synthetic` generator (about 12 %
    mention a domain, in every written form; chatter, emoji, traps), else the fake server's."""
    mod = _extract_bench()
    if mod is not None:
        return [text for _id, text, _domains in mod.synthetic(n, seed=seed)]
    from tests.fakes.tiktok_server import make_comment_text

    rng = random.Random(seed)
    return [make_comment_text(rng)[0] for _ in range(n)]


def comment_texts_source() -> str:
    if _extract_bench() is not None:
        return "bench/extract.py:synthetic"
    return "tests/fakes/tiktok_server.py:make_comment_text"


class Scratch:
    """Scratch stores for a bench: SQLite files under `work`, or databases on a PostgreSQL server."""

    def __init__(self, postgres: str | None, work: Path):
        self.postgres = postgres
        self.work = work
        self.dbs: list[str] = []

    def fresh(self, name: str, template_url: str | None = None) -> str:
        if self.postgres:
            self.dbs.append(name)
            return pg_create(self.postgres, name, template=pg_parts(template_url)[1] if template_url else None)
        if template_url:
            return sqlite_copy(template_url, self.work / f"{name}.db")
        path = self.work / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"

    def discard(self, name: str, url: str) -> None:
        if self.postgres:
            pg_drop(self.postgres, name)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(sqlite_file(url) + suffix).unlink(missing_ok=True)

    def drop_all(self) -> None:
        if self.postgres:
            for name in set(self.dbs):
                pg_drop(self.postgres, name)
