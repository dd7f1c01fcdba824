from __future__ import annotations

import csv
import datetime as dt
import sys
from typing import Annotated, Optional

import typer

from harvester_cli import console
from harvester_cli.commands.common import check_choice, context, int_parser, parse_duration, parse_id
from harvester_cli.store import domains as domains_store

FORMATS = ("table", "csv", "json")


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def register(app: typer.Typer) -> None:
    @app.command("domains")
    def domains(
        ctx: typer.Context,
        since: Annotated[Optional[str], typer.Option("--since", metavar="DURATION",
                                                     help="Only mentions this recent: 30m, 12h, 7d, 2w.",
                                                     show_default=False)] = None,
        top: Annotated[Optional[int], typer.Option("--top", metavar="N", parser=int_parser("--top"),
                                                   help="The N most mentioned.", show_default=False)] = None,
        fmt: Annotated[str, typer.Option("--format", metavar="table|csv|json", help="Output format.")] = "table",
        video: Annotated[Optional[str], typer.Option(
            "--video", metavar="ID", show_default=False,
            help="Only this video's comments: mentions, first/last seen and the sample all come from them.")] = None,
    ) -> None:
        """The harvested domains: comments mentioning each, distinct videos, first and last seen.

        Example: harvester domains --since 7d --top 20 --format csv > domains.csv
        """
        c = context(ctx)
        check_choice(fmt, FORMATS, "--format")
        video_id = parse_id(video, "--video") if video is not None else None  # ASCII digits, 64-bit
        seconds = parse_duration(since, "--since") if since else None
        store = c.store()
        cutoff = store.now() - dt.timedelta(seconds=seconds) if seconds is not None else None
        rows = domains_store.report(store, since=cutoff, top=top, video_id=video_id)
        items = [{"domain": r["domain"], "mentions": r["mentions"], "videos": r["videos"],
                  "first_seen": _iso(r["first_seen"]), "last_seen": _iso(r["last_seen"])} for r in rows]
        if c.json or fmt == "json":
            console.print_json(items)
        elif fmt == "csv":
            writer = csv.DictWriter(sys.stdout, fieldnames=["domain", "mentions", "videos", "first_seen", "last_seen"])
            writer.writeheader()
            for item in items:
                writer.writerow({k: console.safe(v) if isinstance(v, str) else v for k, v in item.items()})
        else:
            samples = domains_store.samples(store, [i["domain"] for i in items], video_id=video_id)
            title = (f"domains{' of video ' + str(video_id) if video_id is not None else ''}"
                     f"{' since ' + since if since else ''} ({len(items)})")
            console.show(console.table(title, ["domain", "mentions", "videos", "first seen", "last seen",
                                               "sample comment"],
                                       [[i["domain"], i["mentions"], i["videos"], i["first_seen"], i["last_seen"],
                                         _sample(samples.get(i["domain"]))] for i in items]))


def _sample(sample: dict | None) -> str:
    if not sample:
        return ""
    text = sample["text"] or ""
    return text if len(text) <= 80 else text[:77] + "..."
