"""Retention cleanup at scale: wall time, and how long a concurrent writer is blocked.

Seeds a store with 1M system_logs rows older than the retention period (plus recent ones),
old videos, comments, domain mentions, runs, dead-letter items and API usage, then runs
`harvester cleanup` as a real process while a second process (the writer) inserts one
system_logs row every 50 ms, each in its own transaction (SQLite: BEGIN IMMEDIATE with a
busy timeout of 60 s), recording how long each insert waited. The store is seeded once and
copied for every repeat (SQLite: a file copy; PostgreSQL: CREATE DATABASE ... TEMPLATE).

    .venv/bin/python bench/cleanup.py                       # SQLite, 3 repeats
    .venv/bin/python bench/cleanup.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/cleanup.py --logs 100000 --repeat 1   # quick
    .venv/bin/python bench/cleanup.py --batches             # also time every batch in-process, per rule

Also checks that `cleanup --dry-run` deletes nothing and predicts exactly what the real run
deletes, and that recent rows, pending dead-letter items and domains survive.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _storebench as sb  # noqa: E402

TABLES = (
    "system_logs",
    "videos",
    "comments",
    "domain_mentions",
    "domains",
    "job_status",
    "dead_letter_queue",
    "api_usage",
)
RETENTION_DAYS = 90


# --------------------------------------------------------------------------- seeding


def seed(
    url: str,
    *,
    logs: int,
    recent_logs: int,
    videos: int,
    comments_per_video: int,
    mention_ratio: float,
    seed_value: int = 7,
) -> dict[str, int]:
    rng = random.Random(seed_value)
    now = sb.UTC_NOW

    def old() -> dt.datetime:
        return now - dt.timedelta(days=rng.uniform(RETENTION_DAYS + 5, 400))

    def recent() -> dt.datetime:
        return now - dt.timedelta(days=rng.uniform(0, RETENTION_DAYS - 5))

    levels = ("info",) * 8 + ("warning", "error")
    events = ("job.started", "job.succeeded", "harvest.video", "extract.done", "claims.released")

    # system_logs are appended as things happen: ids grow with created_at
    log_times = sorted([old() for _ in range(logs)] + [recent() for _ in range(recent_logs)])

    def log_rows():
        for i, at in enumerate(log_times):
            yield (
                at,
                rng.choice(levels),
                rng.choice(("discovery", "harvesting", "extraction")),
                i // 50 + 1,
                rng.choice(events),
                f"event {i} of the seeded history " + "x" * rng.randint(10, 120),
                None,
            )

    counts = {}
    counts["system_logs"] = sb.bulk_insert(
        url, "system_logs", ("created_at", "level", "job_type", "run_id", "event", "message", "details"), log_rows()
    )

    n_recent_videos = max(1, videos // 10)
    video_meta = []  # (id, is_old, when)
    used = set()
    for i in range(videos + n_recent_videos):
        is_old = i < videos
        when = old() if is_old else recent()
        vid = sb.snowflake(when, rng)
        while vid in used:
            vid = sb.snowflake(when, rng)
        used.add(vid)
        video_meta.append((vid, is_old, when))

    def video_rows():
        for vid, _is_old, when in video_meta:
            yield (
                vid,
                "tiktok",
                "user",
                "a promoted video #ad",
                '["ad"]',
                when,
                "video_tag",
                when,
                when,
                "done",
                1,
                when,
                2,
            )

    counts["videos"] = sb.bulk_insert(
        url,
        "videos",
        (
            "id",
            "source",
            "username",
            "description",
            "hashtags",
            "created_at",
            "promoted_reason",
            "discovered_at",
            "last_seen_at",
            "harvest_state",
            "harvest_attempts",
            "harvested_at",
            "comment_pages",
        ),
        video_rows(),
    )

    pool = [f"shop{i}.example{'' if i % 3 else '-store'}.com" for i in range(2000)]
    mentions = []
    domain_seen: dict[str, list[dt.datetime]] = {}

    def comment_rows():
        for vid, _is_old, when in video_meta:
            for _ in range(comments_per_video):
                cid = sb.snowflake(when, rng)
                while cid in used:
                    cid = sb.snowflake(when, rng)
                used.add(cid)
                created = when - dt.timedelta(minutes=rng.randint(1, 600))
                if rng.random() < mention_ratio:
                    for d in rng.sample(pool, 2 if rng.random() < 0.12 else 1):
                        mentions.append((cid, d, vid, d, created))
                        b = domain_seen.setdefault(d, [created, created])
                        b[0], b[1] = min(b[0], created), max(b[1], created)
                yield (cid, vid, None, "check out the shop link in bio", 3, 0, created, when, when)

    counts["comments"] = sb.bulk_insert(
        url,
        "comments",
        (
            "id",
            "video_id",
            "parent_comment_id",
            "text",
            "like_count",
            "reply_count",
            "created_at",
            "harvested_at",
            "extracted_at",
        ),
        comment_rows(),
    )
    counts["domains"] = sb.bulk_insert(
        url,
        "domains",
        ("domain", "first_seen", "last_seen", "first_extracted_at"),
        ((d, b[0], b[1], b[0]) for d, b in sorted(domain_seen.items())),
    )
    counts["domain_mentions"] = sb.bulk_insert(
        url, "domain_mentions", ("comment_id", "domain", "video_id", "written", "seen_at"), mentions
    )

    n_runs = max(100, logs // 50)

    run_times = sorted([old() for _ in range(n_runs)] + [recent() for _ in range(100)])

    def run_rows():
        for at in run_times:
            yield (
                rng.choice(("discovery", "harvesting", "extraction")),
                "succeeded",
                at,
                at + dt.timedelta(seconds=30),
                at,
                "host",
                1000,
                1,
                12,
                0,
                30.0,
            )

    counts["job_status"] = sb.bulk_insert(
        url,
        "job_status",
        (
            "job_type",
            "status",
            "started_at",
            "finished_at",
            "heartbeat_at",
            "host",
            "pid",
            "slot",
            "items_ok",
            "items_failed",
            "duration_seconds",
        ),
        run_rows(),
    )

    def dlq_rows():
        for i in range(2000):
            at = old()
            status = "pending" if i % 100 == 0 else ("resolved" if i % 2 else "discarded")
            yield (
                "harvesting",
                f"video:{i}",
                "{}",
                status,
                3,
                "HTTPError",
                "boom",
                at,
                at,
                at if status == "resolved" else None,
            )

    counts["dead_letter_queue"] = sb.bulk_insert(
        url,
        "dead_letter_queue",
        (
            "job_type",
            "item_key",
            "payload",
            "status",
            "attempts",
            "error_type",
            "error",
            "created_at",
            "updated_at",
            "resolved_at",
        ),
        dlq_rows(),
    )
    counts["api_usage"] = sb.bulk_insert(
        url,
        "api_usage",
        ("day", "source", "requests", "updated_at"),
        (
            ((now - dt.timedelta(days=d)).strftime("%Y-%m-%d"), "tiktok", 900, now - dt.timedelta(days=d))
            for d in range(400)
        ),
    )
    sb.analyze(url)
    return counts


def expected_deletions(url: str) -> dict[str, int]:
    """What a 90-day cleanup must delete, computed independently of the service."""
    if sb.is_pg(url):
        cutoff = f"(now() at time zone 'utc') - interval '{RETENTION_DAYS} days'"
        day = f"to_char({cutoff}, 'YYYY-MM-DD')"
    else:
        cutoff = f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-{RETENTION_DAYS} days')"
        day = f"strftime('%Y-%m-%d', 'now', '-{RETENTION_DAYS} days')"
    q = {
        "system_logs": f"SELECT count(*) FROM system_logs WHERE created_at < {cutoff}",
        "comments": f"SELECT count(*) FROM comments WHERE harvested_at < {cutoff}",
        "domain_mentions": f"SELECT count(*) FROM domain_mentions m JOIN comments c ON c.id = m.comment_id "
        f"WHERE c.harvested_at < {cutoff}",
        "job_status": f"SELECT count(*) FROM job_status WHERE started_at < {cutoff} AND status <> 'running'",
        "dead_letter_queue": f"SELECT count(*) FROM dead_letter_queue WHERE status IN ('resolved', 'discarded') "
        f"AND coalesce(resolved_at, updated_at) < {cutoff}",
        "api_usage": f"SELECT count(*) FROM api_usage WHERE day < {day}",
        "videos": f"SELECT count(*) FROM videos v WHERE last_seen_at < {cutoff} AND harvest_state IN ('done','failed') "
        f"AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.video_id = v.id AND c.harvested_at >= {cutoff})",
    }
    return {t: int(sb.scalar(url, sql)) for t, sql in q.items()}


# --------------------------------------------------------------------------- the writer


def writer_main(url: str, out: str, interval: float) -> int:
    """Insert one system_logs row per `interval` s, each its own transaction; record the waits."""
    stop = False

    def on_term(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    samples: list[tuple[float, float]] = []  # (wall clock at start, seconds until committed)
    if sb.is_pg(url):
        import psycopg

        conn = psycopg.connect(sb._psycopg_dsn(url))

        def insert_one(i: int) -> None:
            conn.execute(
                "INSERT INTO system_logs (created_at, level, event, message) "
                "VALUES (now() at time zone 'utc', 'info', 'bench.writer', %s)",
                (f"writer {i}",),
            )
            conn.commit()
    else:
        import sqlite3

        conn = sqlite3.connect(sb.sqlite_file(url), timeout=60, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 60000")

        def insert_one(i: int) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO system_logs (created_at, level, event, message) "
                "VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'), 'info', 'bench.writer', ?)",
                (f"writer {i}",),
            )
            conn.execute("COMMIT")

    print("READY", flush=True)
    i = 0
    while not stop:
        wall = time.time()
        t0 = time.perf_counter()
        insert_one(i)
        samples.append((wall, time.perf_counter() - t0))
        i += 1
        time.sleep(max(0.0, interval - (time.perf_counter() - t0)))
    conn.close()
    Path(out).write_text(json.dumps(samples))
    return 0


def start_writer(url: str, out: Path, interval: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--writer", url, "--writer-out", str(out), "--interval", str(interval)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "READY"
    return proc


# --------------------------------------------------------------------------- in-process batch timing


def time_batches(url: str) -> dict[str, dict[str, float]]:
    """Run the cleanup service in-process, one rule at a time, timing every batch transaction."""
    import contextlib

    from harvester_cli.services import cleanup as svc
    from harvester_cli.store.base import Store

    store = Store.open(url)
    durations: list[float] = []
    original_tx = store.tx

    @contextlib.contextmanager
    def timed_tx():
        t0 = time.perf_counter()
        with original_tx() as conn:
            yield conn
        durations.append(time.perf_counter() - t0)

    store.tx = timed_tx
    cutoff = svc.cutoff_for(store, RETENTION_DAYS)
    all_rules = svc.rules()
    report = {}
    original_rules = svc.rules
    try:
        for rule in all_rules:
            durations.clear()
            svc.rules = lambda rule=rule: [rule]
            t0 = time.perf_counter()
            deleted = svc.purge(store, cutoff)[rule.table]
            report[rule.table] = {
                "deleted": deleted,
                "batches": len(durations),
                "max_batch_s": max(durations),
                "median_batch_s": sb.median(durations),
                "total_s": time.perf_counter() - t0,
            }
    finally:
        svc.rules = original_rules
        store.dispose()
    return report


# --------------------------------------------------------------------------- main


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--postgres", metavar="URL", help="benchmark PostgreSQL (scratch databases on this server)")
    p.add_argument("--logs", type=int, default=1_000_000, help="old system_logs rows [1000000]")
    p.add_argument("--recent-logs", type=int, default=20_000)
    p.add_argument("--videos", type=int, default=20_000, help="old videos (plus 10%% recent) [20000]")
    p.add_argument("--comments-per-video", type=int, default=15)
    p.add_argument("--mention-ratio", type=float, default=0.4)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--interval", type=float, default=0.05, help="writer period in seconds [0.05]")
    p.add_argument("--batches", action="store_true", help="also time each batch in-process, per rule")
    p.add_argument("--workdir", help="keep files here (default: a temporary directory)")
    p.add_argument(
        "--reuse-seed",
        action="store_true",
        help="SQLite: reuse the seeded store left in --workdir by an earlier run with the same sizes",
    )
    p.add_argument("--writer", metavar="URL", help=argparse.SUPPRESS)
    p.add_argument("--writer-out", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.writer:
        return writer_main(a.writer, a.writer_out, a.interval)

    work = Path(a.workdir or tempfile.mkdtemp(prefix="bench-cleanup-"))
    work.mkdir(parents=True, exist_ok=True)
    pg_dbs: list[str] = []

    def fresh(name: str, template_url: str | None = None) -> str:
        if a.postgres:
            pg_dbs.append(name)
            return sb.pg_create(a.postgres, name, template=sb.pg_parts(template_url)[1] if template_url else None)
        if template_url:
            return sb.sqlite_copy(template_url, work / f"{name}.db")
        path = work / f"{name}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"

    dialect = "postgresql" if a.postgres else "sqlite"
    try:
        marker = work / "bench_cleanup_tpl.json"
        if a.reuse_seed and not a.postgres and marker.exists():  # iterate on the service without reseeding
            tpl = f"sqlite:///{work / 'bench_cleanup_tpl.db'}"
            seeded = json.loads(marker.read_text())
        else:
            marker.unlink(missing_ok=True)
            tpl = fresh("bench_cleanup_tpl")
            sb.init_store(tpl, work)
            t0 = time.perf_counter()
            seeded = seed(
                tpl,
                logs=a.logs,
                recent_logs=a.recent_logs,
                videos=a.videos,
                comments_per_video=a.comments_per_video,
                mention_ratio=a.mention_ratio,
            )
            print(f"[{dialect}] seeded in {time.perf_counter() - t0:.1f}s: {seeded}", flush=True)
            if not a.postgres:
                marker.write_text(json.dumps(seeded))
        expected = expected_deletions(tpl)
        print(f"[{dialect}] expected deletions: {expected}", flush=True)

        # --dry-run deletes nothing and predicts the real run
        url = fresh("bench_cleanup_dry", tpl)
        before = sb.table_counts(url, TABLES)
        dry = sb.run_cli(url, ["--json", "cleanup", "--dry-run"], cwd=work, check=True)
        after = sb.table_counts(url, TABLES)
        would = json.loads(dry.stdout)["would_delete"]
        dry_ok = before == after
        print(f"[{dialect}] dry run: {dry.seconds:.2f}s, rows unchanged: {dry_ok}, would delete {would}", flush=True)

        if a.batches:
            url = fresh("bench_cleanup_batches", tpl)
            for table, r in time_batches(url).items():
                print(
                    f"[{dialect}] batches {table:18s} deleted {r['deleted']:>8} in {r['batches']:>4} batches, "
                    f"max {r['max_batch_s'] * 1000:7.1f} ms, median {r['median_batch_s'] * 1000:7.1f} ms, "
                    f"total {r['total_s']:6.2f} s",
                    flush=True,
                )

        walls, maxes, p99s, p50s, n_inserts = [], [], [], [], []
        failed_checks: list[str] = []
        for i in range(a.repeat):
            url = fresh(f"bench_cleanup_run{i}", tpl)
            before = sb.table_counts(url, TABLES)
            out = work / f"writer{i}.json"
            writer = start_writer(url, out, a.interval)
            time.sleep(1.0)
            t_start = time.time()
            res = sb.run_cli(url, ["--json", "cleanup"], cwd=work)
            t_end = time.time()
            time.sleep(0.5)
            writer.send_signal(signal.SIGTERM)
            writer.wait(timeout=120)
            if res.returncode != 0:
                raise SystemExit(f"cleanup exited {res.returncode}: {res.stdout}\n{res.stderr}")
            deleted = json.loads(res.stdout)["deleted"]
            samples = json.loads(out.read_text())
            waits = [w for (s, w) in samples if t_start <= s <= t_end]
            after = sb.table_counts(url, TABLES)
            wrote = len(samples)
            checks = {
                "deleted == dry-run prediction": deleted == would,
                "deleted == independent count": all(deleted[t] == n for t, n in expected.items()),
                "writer rows all kept": sb.scalar(url, "SELECT count(*) FROM system_logs WHERE event = 'bench.writer'")
                == wrote,
                "domains kept": after["domains"] == before["domains"],
                "pending DLQ kept": sb.scalar(url, "SELECT count(*) FROM dead_letter_queue WHERE status='pending'")
                == 20,
            }
            walls.append(res.seconds)
            maxes.append(max(waits))
            p99s.append(sb.percentile(waits, 99))
            p50s.append(sb.percentile(waits, 50))
            n_inserts.append(len(waits))
            print(
                f"[{dialect}] run {i + 1}: cleanup {res.seconds:.2f}s (rc {res.returncode}), writer inserts during "
                f"cleanup {len(waits)}, wait max {max(waits) * 1000:.1f} ms, p99 {p99s[-1] * 1000:.1f} ms, "
                f"p50 {p50s[-1] * 1000:.1f} ms; deleted {deleted}; checks {checks}",
                flush=True,
            )
            failed_checks.extend(f"run {i + 1}: {name}" for name, ok in checks.items() if not ok)
            if a.postgres:
                sb.pg_drop(a.postgres, f"bench_cleanup_run{i}")
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(sb.sqlite_file(url) + suffix).unlink(missing_ok=True)

        print(
            f"\n## cleanup, {dialect}: {a.logs} old system_logs, {seeded['comments']} comments, "
            f"{seeded['domain_mentions']} mentions; {a.repeat} runs"
        )
        print(f"cleanup wall time: median {sb.median(walls):.2f} s  (runs: {', '.join(f'{w:.2f}' for w in walls)})")
        print(
            f"writer wait max:   median {sb.median(maxes) * 1000:.1f} ms  (runs: "
            f"{', '.join(f'{m * 1000:.1f}' for m in maxes)}); worst {max(maxes) * 1000:.1f} ms"
        )
        print(
            f"writer wait p99:   median {sb.median(p99s) * 1000:.1f} ms; p50 median {sb.median(p50s) * 1000:.1f} ms; "
            f"inserts during cleanup: median {sb.median(n_inserts):.0f}"
        )
        print(f"dry run: {dry.seconds:.2f} s, deleted nothing: {dry_ok}")
        print("checks: " + ("all passed" if not failed_checks else "FAILED " + "; ".join(failed_checks)))
        return 1 if failed_checks or not dry_ok else 0
    finally:
        if a.postgres:
            for name in set(pg_dbs):
                sb.pg_drop(a.postgres, name)


if __name__ == "__main__":
    sys.exit(main())
