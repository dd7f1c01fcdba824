"""Benchmark: what a scarce daily quota buys, over simulated days of cron ticks (issue 10).

Run from the project root (needs Debian's `faketime` package for libfaketime):

    .venv/bin/python bench/quota.py [--videos 30000] [--budget 200] [--days 4] [--ticks 24]
                                    [--only after|before] [--no-write]

The fake TikTok API (tests/fakes/tiktok_server.py) runs in this process with `--videos`
candidates under the default hashtags, posted in the days before the simulation starts, so every
day has settled when it starts. Each video reports a `comment_count` (0 to 400, a tenth 0); its
comments are made when first asked for. Every simulated day has `--ticks` cron ticks, each
running `harvester discover` then `harvester harvest` as separate processes whose clock is
moved by libfaketime (LD_PRELOAD + FAKETIME); the fake's clock and quota day move with them.
There is no test-only clock setting in the product.

"after" is this tree as committed (git HEAD); "before" is the first release (commit c421b70, from
tests/fixtures/release-c421b70.tar.gz), run the same way on its own store.

Reported per run: research requests (video queries and comment lists; token requests are
counted apart), the useful share (a request that returned a video id or a comment page never
returned before; the first answer that a day holds no video counts as new), the share that went
to comments, comment pages fetched twice, promoted videos fully harvested, comments stored, and
token requests per simulated day. Then two small checks: the issue's small volume (12 discovery
runs over a 2,550-candidate window) and 144 `discover` runs in a day with nothing due.

Writes its section of bench/RESULTS.md (`## Quota simulation (bench/quota.py)`).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import _results  # noqa: E402

from tests.fakes import tiktok_server as tt  # noqa: E402

HEADING = "## Quota simulation (bench/quota.py)"
LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
RELEASE = ROOT / "tests" / "fixtures" / "release-c421b70.tar.gz"
VIDEO_QUERY = "/v2/research/video/query/"
COMMENT_LIST = "/v2/research/video/comment/list/"
TOKEN = "/v2/oauth/token/"
_OURS = ("HARVESTER_", "TIKTOK_", "WORKER_", "MAX_CONCURRENT_")


class _LazyComments(dict):
    """video id -> its top-level comments, made on first use from the video's comment_count."""

    def __init__(self, fake):
        super().__init__()
        self.fake = fake

    def _make(self, vid: int) -> list:
        video = self.fake._video_by_id.get(vid)
        if video is None:
            return []
        rng = random.Random(vid)
        out = []
        for i in range(int(video.get("comment_count") or 0)):
            text, _domains = tt.make_comment_text(rng)
            out.append(
                {
                    "id": vid % 10**12 * 1000 + i + 7 * 10**18,
                    "video_id": vid,
                    "parent_comment_id": vid,
                    "text": text,
                    "like_count": 0,
                    "reply_count": 0,
                    "create_time": int(video["create_time"]) + 60 + i,
                }
            )
        return out

    def get(self, vid, default=None):
        if vid not in self.fake._video_by_id:
            return default
        if not dict.__contains__(self, vid):
            self[vid] = self._make(vid)
        return dict.__getitem__(self, vid)

    def __contains__(self, vid):
        return vid in self.fake._video_by_id


