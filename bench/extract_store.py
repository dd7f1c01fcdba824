"""`harvester extract` over a stored backlog, against the extractor alone.

Seeds 200,000 pending comments (texts from bench/extract.py's `synthetic` generator) into a
fresh store, then times, each on its own fresh copy of that store:

* the extractor alone: `harvester_cli.extraction.find_mentions` over the same texts,
  in-process, nothing stored (the floor);
* the in-process service: `pipeline.run_extraction`, a recorded run. On SQLite: ranges of
  pending comments read and extracted outside the write lock, by this process and by
  `HARVESTER_EXTRACT_HELPERS` helper processes (default 1; set the variable to compare), each
  range then marked and written in one transaction. On PostgreSQL: claim a batch, extract,
  write, one transaction per batch. Its CPU figure includes the helpers';
* `harvester scan --jsonl` as a child process over the same texts on stdin: extraction
  with a process's start-up and JSON in and out, and no store (issue 14: the extract job
  within 2x of scan);
* the whole command: `harvester extract` as a child process (start-up, schema check, reaper,
  slot, run bookkeeping included).

Every store run is checked: nothing left pending, exactly the mentions and domains the
extractor finds, and a second `harvester extract` finds nothing to do (idempotent).

    .venv/bin/python bench/extract_store.py                    # SQLite
    .venv/bin/python bench/extract_store.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/extract_store.py --profile          # cProfile of one in-process run
    .venv/bin/python bench/extract_store.py --repeat 0 --phases --raw-claim   # where the time goes
    HARVESTER_EXTRACT_HELPERS=0 .venv/bin/python bench/extract_store.py     # SQLite without helpers
    .venv/bin/python bench/extract_store.py --batch-size 500   # HARVESTER_EXTRACT_BATCH_SIZE
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _storebench as sb  # noqa: E402


def seed_comments(
    url: str,
    texts: list[str],
    *,
    per_video: int = 100,
    seed_value: int = 11,
    harvested_at: dt.datetime | None = None,
    analyze_all: bool = False,
) -> tuple[int, int]:
    """Videos and pending comments with the given texts; returns (videos, comments)."""
    rng = random.Random(seed_value)
    now = harvested_at or sb.UTC_NOW
    n_videos = (len(texts) + per_video - 1) // per_video
    used: set[int] = set()

    def new_id(when: dt.datetime) -> int:
        value = sb.snowflake(when, rng)
        while value in used:
            value = sb.snowflake(when, rng)
        used.add(value)
        return value

    video_times = [now - dt.timedelta(minutes=rng.randint(60, 7 * 24 * 60)) for _ in range(n_videos)]
    video_ids = [new_id(t) for t in video_times]
    sb.bulk_insert(
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
        (
            (vid, "tiktok", "user", "promoted #ad", '["ad"]', t, "video_tag", t, t, "done", 1, now, 1)
            for vid, t in zip(video_ids, video_times, strict=True)
        ),
    )

    def rows():
        for i, text in enumerate(texts):
            v = i // per_video
            created = video_times[v] + dt.timedelta(seconds=rng.randint(1, 86400))
            yield (new_id(created), video_ids[v], text, rng.randint(0, 500), 0, created, now)

    n = sb.bulk_insert(
        url, "comments", ("id", "video_id", "text", "like_count", "reply_count", "created_at", "harvested_at"), rows()
    )
    sb.analyze(url, () if analyze_all else ("videos", "comments"))
    return n_videos, n


def expected(texts: list[str]) -> tuple[int, int]:
    from harvester_cli.extraction import find_mentions

    mentions, domains = 0, set()
    for text in texts:
        found = find_mentions(text) if text else []
        mentions += len(found)
        domains.update(m[0] for m in found)
    return mentions, len(domains)


def extractor_alone(texts: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of find_mentions over the texts."""
    from harvester_cli.extraction import find_mentions

    t0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        if text:
            find_mentions(text)
    return time.perf_counter() - t0, time.process_time() - c0


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def in_process(url: str, workdir: Path, env: dict[str, str], profile: bool = False):
    """pipeline.run_extraction in this process; returns ((wall, CPU seconds), result, profile text)."""
    from harvester_cli.context import Context
    from harvester_cli.services import pipeline

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        c = Context(database_url=url)
        c.store(), c.settings(), c.slots()  # start-up, as the command does before the run
        prof = cProfile.Profile() if profile else None
        t0, c0, h0 = time.perf_counter(), time.process_time(), _children_cpu()
        if prof:
            prof.enable()
        result = pipeline.run_extraction(c)
        if prof:
            prof.disable()
        # CPU of this process plus that of the helper processes it started (reaped by now)
        seconds = (time.perf_counter() - t0, time.process_time() - c0 + _children_cpu() - h0)
        c.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    text = ""
    if prof:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(35)
        out.write("\n--- by own time ---\n")
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(25)
        text = out.getvalue()
    return seconds, result, text


