"""Benchmark: `harvester harvest` throughput against the fake TikTok API with latency.

Run from the project root:

    .venv/bin/python bench/harvest.py [--videos 420] [--latency 0.05] [--concurrency 8,16]
                                      [--repeats 3] [--postgres URL] [--no-write]

The fake (``tests/fakes/tiktok_server.py``) runs as a separate process with
``--comments-per-video 150 --quota 0`` and a fixed per-request latency, so each promoted video
costs exactly 2 comment requests (100 + 50 comments). For every store (SQLite; PostgreSQL too
with ``--postgres``) and every HARVESTER_FETCH_CONCURRENCY, each repeat uses a fresh store:
``harvester discover`` seeds the queue, then ``harvester harvest`` is timed as a separate
process (wall time, start-up included). The harvest's requests are counted in the store's
``api_usage`` table (after the harvest minus after the discovery) and checked against the
queue (2 per video). The ideal is ``requests x latency / concurrency``: every slot busy with a
request all the time and nothing else costing time. Reported: medians, and the ratio to the
ideal, for the process wall time and for the run itself (``duration_seconds`` of the run,
without the ~0.5 s of process start-up and schema check).

Prints a markdown section and writes it under ``## Harvest throughput (bench/harvest.py)``
in ``bench/RESULTS.md`` (only that section is replaced).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKE = ROOT / "tests" / "fakes" / "tiktok_server.py"
HEADING = "## Harvest throughput (bench/harvest.py)"
sys.path.insert(0, str(ROOT / "bench"))
import _results  # noqa: E402

COMMENTS_PER_VIDEO = 150
_OURS = ("HARVESTER_", "TIKTOK_", "WORKER_", "MAX_CONCURRENT_")


def harvester_exe() -> list[str]:
    exe = Path(sys.executable).with_name("harvester")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "harvester_cli"]


class Fake:
    """The fake TikTok CLI as a child process; `stats` is its summary printed at shutdown."""

    def __init__(self, videos: int, latency: float, seed: int):
        cmd = [
            sys.executable,
            str(FAKE),
            "--port",
            "0",
            "--videos",
            str(videos),
            "--comments-per-video",
            str(COMMENTS_PER_VIDEO),
            "--latency",
            str(latency),
            "--quota",
            "0",
            "--seed",
            str(seed),
        ]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("READY "):
            self.proc.kill()
            raise SystemExit(f"fake TikTok did not start: {line!r} {self.proc.stderr.read()[-2000:]}")
        self.base_url = line.split(" ", 1)[1]
        self.stats: dict = {}

    def stop(self) -> None:
        self.proc.terminate()
        _out, err = self.proc.communicate(timeout=30)
        for line in reversed(err.strip().splitlines()):
            try:
                self.stats = json.loads(line)
                break
            except ValueError:
                continue


class Store:
    """A fresh store per repeat: a SQLite file, or a private schema on PostgreSQL."""

    def __init__(self, kind: str, workdir: Path, pg_url: str | None):
        self.kind = kind
        self.workdir = workdir
        self.pg_url = pg_url
        self.schema: str | None = None
        self._admin = None
        if kind == "sqlite":
            self.url = f"sqlite:///{workdir / 'harvester.db'}"
        else:
            import sqlalchemy as sa

            self.schema = f"bench_{uuid.uuid4().hex[:12]}"
            self._admin = sa.create_engine(_psycopg(pg_url))
            with self._admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
            sep = "&" if "?" in pg_url else "?"
            self.url = f"{_psycopg(pg_url)}{sep}options=-csearch_path%3D{self.schema}"

    def requests_today(self) -> int:
        import sqlalchemy as sa

        engine = sa.create_engine(self.url)
        try:
            with engine.connect() as conn:
                return int(conn.execute(sa.text("SELECT COALESCE(SUM(requests), 0) FROM api_usage")).scalar())
        finally:
            engine.dispose()

    def video_states(self) -> dict[str, int]:
        import sqlalchemy as sa

        engine = sa.create_engine(self.url)
        try:
            with engine.connect() as conn:
                return dict(
                    conn.execute(sa.text("SELECT harvest_state, COUNT(*) FROM videos GROUP BY harvest_state")).all()
                )
        finally:
            engine.dispose()

    def drop(self) -> None:
        if self._admin is not None:
            import sqlalchemy as sa

            with self._admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            self._admin.dispose()


def _psycopg(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def run_cli(env: dict, *args: str) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run harvester; returns (result, wall seconds, CPU seconds of that process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(harvester_exe() + list(args), env=env, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise SystemExit(
            f"harvester {' '.join(args)} exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return result, elapsed, cpu


def one_repeat(kind: str, pg_url: str | None, fake: Fake, concurrency: int, extra_env: dict) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-harvest-"))
    store = Store(kind, workdir, pg_url)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
        env.update(
            {
                "HARVESTER_DATABASE_URL": store.url,
                "HARVESTER_LOCK_DIR": str(workdir / "locks"),
                "HARVESTER_SOURCE": "tiktok",
                "TIKTOK_API_BASE_URL": fake.base_url,
                "TIKTOK_CLIENT_KEY": "test-key",
                "TIKTOK_CLIENT_SECRET": "test-secret",
                "HARVESTER_DAILY_REQUEST_BUDGET": "10000000",
                "HARVESTER_FETCH_CONCURRENCY": str(concurrency),
                "PYTHONPATH": str(ROOT),
                "NO_COLOR": "1",
            }
        )
        env.update(extra_env)
        found = json.loads(run_cli(env, "--json", "discover")[0].stdout)
        videos = int(found["promoted"])
        before = store.requests_today()
        result, wall, cpu = run_cli(env, "--json", "harvest")
        run = json.loads(result.stdout)
        requests = store.requests_today() - before
        states = store.video_states()
        if states.get("done") != videos or run["items_ok"] != videos:
            raise SystemExit(f"harvest did not finish every video: {states}, run {run}")
        if requests != 2 * videos:
            raise SystemExit(f"expected {2 * videos} comment requests, counted {requests}")
        return {"videos": videos, "requests": requests, "wall": wall, "run": float(run["duration_seconds"]), "cpu": cpu}
    finally:
        store.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--videos", type=int, default=420, help="videos in the fake (half are promoted)")
    p.add_argument("--latency", type=float, default=0.05, help="seconds the fake sleeps per request")
    p.add_argument("--concurrency", default="8,16", help="HARVESTER_FETCH_CONCURRENCY values, comma-separated")
    p.add_argument("--repeats", type=int, default=3, help="fresh-store runs per configuration (median)")
    p.add_argument("--postgres", metavar="URL", help="also benchmark this PostgreSQL database")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra setting for the harvester processes (repeatable)",
    )
    p.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = p.parse_args(argv)
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    extra_env = dict(item.split("=", 1) for item in args.env)
    stores = [("sqlite", None)] + ([("postgresql", args.postgres)] if args.postgres else [])

    fake = Fake(args.videos, args.latency, args.seed)
    configs = [(kind, url, c) for kind, url in stores for c in levels]
    runs: dict[tuple, list[dict]] = {(kind, c): [] for kind, _url, c in configs}
    load = [os.getloadavg()[0]]
    try:
        # round-robin over the configurations, so a burst of load elsewhere hits them alike
        for i in range(args.repeats):
            for kind, url, concurrency in configs:
                r = one_repeat(kind, url, fake, concurrency, extra_env)
                runs[(kind, concurrency)].append(r)
                load.append(os.getloadavg()[0])
                print(
                    f"  {kind} c={concurrency} #{i + 1}: {r['videos']} videos, {r['requests']} requests, "
                    f"wall {r['wall']:.2f}s, run {r['run']:.2f}s, cpu {r['cpu']:.2f}s (load {load[-1]:.1f})",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        fake.stop()
    rows = []
    for kind, _url, concurrency in configs:
        got = runs[(kind, concurrency)]
        requests = got[0]["requests"]
        ideal = requests * args.latency / concurrency
        wall = statistics.median(r["wall"] for r in got)
        run = statistics.median(r["run"] for r in got)
        cpu = statistics.median(r["cpu"] for r in got)
        rows.append((kind, concurrency, got[0]["videos"], requests, ideal, wall, wall / ideal, run, run / ideal, cpu))

    today = _dt.date.today().isoformat()
    extra = "".join(f" --env {e}" for e in args.env)
    command = (
        f".venv/bin/python bench/harvest.py --videos {args.videos} --latency {args.latency:g} "
        f"--concurrency {args.concurrency} --repeats {args.repeats}"
        + (" --postgres URL" if args.postgres else "")
        + extra
    )
    lines = [
        HEADING,
        "",
        f"Command: `{command}` — {today}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores (the fake, the harvester and the database share them); 1-minute load "
        f"average during the runs {min(load):.1f}–{max(load):.1f} (other work on the machine).",
        "",
        f"Fake: `tests/fakes/tiktok_server.py --videos {args.videos} --comments-per-video {COMMENTS_PER_VIDEO} "
        f"--latency {args.latency:g} --quota 0` as a separate process; each promoted video = 2 comment "
        "requests (100 + 50 comments). Each repeat: a fresh store, `harvester discover`, then "
        "`harvester harvest` timed. Requests counted in `api_usage`"
        + (f" (fake's total over the session: {fake.stats.get('requests')} requests)" if fake.stats else "")
        + ". Ideal = requests × latency / HARVESTER_FETCH_CONCURRENCY. Wall = the `harvester harvest` "
        "process (start-up included); run = the run's own `duration_seconds`; CPU = user + system "
        "seconds of the `harvester harvest` process (all its threads; one GIL, so a run cannot be "
        f"much shorter than its Python CPU time). Median of {args.repeats}, the configurations taken in turn.",
        "",
        "| store | concurrency | promoted videos | requests | ideal s | wall s (median) | wall / ideal "
        "| run s (median) | run / ideal | harvester CPU s (median) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, c, videos, requests, ideal, wall, wr, run, rr, cpu in rows:
        lines.append(
            f"| {kind} | {c} | {videos} | {requests} | {ideal:.2f} | {wall:.2f} | {wr:.2f}× "
            f"| {run:.2f} | {rr:.2f}× | {cpu:.2f} |"
        )
    lines.append("")
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        _results.write_section(HEADING, section, keep_notes=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