class CountingFake(tt.FakeTikTok):
    """The fake API, judging every research answer: new (useful) or a repeat."""

    def __init__(self, *args, **kwargs):
        self.seen_videos: set[int] = set()
        self.seen_comments: set[int] = set()
        self.days_answered: set[str] = set()
        self.pages_served: collections.Counter = collections.Counter()
        self.tally = collections.Counter()
        super().__init__(*args, **kwargs)

    def _reindex(self):
        super()._reindex()
        self._top = _LazyComments(self)

    def _handle(self, req):
        reply = super()._handle(req)
        path = req.path
        if path == TOKEN:
            self.tally["token"] += 1
            return reply
        if path not in (VIDEO_QUERY, COMMENT_LIST):
            return reply
        kind = "discovery" if path == VIDEO_QUERY else "comments"
        self.tally[kind] += 1
        if reply.status != 200:
            self.tally[f"{kind}_refused"] += 1
            return reply
        try:
            data = json.loads(reply.body)["data"]
            body = json.loads(req.raw or b"{}")
        except (ValueError, KeyError, TypeError):
            return reply
        new = False
        if kind == "discovery":
            ids = {int(v.get("id") or v.get("video_id")) for v in data.get("videos") or ()}
            new = bool(ids - self.seen_videos)
            self.seen_videos |= ids
            day = f"{body.get('start_date')}-{body.get('end_date')}"
            if not ids and day not in self.days_answered:
                new = True  # the first answer that a day holds nothing is news
            self.days_answered.add(day)
        else:
            ids = {int(c["id"]) for c in data.get("comments") or ()}
            new = bool(ids - self.seen_comments)
            self.seen_comments |= ids
            page = (int(body.get("video_id", 0)), int(body.get("cursor", 0)))
            self.pages_served[page] += 1
            if self.pages_served[page] == 2:
                self.tally["duplicate_pages"] += 1
        self.tally[f"{kind}_useful" if new else f"{kind}_wasted"] += 1
        return reply

    def set_clock(self, sim: float) -> None:
        with self.lock:
            self._clock_offset = sim - time.time()
            self._roll_quota()


def dataset(n: int, start: int, seed: int):
    """`n` candidates posted in the days before `start`; each reports a comment_count."""
    videos, _ = tt.make_dataset(n, 0, promoted_ratio=0.5, seed=seed, start_time=start)
    rng = random.Random(seed)
    for v in videos:
        v["comment_count"] = 0 if rng.random() < 0.1 else rng.randint(1, 400)
    return videos


def _stamp(sim: float) -> str:
    return dt.datetime.fromtimestamp(sim, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


class Product:
    """`harvester` (this tree or the first release) as processes with a moved clock."""

    def __init__(self, which: str, workdir: Path, fake, budget: int):
        self.which = which
        self.workdir = workdir
        self.db = workdir / f"{which}.db"
        env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
        env.update(
            {
                "HARVESTER_DATABASE_URL": f"sqlite:///{self.db}",
                "HARVESTER_SOURCE": "tiktok",
                "TIKTOK_CLIENT_KEY": fake.client_key,
                "TIKTOK_CLIENT_SECRET": fake.client_secret,
                "TIKTOK_API_BASE_URL": fake.base_url,
                "HARVESTER_DAILY_REQUEST_BUDGET": str(budget),
                "HARVESTER_LOCK_DIR": str(workdir / f"{which}.locks"),
                "HARVESTER_RETRY_MAX_WAIT_SECONDS": "0.2",
                "LD_PRELOAD": LIBFAKETIME,
                "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                "TZ": "UTC",
                "NO_COLOR": "1",
            }
        )
        if which == "before":
            tree = workdir / "release"
            with tarfile.open(RELEASE) as archive:
                archive.extractall(tree, filter="data")
            env["PYTHONPATH"] = str(tree)
            self.cmd, self.cwd = [sys.executable, "-m", "harvester_cli"], tree
        else:
            # the package as committed (git HEAD), so that uncommitted edits, or edits made while
            # the simulation runs, do not reach it
            tree = workdir / "tree"
            tree.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", "HEAD", "harvester_cli"], capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
            env["PYTHONPATH"] = str(tree)
            self.cmd, self.cwd = [sys.executable, "-m", "harvester_cli"], tree
        self.env = env
        self.failures: list[str] = []

    def run(self, sim: float, *args: str) -> subprocess.CompletedProcess:
        env = dict(self.env, FAKETIME="@" + _stamp(sim))
        result = subprocess.run(
            self.cmd + list(args), cwd=self.cwd, env=env, capture_output=True, text=True, timeout=600
        )
        if result.returncode == 1:
            self.failures.append(f"{' '.join(args)}: {result.stderr.strip()[-300:]}")
        if result.returncode not in (0, 1):
            raise SystemExit(
                f"{self.which}: harvester {' '.join(args)} exited {result.returncode}: {result.stderr.strip()[-500:]}"
            )
        return result

    def query(self, sql: str):
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql).fetchall()


