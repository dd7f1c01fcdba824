"""The reports over 1M mentions: `domains`, `links`, `domains --new`, `domains --rising`, `digest`.

Seeds a scratch store with `--mentions` domain mentions (1,000,000 by default) spread over 90
days: 60,000 videos, a comment per mention (5 % of the comments mention two domains), 40,000
domains with Zipf-like popularity (the categorised shops, shorteners and link-in-bio pages at
the top), a few hundred domains that are new in the last week or rising in it, and links in
every written form (bare names, `www.`, upper case, paths, URLs with affiliate tags and
`utm_*`). Comments are harvested 6 h to 3 days after they were written. Seeding goes through
the raw driver (sqlite3 executemany / psycopg COPY); the links are normalised while seeding,
as `links` leaves them, and `--backfill` also times that normalisation on the whole store.

Each report is then timed in-process, the way its command runs it (the same service call and
the JSON rendering), median of `--repeat` runs after one warm-up; and once as a real
`harvester` process (wall time, start-up included, for reference).

    .venv/bin/python bench/reports.py                     # SQLite and PostgreSQL
    .venv/bin/python bench/reports.py --no-postgres       # SQLite only
    .venv/bin/python bench/reports.py --mentions 100000 --repeat 3 --no-write   # quick look

PostgreSQL: a private schema in the database of --postgres (default
postgresql+psycopg://postgres@127.0.0.1:5432/test), dropped afterwards. The figures go into
their own section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _results  # noqa: E402
import _storebench as sb  # noqa: E402

HEADING = "## Reports over 1M mentions (bench/reports.py)"
DAYS = 90
NOW = sb.UTC_NOW.replace(second=0, microsecond=0)

# the head of the popularity curve: real names, most of them in the bundled categories
HEAD = [
    "amazon.com",
    "shein.com",
    "temu.com",
    "bit.ly",
    "linktr.ee",
    "amzn.to",
    "walmart.com",
    "target.com",
    "sephora.com",
    "ulta.com",
    "etsy.com",
    "aliexpress.com",
    "tokopedia.com",
    "shopee.co.id",
    "instagram.com",
    "youtube.com",
    "beacons.ai",
    "stan.store",
    "ltk.app",
    "paypal.com",
    "amazon.co.uk",
    "amazon.de",
    "mercadolivre.com.br",
    "mercadolibre.com.mx",
    "zalando.de",
    "otto.de",
    "tinyurl.com",
    "glowlab.myshopify.com",
    "cozyknits.myshopify.com",
    "apps.apple.com",
    "play.google.com",
    "cash.app",
    "ko-fi.com",
    "lazada.co.id",
]
PATHS = ["dp/B0{:08X}", "shop/creator{}", "p/item-{}", "products/item-{}", "ip/{}", "e/_D{:x}"]


def _domains(n: int, rng: random.Random) -> list[str]:
    tlds = [
        "com",
        "com",
        "com",
        "co.uk",
        "de",
        "com.br",
        "com.mx",
        "co.id",
        "fr",
        "nl",
        "it",
        "es",
        "shop",
        "store",
        "net",
    ]
    out = list(HEAD)
    seen = set(out)
    i = 0
    while len(out) < n:
        i += 1
        kind = rng.random()
        if kind < 0.04:
            name = f"store{i}.myshopify.com"
        elif kind < 0.06:
            name = f"page{i}.github.io"
        else:
            name = (
                f"{rng.choice(['glow', 'shop', 'deal', 'beauty', 'home', 'kicks', 'tech', 'pet'])}{i}."
                f"{rng.choice(tlds)}"
            )
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _written(domain: str, path_id: int, rng: random.Random) -> str:
    r = rng.random()
    template = PATHS[path_id % len(PATHS)]
    path = template.format(path_id * 7919 % 10**8 if template.startswith("dp/") else path_id)
    if r < 0.40:
        return domain
    if r < 0.48:
        return domain.upper()
    if r < 0.53:
        return "www." + domain
    if r < 0.72:
        return f"{domain}/{path}"
    tag = f"tag=creator{path_id % 50}-20" if path_id % 3 else f"ref=creator{path_id % 50}"
    utm = "&utm_source=tiktok&utm_medium=social" if rng.random() < 0.6 else ""
    return f"https://www.{domain}/{path}?{tag}{utm}"


def generate(n_mentions: int, seed: int = 13):
    """(videos, comments, mentions, domains) rows; mentions carry their normalised link."""
    from harvester_cli.extraction.links import normalise_link

    rng = random.Random(seed)
    n_domains = max(200, n_mentions // 25)
    names = _domains(n_domains, rng)
    weights = [1.0 / (i + 8) ** 1.05 for i in range(len(names))]
    # 300 domains new in the last week, 200 rising in it (mentioned before, five times as much now)
    special = rng.sample(range(len(HEAD), len(names)), min(500, len(names) - len(HEAD)))
    new = set(special[:300])
    rising = set(special[300:])
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)

    import bisect

    def pick_domain() -> int:
        return min(bisect.bisect_left(cum, rng.random() * total), len(names) - 1)

    videos = []
    n_videos = max(100, n_mentions // 16)
    for _ in range(n_videos):
        when = NOW - dt.timedelta(days=rng.uniform(0, DAYS), minutes=rng.uniform(0, 60))
        videos.append((sb.snowflake(when, rng), when))
    comments, mentions = [], []
    per_domain: dict[int, list] = {}
    made = 0
    cid_seen = set()
    while made < n_mentions:
        d = pick_domain()
        if d in new:
            ago = rng.uniform(0, 7)
        elif d in rising and rng.random() < 0.7:
            ago = rng.uniform(0, 7)
        else:
            ago = DAYS * (1 - rng.random() ** 0.8)  # a little more recent than uniform: the store grows
        seen_at = NOW - dt.timedelta(days=ago)
        vid, _vwhen = videos[rng.randrange(len(videos))]
        cid = sb.snowflake(seen_at, rng)
        while cid in cid_seen:
            cid = sb.snowflake(seen_at, rng)
        cid_seen.add(cid)
        harvested = min(NOW, seen_at + dt.timedelta(hours=rng.uniform(6, 72)))
        extracted = min(NOW, harvested + dt.timedelta(minutes=5))
        doms = [d]
        if rng.random() < 0.05 and made + 1 < n_mentions:
            other = pick_domain()
            if other != d:
                doms.append(other)
        texts = []
        for dd in doms:
            domain = names[dd]
            path_id = int(rng.paretovariate(1.2)) % 60 + dd * 61
            written = _written(domain, path_id, rng)
            texts.append(written)
            mentions.append((cid, domain, vid, written, seen_at, normalise_link(written, domain)))
            b = per_domain.get(dd)
            if b is None:
                per_domain[dd] = [seen_at, seen_at, extracted]
            else:
                b[0] = min(b[0], seen_at)
                b[1] = max(b[1], seen_at)
                b[2] = min(b[2], extracted)
            made += 1
        text = f"got mine at {' and '.join(texts)} {rng.choice(['🔥', 'lol', 'so cheap', '!!', 'link in bio'])}"
        comments.append((cid, vid, text, seen_at, harvested, extracted))
    domains = [(names[d], b[0], b[1], b[2]) for d, b in per_domain.items()]
    return videos, comments, mentions, domains


# --------------------------------------------------------------------------- stores


class PgSchema:
    """A private schema in the database of `url` (as the tests use), dropped by `drop()`."""

    def __init__(self, url: str):
        self.base = url
        self.schema = f"bench_reports_{uuid.uuid4().hex[:8]}"
        sb.pg_admin(url, "SELECT 1")  # reachable?
        self._exec(f'CREATE SCHEMA "{self.schema}"')
        sep = "&" if "?" in url else "?"
        self.url = f"{url}{sep}options=-csearch_path%3D{self.schema}"

    def _connect(self):
        import psycopg

        return psycopg.connect(sb._psycopg_dsn(self.base), autocommit=True)

    def _exec(self, *sql: str) -> None:
        with self._connect() as conn:
            for statement in sql:
                conn.execute(statement)

    def copy(self, table: str, columns, rows) -> int:
        n = 0
        with self._connect() as conn:
            conn.execute(f'SET search_path TO "{self.schema}"')
            with conn.cursor() as cur:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
        return n

    def analyze(self, tables) -> None:
        self._exec(*[f'VACUUM ANALYZE "{self.schema}".{t}' for t in tables])

    def drop(self) -> None:
        self._exec(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def seed(url: str, data, pg: PgSchema | None, *, links: bool = True) -> dict[str, int]:
    videos, comments, mentions, domains = data
    video_rows = (
        (vid, "bench", "user", "a video #ad", "[]", when, "hashtag #ad", when, when, "done") for vid, when in videos
    )
    video_cols = (
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
    )
    comment_cols = ("id", "video_id", "text", "created_at", "harvested_at", "extracted_at")
    mention_cols = ("comment_id", "domain", "video_id", "written", "seen_at", "link")
    domain_cols = ("domain", "first_seen", "last_seen", "first_extracted_at")
    mention_rows = (m if links else m[:5] + (None,) for m in sorted(mentions, key=lambda m: (m[0], m[1])))
    insert = (lambda t, c, r: pg.copy(t, c, r)) if pg else (lambda t, c, r: sb.bulk_insert(url, t, c, r))
    counts = {
        "videos": insert("videos", video_cols, video_rows),
        "comments": insert("comments", comment_cols, iter(sorted(comments))),
        "domains": insert("domains", domain_cols, iter(domains)),
        "domain_mentions": insert("domain_mentions", mention_cols, mention_rows),
    }
    if pg:
        pg.analyze(["videos", "comments", "domains", "domain_mentions"])
    else:
        import sqlite3

        conn = sqlite3.connect(sb.sqlite_file(url), isolation_level=None)
        conn.execute("ANALYZE")  # what `harvester init` ... no: what PRAGMA optimize does over time
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    return counts


# --------------------------------------------------------------------------- timing

# (label, arguments, part of the "under a second" target): the full `domains` listing is there
# for reference, its time is that of writing ~40,000 rows of JSON (see the notes)
REPORTS = [
    ("domains --top 50", ["domains", "--top", "50", "--format", "json"], True),
    ("domains --since 7d --top 50", ["domains", "--since", "7d", "--top", "50", "--format", "json"], True),
    ("domains --category marketplace", ["domains", "--category", "marketplace", "--format", "json"], True),
    ("domains --new --since 7d", ["domains", "--new", "--since", "7d", "--format", "json"], True),
    ("domains --rising --since 7d", ["domains", "--rising", "--since", "7d", "--format", "json"], True),
    ("domains --rising --since 1d", ["domains", "--rising", "--since", "1d", "--format", "json"], True),
    ("links --top 50", ["links", "--top", "50", "--format", "json"], True),
    (
        "links --domain amazon.com --top 50",
        ["links", "--domain", "amazon.com", "--top", "50", "--format", "json"],
        True,
    ),
    ("links --since 7d --top 50", ["links", "--since", "7d", "--top", "50", "--format", "json"], True),
    ("links --top 50 (table)", ["links", "--top", "50"], True),
    ("digest (--since 1d)", ["digest", "--json"], True),
    ("digest --since 7d", ["digest", "--since", "7d", "--json"], True),
    ("domains (all, no --top)", ["domains", "--format", "json"], False),
]


def in_process(url: str, args: list[str], repeat: int) -> tuple[float, int]:
    """Median seconds of the report as its command runs it (without the interpreter start-up),
    and the size of its JSON output."""
    from typer.testing import CliRunner

    from harvester_cli.app import app

    runner = CliRunner()
    env = {"HARVESTER_DATABASE_URL": url, "HARVESTER_LOCK_DIR": str(Path(tempfile.gettempdir()) / "bench-locks")}
    times = []
    size = 0
    for i in range(repeat + 1):
        t0 = time.perf_counter()
        result = runner.invoke(app, args, env=env, catch_exceptions=False)
        elapsed = time.perf_counter() - t0
        if result.exit_code != 0:
            raise SystemExit(f"harvester {' '.join(args)} exited {result.exit_code}: {result.stderr or result.stdout}")
        size = len(result.stdout)
        if i:  # the first is the warm-up (imports, the store's first connection, the OS cache)
            times.append(elapsed)
    return sb.median(times), size


def as_process(url: str, args: list[str], cwd: Path) -> float:
    env = sb.cli_env(url, {"HARVESTER_LOCK_DIR": str(cwd / "locks")})
    return sb.run_cli(url, args, cwd=cwd, env=env, check=True).seconds


def backfill(url: str) -> tuple[float, int]:
    """Normalise every link of the store (what the first `links` after the upgrade does)."""
    from harvester_cli.services import links as links_service
    from harvester_cli.store.base import Store

    store = Store.open(url)
    try:
        t0 = time.perf_counter()
        n = links_service.normalise(store)
        return time.perf_counter() - t0, n
    finally:
        store.dispose()


def run_store(name: str, url: str, data, pg: PgSchema | None, args, work: Path) -> dict:
    sb.init_store(url, work)
    t0 = time.perf_counter()
    counts = seed(url, data, pg, links=not args.backfill)
    seeded = time.perf_counter() - t0
    print(f"[{name}] seeded {counts} in {seeded:.1f}s", flush=True)
    out = {"store": name, "counts": counts, "reports": {}}
    if args.backfill:
        seconds, n = backfill(url)
        out["backfill"] = (seconds, n)
        print(f"[{name}] normalised {n} links in {seconds:.1f}s", flush=True)
        if pg:
            pg.analyze(["domain_mentions"])
    for label, cli_args, _target in REPORTS:
        seconds, size = in_process(url, cli_args, args.repeat)
        wall = as_process(url, cli_args, work) if args.process else None
        out["reports"][label] = {"seconds": seconds, "bytes": size, "process": wall}
        print(
            f"[{name}] {label}: {seconds * 1000:.0f} ms median in-process"
            + (f", {wall:.2f} s as a process" if wall else "")
            + f" ({size:,} bytes)",
            flush=True,
        )
    return out


def write(results: list[dict], args, load: tuple[float, float, float]) -> None:
    when = dt.date.today().isoformat()
    cmd = (
        "`.venv/bin/python bench/reports.py"
        + (f" --mentions {args.mentions}" if args.mentions != 1_000_000 else "")
        + ("" if args.postgres else " --no-postgres")
        + (" --backfill" if args.backfill else "")
        + "`"
    )
    c = results[0]["counts"]
    lines = [
        HEADING,
        "",
        f"Command: {cmd} — {when}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work (1-minute load average {load[0]:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end).",
        "",
        f"Store: {c['domain_mentions']:,} mentions in {c['comments']:,} comments of {c['videos']:,} videos, "
        f"{c['domains']:,} domains, over {DAYS} days (see the docstring); PostgreSQL in a private schema of the "
        "test database, analysed after seeding. Each figure is the median of "
        f"{args.repeat} runs after a warm-up, in-process: the command as `harvester` runs it (options, settings, "
        "store, queries, output), without the interpreter's start-up"
        + (
            ". `process`: one run of the real `harvester` executable, start-up (0.5-0.8 s of imports here) included."
            if args.process
            else "."
        ),
        "",
    ]
    names = [r["store"] for r in results]
    lines.append(
        "| report | "
        + " | ".join(f"{n} ms" for n in names)
        + (" | " + " | ".join(f"{n} process s" for n in names) if args.process else "")
        + " | output |"
    )
    lines.append("|---|" + "---|" * (len(names) * (2 if args.process else 1)) + "---|")
    for label, _, target in REPORTS:
        cells = [f"{r['reports'][label]['seconds'] * 1000:.0f}" for r in results]
        if args.process:
            cells += [f"{r['reports'][label]['process']:.2f}" for r in results]
        size = results[0]["reports"][label]["bytes"]
        lines.append(
            f"| `{label}`{'' if target else ' (reference)'} | " + " | ".join(cells) + f" | {size / 1000:,.0f} kB |"
        )
    slowest = max(
        ((r["reports"][label]["seconds"], label, r["store"]) for r in results for label, _, t in REPORTS if t),
        default=(0.0, "", ""),
    )
    lines += [
        "",
        f"Slowest report: `{slowest[1]}` on {slowest[2]}, {slowest[0] * 1000:.0f} ms: every report "
        f"{'under' if slowest[0] < 1 else 'NOT all under'} 1 s in-process.",
    ]
    for r in results:
        if "backfill" in r:
            seconds, n = r["backfill"]
            lines.append(
                f"Normalising all {n:,} links once ({r['store']}; what the first `links` or `digest` after "
                f"the upgrade to schema 0003 does): {seconds:.1f} s."
            )
    lines.append("")
    _results.write_section(HEADING, "\n".join(lines) + "\n", keep_notes=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mentions", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--postgres", default=sb.DEFAULT_PG, metavar="URL")
    p.add_argument("--no-postgres", dest="postgres", action="store_const", const=None)
    p.add_argument("--no-sqlite", action="store_true")
    p.add_argument(
        "--backfill", action="store_true", help="seed without links and time normalising them all before the reports"
    )
    p.add_argument("--no-process", dest="process", action="store_false", help="skip the process timings")
    p.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    p.add_argument("--workdir", help="keep the SQLite store here (default: a temporary directory)")
    args = p.parse_args()
    load = os.getloadavg()
    t0 = time.perf_counter()
    data = generate(args.mentions)
    print(f"generated {len(data[2]):,} mentions in {time.perf_counter() - t0:.1f}s", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        work = Path(args.workdir or tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not args.no_sqlite:
            path = work / "reports.db"
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            results.append(run_store("sqlite", f"sqlite:///{path}", data, None, args, work))
        if args.postgres:
            pg = PgSchema(args.postgres)
            try:
                results.append(run_store("postgresql", pg.url, data, pg, args, work))
            finally:
                pg.drop()
    if not args.no_write and results:
        write(results, args, load)
    print(json.dumps([{k: v for k, v in r.items() if k != "counts"} for r in results], indent=1, default=str))


if __name__ == "__main__":
    main()