def phases(url: str, size: int) -> str:
    """The batch loop, instrumented and in one process (no helpers): wall and CPU per phase, and
    batch time by decile. SQLite: next_range, read + extract, save_range. PostgreSQL: the
    claim, extract, domains and mentions steps of mentions.process_batch."""
    from collections import defaultdict

    from harvester_cli.extraction import find_mentions
    from harvester_cli.store import mentions as m
    from harvester_cli.store import pending
    from harvester_cli.store.base import Store
    from harvester_cli.store.engine import sqlite_path

    store = Store.open(url)
    wall: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    per_batch: list[float] = []
    clock = [time.perf_counter(), time.process_time()]

    def lap(name: str) -> None:
        w, c = time.perf_counter(), time.process_time()
        wall[name] += w - clock[0]
        cpu[name] += c - clock[1]
        clock[:] = [w, c]

    t0, c0 = time.perf_counter(), time.process_time()
    if store.dialect == "sqlite":
        reader = pending.connect(sqlite_path(url))
        lo = pending.FIRST
        while True:
            b0 = time.perf_counter()
            clock[:] = [time.perf_counter(), time.process_time()]
            found = pending.next_range(reader, lo, size)
            lap("next_range")
            if found is None:
                break
            extracted = pending.extract_range(reader, lo, found[0], find_mentions)
            lap("read + extract")
            m.save_range(store, extracted, find_mentions)
            lap("save_range (mark, domains, mentions, commit)")
            lo = found[0]
            per_batch.append(time.perf_counter() - b0)
        reader.close()
    else:
        _pg_phases(store, size, lap, clock, per_batch)
    total_w, total_c = time.perf_counter() - t0, time.process_time() - c0
    store.dispose()
    k = max(1, len(per_batch) // 10)
    deciles = [
        sum(per_batch[i * k : (i + 1) * k]) / len(per_batch[i * k : (i + 1) * k]) * 1000
        for i in range(10)
        if per_batch[i * k : (i + 1) * k]
    ]
    return (
        f"phases, batch size {size}: total wall {total_w:.2f} s, CPU {total_c:.2f} s; "
        + "; ".join(f"{k_}: wall {wall[k_]:.2f} s, CPU {cpu[k_]:.2f} s" for k_ in wall)
        + f"\nms per batch, by tenth of the run: {', '.join(f'{d:.0f}' for d in deciles)}"
    )


def _pg_phases(store, size, lap, clock, per_batch) -> None:
    from harvester_cli.extraction import find_mentions
    from harvester_cli.store import mentions as m
    from harvester_cli.store import pending

    while True:
        b0 = time.perf_counter()
        now = store.now()
        with store.tx() as conn:
            clock[:] = [time.perf_counter(), time.process_time()]
            rows = conn.execute(m._claim(conn, size, now)).all()
            lap("claim (UPDATE ... RETURNING)")
            if not rows:
                break
            rows.sort(key=lambda r: r[0])
            found = pending.extract_rows(rows, find_mentions)
            lap("extract loop")
            m._write_found(conn, now, found)
            lap("domains upsert + mentions insert")
        lap("commit")
        per_batch.append(time.perf_counter() - b0)


def raw_claim(url: str, size: int) -> str:
    """SQLite floor: the claim statement alone through raw sqlite3 (no Python per row, nothing else written)."""
    import sqlite3

    conn = sqlite3.connect(sb.sqlite_file(url), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    now = sb.sqlite_ts(sb.UTC_NOW)
    out = []
    for label, sql in (
        (
            "read the pending texts only (keyset)",
            "SELECT id, video_id, text, created_at FROM comments WHERE "
            "extracted_at IS NULL AND id > :last ORDER BY id LIMIT :n",
        ),
        (
            "claim: UPDATE ... RETURNING",
            "UPDATE comments SET extracted_at = :now WHERE id IN (SELECT id FROM "
            "comments WHERE extracted_at IS NULL ORDER BY id LIMIT :n) RETURNING id, video_id, text, created_at",
        ),
    ):
        t0, c0, last = time.perf_counter(), time.process_time(), 0
        while True:
            conn.execute("BEGIN IMMEDIATE")
            rows = conn.execute(sql, {"now": now, "n": size, "last": last}).fetchall()
            conn.execute("COMMIT")
            if not rows:
                break
            last = max(r[0] for r in rows)
        out.append(f"{label}: wall {time.perf_counter() - t0:.2f} s, CPU {time.process_time() - c0:.2f} s")
    conn.close()
    return f"raw sqlite3, batch size {size}: " + "; ".join(out)


def verify(url: str, want_mentions: int, want_domains: int) -> dict[str, bool]:
    return {
        "nothing pending": sb.scalar(url, "SELECT count(*) FROM comments WHERE extracted_at IS NULL") == 0,
        "mentions": sb.scalar(url, "SELECT count(*) FROM domain_mentions") == want_mentions,
        "domains": sb.scalar(url, "SELECT count(*) FROM domains") == want_domains,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--postgres", metavar="URL", help="benchmark PostgreSQL (a scratch database on this server)")
    p.add_argument("--comments", type=int, default=200_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=None, help="HARVESTER_EXTRACT_BATCH_SIZE (default: the setting's)")
    p.add_argument("--profile", action="store_true", help="print a cProfile of one in-process run")
    p.add_argument(
        "--phases",
        action="store_true",
        help="also time the phases of the batch loop (claim, extract, domains, mentions, commit)",
    )
    p.add_argument(
        "--raw-claim",
        action="store_true",
        help="SQLite: also time the claim statement alone through raw sqlite3 (the floor)",
    )
    p.add_argument(
        "--analyze-all",
        action="store_true",
        help="PostgreSQL: VACUUM ANALYZE every table after seeding, the still-empty domains and "
        "domain_mentions too (what this bench first did; see bench/RESULTS.md)",
    )
    p.add_argument("--workdir")
    a = p.parse_args()

    work = Path(a.workdir or tempfile.mkdtemp(prefix="bench-extract-store-"))
    work.mkdir(parents=True, exist_ok=True)
    dialect = "postgresql" if a.postgres else "sqlite"
    scratch = sb.Scratch(a.postgres, work)
    fresh, discard = scratch.fresh, scratch.discard

    extra = {"HARVESTER_LOCK_DIR": str(work / "locks")}
    if os.environ.get("HARVESTER_EXTRACT_HELPERS"):
        extra["HARVESTER_EXTRACT_HELPERS"] = os.environ["HARVESTER_EXTRACT_HELPERS"]
    if a.batch_size:
        extra["HARVESTER_EXTRACT_BATCH_SIZE"] = str(a.batch_size)
    try:
        texts = sb.comment_texts(a.comments)
        with_domain = sum(1 for t in texts if t and expected([t])[0])
        tpl = fresh("bench_extract_tpl")
        sb.init_store(tpl, work)
        t0 = time.perf_counter()
        n_videos, n_comments = seed_comments(tpl, texts, analyze_all=a.analyze_all)
        print(
            f"[{dialect}] seeded {n_comments} pending comments on {n_videos} videos in "
            f"{time.perf_counter() - t0:.1f}s (texts: {sb.comment_texts_source()}, {with_domain} with a domain)",
            flush=True,
        )
        want_mentions, want_domains = expected(texts)

        scan_input = work / "scan.jsonl"
        with scan_input.open("w", encoding="utf-8") as fh:
            for n, text in enumerate(texts):
                fh.write(json.dumps({"id": n, "text": text}, ensure_ascii=False) + "\n")
        alone, service, command, rss, scan = [], [], [], [], []
        alone_cpu, service_cpu, command_cpu = [], [], []
        failed: list[str] = []
        for i in range(a.repeat):
            wall, cpu = extractor_alone(texts)
            alone.append(wall)
            alone_cpu.append(cpu)

            name = f"bench_extract_svc{i}"
            url = fresh(name, tpl)
            env = sb.cli_env(url, extra)
            (seconds, cpu), result, _ = in_process(url, work, env)
            service.append(seconds)
            service_cpu.append(cpu)
            checks = verify(url, want_mentions, want_domains)
            checks["run succeeded"] = result.status == "succeeded" and result.items_ok == n_comments
            failed += [f"service run {i + 1}: {k}" for k, ok in checks.items() if not ok]
            discard(name, url)

            res = sb.run_cli(tpl, ["scan", "--jsonl"], cwd=work, env=sb.cli_env(tpl, extra), stdin=scan_input)
            scan.append(res.seconds)
            if res.returncode != 0:
                failed.append(f"scan run {i + 1}: exit {res.returncode}")

            name = f"bench_extract_cli{i}"
            url = fresh(name, tpl)
            res = sb.run_cli(url, ["--json", "extract"], cwd=work, env=sb.cli_env(url, extra))
            command.append(res.seconds)
            command_cpu.append(res.cpu_seconds)
            rss.append(res.maxrss_mb)
            checks = verify(url, want_mentions, want_domains)
            checks["exit 0"] = res.returncode == 0
            again = sb.run_cli(url, ["--json", "extract"], cwd=work, env=sb.cli_env(url, extra))
            checks["second run finds nothing"] = again.returncode == 0 and json.loads(again.stdout)["items_ok"] == 0
            checks["idempotent"] = all(verify(url, want_mentions, want_domains).values())
            failed += [f"command run {i + 1}: {k}" for k, ok in checks.items() if not ok]
            discard(name, url)
            print(
                f"[{dialect}] run {i + 1}: extractor alone {alone[-1]:.2f}s (CPU {alone_cpu[-1]:.2f}), service "
                f"{service[-1]:.2f}s ({service[-1] / alone[-1]:.2f}x; CPU {service_cpu[-1]:.2f}), command "
                f"{command[-1]:.2f}s ({command[-1] / alone[-1]:.2f}x; CPU {command_cpu[-1]:.2f}), "
                f"command peak RSS {rss[-1]:.0f} MB; scan {scan[-1]:.2f}s (command/scan "
                f"{command[-1] / scan[-1]:.2f}x); load {os.getloadavg()[0]:.1f}",
                flush=True,
            )

        if a.phases:
            name = "bench_extract_phases"
            url = fresh(name, tpl)
            print(f"[{dialect}] " + phases(url, a.batch_size or 2000), flush=True)
            discard(name, url)
        if a.raw_claim and not a.postgres:
            name = "bench_extract_raw"
            url = fresh(name, tpl)
            print(f"[{dialect}] " + raw_claim(url, a.batch_size or 2000), flush=True)
            discard(name, url)
        if a.profile:
            name = "bench_extract_prof"
            url = fresh(name, tpl)
            _, _, text = in_process(url, work, sb.cli_env(url, extra), profile=True)
            discard(name, url)
            print(text)

        if not a.repeat:
            return 0
        ma, ms, mc = sb.median(alone), sb.median(service), sb.median(command)
        print(
            f"\n## extract over a stored backlog, {dialect}: {n_comments} comments, {want_mentions} mentions, "
            f"{want_domains} domains; batch size {a.batch_size or 'default'}; {a.repeat} runs"
        )
        print(f"extractor alone (find_mentions):  median {ma:.2f} s  ({n_comments / ma:,.0f} comments/s)")
        print(
            f"in-process service:               median {ms:.2f} s  ({n_comments / ms:,.0f} comments/s), "
            f"{ms / ma:.2f}x the extractor"
        )
        print(
            f"`harvester extract` (process):    median {mc:.2f} s  ({n_comments / mc:,.0f} comments/s), "
            f"{mc / ma:.2f}x the extractor; peak RSS median {sb.median(rss):.0f} MB"
        )
        msn = sb.median(scan)
        print(
            f"`harvester scan --jsonl` (process): median {msn:.2f} s  ({n_comments / msn:,.0f} comments/s); "
            f"`harvester extract` is {mc / msn:.2f}x scan (per run: "
            + ", ".join(f"{c / x:.2f}" for c, x in zip(command, scan, strict=True))
            + ")"
        )
        mac, msc, mcc = sb.median(alone_cpu), sb.median(service_cpu), sb.median(command_cpu)
        print(
            f"CPU seconds (steadier when other work shares the cores): extractor {mac:.2f}, service {msc:.2f} "
            f"({msc / mac:.2f}x), command {mcc:.2f} ({mcc / mac:.2f}x, start-up included)"
        )
        print(
            "per-run ratios service/alone: "
            + ", ".join(f"{s / x:.2f}" for s, x in zip(service, alone, strict=True))
            + "; command/alone: "
            + ", ".join(f"{c / x:.2f}" for c, x in zip(command, alone, strict=True))
        )
        print("checks: " + ("all passed" if not failed else "FAILED " + "; ".join(failed)))
        return 1 if failed else 0
    finally:
        scratch.drop_all()


if __name__ == "__main__":
    sys.exit(main())
