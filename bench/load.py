"""Load run: 100,000 queued videos and 1,000,000 comments.

Two parts, each on fresh stores (SQLite; PostgreSQL too with --postgres URL):

1. Harvest throughput against the fake TikTok API (`tests/fakes/tiktok_server.py`, latency 0,
   a separate process) serving 100,000 promoted videos of 10 comments each (1,000,000
   comments). The store gets the 100,000 videos queued (inserted directly, with the fake's
   ids: `make_dataset` is deterministic), then `harvester harvest --limit N` is timed as a
   process. Harvesting all 100,000 (100,000 requests) takes long on 2 shared cores, so by
   default a sample of --harvest-videos 5,000 videos (one comment page each) is harvested
   and the rate is quoted; --harvest-videos 100000 does them all.
2. Extract throughput and peak memory: 100,000 and 1,000,000 pending comments seeded
   directly (texts from bench/extract.py's generator), `harvester extract` timed as a process
   with its peak RSS (GNU time's %M). Requirement: peak RSS at 1M within 1.5x of that at 100k.

    .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/load.py --skip-harvest --sizes 100000,1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _storebench as sb  # noqa: E402
import extract_store  # noqa: E402

FAKE = sb.ROOT / "tests" / "fakes" / "tiktok_server.py"
START_TIME = 1_764_400_000  # the fake's "now": fixed, so its dataset (and ids) are reproducible


class Fake:
    def __init__(self, videos: int, comments_per_video: int, seed: int):
        cmd = [
            sys.executable,
            str(FAKE),
            "--port",
            "0",
            "--videos",
            str(videos),
            "--comments-per-video",
            str(comments_per_video),
            "--promoted-ratio",
            "1.0",
            "--latency",
            "0",
            "--quota",
            "0",
            "--seed",
            str(seed),
            "--start-time",
            str(START_TIME),
        ]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("READY "):
            self.proc.kill()
            raise SystemExit(f"fake TikTok did not start: {line!r}")
        self.base_url = line.split(" ", 1)[1]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def queue_videos(url: str, videos: list[dict]) -> int:
    import datetime as dt

    now = sb.UTC_NOW
    return sb.bulk_insert(
        url,
        "videos",
        (
            "id",
            "source",
            "username",
            "description",
            "hashtags",
            "region_code",
            "created_at",
            "promoted_reason",
            "discovered_at",
            "last_seen_at",
            "harvest_state",
        ),
        (
            (
                v["id"],
                "tiktok",
                v["username"],
                v["video_description"],
                json.dumps(v["hashtag_names"]),
                v["region_code"],
                dt.datetime.fromtimestamp(v["create_time"], dt.UTC).replace(tzinfo=None),
                "video_tag",
                now - dt.timedelta(microseconds=len(videos) - i),
                now,
                "queued",
            )
            for i, v in enumerate(videos)
        ),
    )


def harvest_part(a, dialect: str, fresh, discard, work: Path) -> list[str]:
    from tests.fakes.tiktok_server import make_dataset

    lines = []
    t0 = time.perf_counter()
    videos, comments = make_dataset(a.videos, a.comments_per_video, 1.0, a.seed, START_TIME)
    del comments
    fake = Fake(a.videos, a.comments_per_video, a.seed)
    print(
        f"[{dialect}] fake TikTok with {a.videos} videos x {a.comments_per_video} comments ready in "
        f"{time.perf_counter() - t0:.1f}s at {fake.base_url}",
        flush=True,
    )
    try:
        rates = []
        for i in range(a.repeat_harvest):
            name = f"bench_load_harvest{i}"
            url = fresh(name)
            sb.init_store(url, work)
            queue_videos(url, videos)
            sb.analyze(url, ("videos",))
            env = sb.cli_env(
                url,
                {
                    "HARVESTER_LOCK_DIR": str(work / "locks"),
                    "HARVESTER_SOURCE": "tiktok",
                    "TIKTOK_API_BASE_URL": fake.base_url,
                    "TIKTOK_CLIENT_KEY": "test-key",
                    "TIKTOK_CLIENT_SECRET": "test-secret",
                    "HARVESTER_DAILY_REQUEST_BUDGET": "100000000",
                },
            )
            args = ["--json", "harvest"] + ([] if a.harvest_videos >= a.videos else ["--limit", str(a.harvest_videos)])
            res = sb.run_cli(url, args, cwd=work, env=env)
            if res.returncode != 0:
                raise SystemExit(f"harvest exited {res.returncode}: {res.stdout[-2000:]}\n{res.stderr[-2000:]}")
            run = json.loads(res.stdout)
            done = sb.scalar(url, "SELECT count(*) FROM videos WHERE harvest_state = 'done'")
            queued = sb.scalar(url, "SELECT count(*) FROM videos WHERE harvest_state = 'queued'")
            stored = sb.scalar(url, "SELECT count(*) FROM comments")
            want = min(a.harvest_videos, a.videos)
            ok = (
                done == want
                and run["items_ok"] == want
                and stored == want * a.comments_per_video
                and queued == a.videos - want
            )
            rates.append((res.seconds, float(run["duration_seconds"]), done, stored, res.maxrss_mb))
            print(
                f"[{dialect}] harvest run {i + 1}: {done} videos / {stored} comments in {res.seconds:.2f}s "
                f"(run {run['duration_seconds']:.2f}s): {done / res.seconds:.0f} videos/s, "
                f"{stored / res.seconds:.0f} comments/s; {queued} still queued; peak RSS {res.maxrss_mb:.0f} MB; "
                f"checks {'ok' if ok else 'FAILED'}; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            if not ok:
                raise SystemExit(f"harvest check failed: done {done}, stored {stored}, queued {queued}, run {run}")
            discard(name, url)
        wall = sb.median([r[0] for r in rates])
        runs = sb.median([r[1] for r in rates])
        done, stored = rates[0][2], rates[0][3]
        lines.append(
            f"harvest ({dialect}, {a.videos} queued, {done} harvested, fake latency 0, "
            f"HARVESTER_FETCH_CONCURRENCY default): process median {wall:.2f} s = {done / wall:.0f} videos/s, "
            f"{stored / wall:.0f} comments/s; run median {runs:.2f} s = {done / runs:.0f} videos/s, "
            f"{stored / runs:.0f} comments/s; {len(rates)} runs"
        )
    finally:
        fake.stop()
    return lines


def extract_part(a, dialect: str, fresh, discard, work: Path) -> tuple[list[str], bool]:
    sizes = [int(s) for s in a.sizes.split(",")]
    texts_all = sb.comment_texts(max(sizes))
    lines, peaks = [], {}
    for n in sizes:
        texts = texts_all[:n]
        tpl_name = f"bench_load_tpl{n}"
        tpl = fresh(tpl_name)
        sb.init_store(tpl, work)
        t0 = time.perf_counter()
        extract_store.seed_comments(tpl, texts)
        print(f"[{dialect}] seeded {n} pending comments in {time.perf_counter() - t0:.1f}s", flush=True)
        walls, cpus, rss, mentions = [], [], [], 0
        for i in range(a.repeat):
            name = f"bench_load_x{n}_{i}"
            url = fresh(name, tpl)
            res = sb.run_cli(
                url, ["--json", "extract"], cwd=work, env=sb.cli_env(url, {"HARVESTER_LOCK_DIR": str(work / "locks")})
            )
            out = json.loads(res.stdout) if res.stdout.strip() else {}
            pending = sb.scalar(url, "SELECT count(*) FROM comments WHERE extracted_at IS NULL")
            if res.returncode != 0 or out.get("items_ok") != n or pending:
                raise SystemExit(f"extract failed: rc {res.returncode}, {out}, {pending} pending\n{res.stderr[-2000:]}")
            mentions = out.get("mentions", 0)
            walls.append(res.seconds)
            cpus.append(res.cpu_seconds)
            rss.append(res.maxrss_mb)
            print(
                f"[{dialect}] extract {n}: run {i + 1}: {res.seconds:.2f}s ({n / res.seconds:,.0f} comments/s), "
                f"CPU {res.cpu_seconds:.2f}s, peak RSS {res.maxrss_mb:.1f} MB, {mentions} mentions; "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            discard(name, url)
        discard(tpl_name, tpl)
        peaks[n] = sb.median(rss)
        lines.append(
            f"extract {n:>9,} comments ({dialect}): median {sb.median(walls):.2f} s = "
            f"{n / sb.median(walls):,.0f} comments/s (CPU {sb.median(cpus):.2f} s); peak RSS median "
            f"{peaks[n]:.1f} MB (runs: {', '.join(f'{r:.1f}' for r in rss)}); {mentions} mentions"
        )
    ok = True
    if len(sizes) >= 2:
        small, big = min(sizes), max(sizes)
        ratio = peaks[big] / peaks[small]
        ok = ratio <= 1.5
        lines.append(f"peak RSS {big:,} / {small:,}: {ratio:.2f}x (requirement <= 1.5x: {'met' if ok else 'NOT met'})")
    return lines, ok


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--postgres", metavar="URL", help="benchmark PostgreSQL (scratch databases on this server)")
    p.add_argument("--videos", type=int, default=100_000, help="queued videos [100000]")
    p.add_argument("--comments-per-video", type=int, default=10, help="the fake's comments per video [10]")
    p.add_argument("--harvest-videos", type=int, default=5_000, help="videos harvested (sample) [5000]")
    p.add_argument("--repeat-harvest", type=int, default=3)
    p.add_argument("--sizes", default="100000,1000000", help="backlogs extracted [100000,1000000]")
    p.add_argument("--repeat", type=int, default=3, help="extract runs per size [3]")
    p.add_argument("--skip-harvest", action="store_true")
    p.add_argument("--skip-extract", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir")
    a = p.parse_args()

    work = Path(a.workdir or tempfile.mkdtemp(prefix="bench-load-"))
    work.mkdir(parents=True, exist_ok=True)
    dialect = "postgresql" if a.postgres else "sqlite"
    scratch = sb.Scratch(a.postgres, work)
    fresh, discard = scratch.fresh, scratch.discard

    lines: list[str] = []
    ok = True
    try:
        if not a.skip_harvest:
            lines += harvest_part(a, dialect, fresh, discard, work)
        if not a.skip_extract:
            more, ok = extract_part(a, dialect, fresh, discard, work)
            lines += more
    finally:
        scratch.drop_all()
    print(f"\n## load, {dialect}")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