def simulate(which: str, a, start: int, videos: list, workdir: Path) -> dict:
    fake = CountingFake(videos, [], daily_quota=1000, commercial_content=[], ads=[])
    fake.start()
    try:
        product = Product(which, workdir, fake, a.budget)
        fake.set_clock(start)
        product.run(start, "init")
        tokens_by_day = []
        began = time.monotonic()
        for day in range(a.days):
            tokens_before = fake.tally["token"]
            for tick in range(a.ticks):
                sim = start + day * 86400 + tick * (86400 // a.ticks) + 60
                fake.set_clock(sim)
                product.run(sim, "-q", "discover")
                fake.set_clock(sim + 30)
                product.run(sim + 30, "-q", "harvest")
            tokens_by_day.append(fake.tally["token"] - tokens_before)
        elapsed = time.monotonic() - began
        done = product.query("SELECT count(*) FROM videos WHERE harvest_state = 'done'")[0][0]
        comments = product.query("SELECT count(*) FROM comments")[0][0]
        queued = product.query("SELECT count(*) FROM videos")[0][0]
        if product.failures:
            print(f"{which}: {len(product.failures)} run(s) exited 1; first: {product.failures[0]}", flush=True)
    finally:
        fake.stop()
    t = fake.tally
    research = t["discovery"] + t["comments"]
    useful = t["discovery_useful"] + t["comments_useful"]
    return {
        "which": which,
        "research": research,
        "discovery": t["discovery"],
        "comments": t["comments"],
        "useful": useful,
        "useful_share": useful / research if research else 0.0,
        "comment_share": t["comments"] / research if research else 0.0,
        "duplicate_pages": t["duplicate_pages"],
        "videos_found": queued,
        "videos_done": done,
        "comments_stored": comments,
        "tokens_by_day": tokens_by_day,
        "seconds": elapsed,
        "failed_runs": len(product.failures),
    }


def small_volume(which: str, workdir: Path, start: int, runs: int = 12, candidates: int = 2550) -> dict:
    """The issue's small case: `runs` discovery runs 10 minutes apart over `candidates` videos."""
    videos = dataset(candidates, start, seed=7)
    fake = CountingFake(videos, [], daily_quota=None, commercial_content=[], ads=[])
    fake.start()
    try:
        product = Product(which, workdir, fake, 100000)
        product.run(start, "init")
        for n in range(runs):
            sim = start + n * 600 + 60
            fake.set_clock(sim)
            product.run(sim, "-q", "discover")
    finally:
        fake.stop()
    return {"which": which, "runs": runs, "requests": fake.tally["discovery"]}


def quiet_day(workdir: Path, start: int, runs: int) -> dict:
    """`runs` discover runs in one day once every day of the window is scanned and settled."""
    videos = dataset(300, start, seed=9)
    fake = CountingFake(videos, [], daily_quota=None, commercial_content=[], ads=[])
    fake.start()
    try:
        product = Product("after", workdir, fake, 100000)
        fake.set_clock(start)
        product.run(start, "init")
        product.run(start, "-q", "discover")  # the first scan: every day settled already
        first = fake.tally["discovery"]
        tokens = fake.tally["token"]
        sim = start + 3600  # an hour later, still the same UTC day: nothing new is due
        for n in range(runs):
            t = sim + n * (20 * 3600 // runs)
            fake.set_clock(t)
            product.run(t, "-q", "discover")
    finally:
        fake.stop()
    return {
        "runs": runs,
        "first_scan_requests": first,
        "requests": fake.tally["discovery"] - first,
        "tokens": fake.tally["token"] - tokens,
    }


def pages_needed(videos: list) -> int:
    per_day = collections.Counter(dt.datetime.fromtimestamp(v["create_time"], dt.UTC).date() for v in videos)
    return sum(max(1, math.ceil(n / 100)) for n in per_day.values())


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--videos", type=int, default=30000)
    p.add_argument("--budget", type=int, default=200)
    p.add_argument("--days", type=int, default=4)
    p.add_argument("--ticks", type=int, default=24)
    p.add_argument("--only", choices=("after", "before"))
    p.add_argument("--quiet-runs", type=int, default=144)
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args(argv)
    if not Path(LIBFAKETIME).exists():
        raise SystemExit(f"{LIBFAKETIME} not found: apt-get install faketime")
    # the product's clock starts 3 days after the real today's midnight; the videos lie in the
    # days before it minus 2 days, so every one of their days has settled (48 h) when it starts
    start = (int(time.time()) // 86400 + 3) * 86400
    videos = dataset(a.videos, start - 2 * 86400, seed=1)
    results, small = [], []
    with tempfile.TemporaryDirectory(prefix="harvester-quota-") as tmp:
        for which in [a.only] if a.only else ["before", "after"]:
            work = Path(tmp) / which
            work.mkdir()
            print(
                f"simulating {which}: {a.videos} candidates, budget {a.budget}, {a.days} days x {a.ticks} ticks",
                flush=True,
            )
            results.append(simulate(which, a, start, videos, work))
            print(json.dumps(results[-1]), flush=True)
            small_work = Path(tmp) / f"{which}-small"
            small_work.mkdir()
            small.append(small_volume(which, small_work, start))
            print(json.dumps(small[-1]), flush=True)
        quiet_work = Path(tmp) / "quiet"
        quiet_work.mkdir()
        quiet = quiet_day(quiet_work, start, a.quiet_runs) if a.quiet_runs and a.only != "before" else None
        if quiet:
            print(json.dumps(quiet), flush=True)
    small_pages = pages_needed(dataset(2550, start, seed=7))
    section = render(a, results, small, small_pages, quiet)
    print(section)
    if not a.no_write:
        _results.write_section(HEADING, section, keep_notes=True)
    return 0


def render(a, results, small, small_pages, quiet) -> str:
    lines = [
        HEADING,
        "",
        f"`.venv/bin/python bench/quota.py --videos {a.videos} --budget {a.budget} --days {a.days} "
        f"--ticks {a.ticks}` ({dt.date.today()}): {a.videos} candidates (half promoted), a budget of "
        f"{a.budget} requests a day, {a.days} simulated days of {a.ticks} cron ticks, each running `discover` "
        "then `harvest` under libfaketime; the product's clock starts after the videos' days have settled.",
        "",
        "| run | research requests | useful | to comments | comment pages fetched twice | videos found | "
        "videos fully harvested | comments stored | token requests per day | runs that failed |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['which']} | {r['research']} | {r['useful_share'] * 100:.1f} % | "
            f"{r['comment_share'] * 100:.1f} % | {r['duplicate_pages']} | {r['videos_found']} | "
            f"{r['videos_done']} | {r['comments_stored']} | {', '.join(map(str, r['tokens_by_day']))} | "
            f"{r['failed_runs']} |"
        )
    lines += [
        "",
        f"Small volume (2,550 candidates, 12 `discover` runs 10 minutes apart; the window needs "
        f"{small_pages} pages once):",
    ]
    for s in small:
        lines.append(f"- {s['which']}: {s['requests']} video-query requests")
    if quiet:
        lines.append(
            f"- after, {quiet['runs']} `discover` runs in one day with nothing due: {quiet['requests']} "
            f"requests and {quiet['tokens']} token requests (the first scan took "
            f"{quiet['first_scan_requests']})"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
