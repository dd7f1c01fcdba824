"""Copy the sample dataset with its dates moved to the last days (what `make demo` loads).

    python examples/sample/rebase.py examples/sample demo/sample
    python examples/sample/rebase.py SRC DEST --today 2026-12-05   # a fixed "today" (tests)

The sample's timestamps are fixed (November 2026), so `harvester domains --since 7d` would show
nothing once they are older than a week. This writes SRC's videos.jsonl and comments.jsonl to
DEST with every `create_time` shifted by the same whole number of days, so that the newest one
falls on yesterday (UTC); the time of day, the order and everything else stay as they are.
Lines that are not JSON objects (the sample has deliberately malformed ones) are copied
unchanged, so the files source still reports them. SRC is never modified; ids (snowflakes
built from the original time) are kept as they are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

FILES = ("videos.jsonl", "comments.jsonl")
DAY = 86400


def _parse(line: str) -> dict | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _time(record: dict | None) -> int | None:
    value = record.get("create_time") if record else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def newest(src: Path) -> int:
    """The latest create_time of any video or comment in SRC."""
    times = [
        t
        for name in FILES
        for line in (src / name).read_text(encoding="utf-8").splitlines()
        if (t := _time(_parse(line))) is not None
    ]
    if not times:
        raise SystemExit(f"rebase: no create_time in {src}/{{{','.join(FILES)}}}")
    return max(times)


def shift_for(latest: int, today: dt.date) -> int:
    """Whole days, in seconds, that move `latest` to the day before `today` (UTC)."""
    latest_day = dt.datetime.fromtimestamp(latest, dt.UTC).date()
    return ((today - dt.timedelta(days=1)) - latest_day).days * DAY


def rebase(src: Path, dest: Path, today: dt.date | None = None) -> int:
    """Write the shifted copy; returns the shift in seconds."""
    today = today or dt.datetime.now(dt.UTC).date()
    shift = shift_for(newest(src), today)
    dest.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        out = []
        for line in (src / name).read_text(encoding="utf-8").splitlines():
            record = _parse(line)
            if _time(record) is not None:
                record["create_time"] += shift
                line = json.dumps(record, ensure_ascii=False)
            out.append(line + "\n")
        (dest / name).write_text("".join(out), encoding="utf-8")
    return shift


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    p.add_argument("src", type=Path, help="the dataset (a directory with videos.jsonl and comments.jsonl)")
    p.add_argument("dest", type=Path, help="where the shifted copy goes (created)")
    p.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="the date taken as today, YYYY-MM-DD (default: today, UTC)",
    )
    args = p.parse_args(argv)
    if args.src.resolve() == args.dest.resolve():
        p.error("DEST must not be SRC: the bundled sample is never rewritten")
    shift = rebase(args.src, args.dest, args.today)
    print(f"sample copied to {args.dest} with its dates moved {shift // DAY:+d} days (the newest is yesterday, UTC)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
