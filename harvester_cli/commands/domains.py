from __future__ import annotations

import csv
import datetime as dt
import sys
from typing import Annotated, Any

import typer

from harvester_cli import console, errors
from harvester_cli.commands.common import check_choice, context, int_parser, parse_duration, parse_id
from harvester_cli.extraction.categories import CATEGORIES
from harvester_cli.services import reports
from harvester_cli.store import domains as domains_store
from harvester_cli.store.base import iso_utc

FORMATS = ("table", "csv", "json")
#: the window of --new and --rising when --since is not given
DEFAULT_WINDOW = "7d"


# the options `domains` and `links` share
TopOption = Annotated[
    int | None,
    typer.Option("--top", metavar="N", parser=int_parser("--top"), help="The N most mentioned.", show_default=False),
]
FormatOption = Annotated[str, typer.Option("--format", metavar="table|csv|json", help="Output format.")]
VideoOption = Annotated[
    str | None,
    typer.Option(
        "--video",
        metavar="ID",
        show_default=False,
        help="Only this video's comments: mentions, first/last seen and the sample all come from them.",
    ),
]


def write_csv(items: list[dict[str, Any]], fields: list[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for item in items:
        writer.writerow({k: console.safe(v) if isinstance(v, str) else v for k, v in item.items()})


def window_seconds(since: str, option: str = "--since") -> int:
    """A window length for --new, --rising and the digest: a positive duration."""
    seconds = parse_duration(since, option)
    if seconds <= 0:
        raise errors.BadInput(f"{option} {since!r} is an empty window; give a positive duration, e.g. 1d or 7d")
    return seconds


def register(app: typer.Typer) -> None:
    @app.command("domains")
    def domains(
        ctx: typer.Context,
        since: Annotated[
            str | None,
            typer.Option(
                "--since",
                metavar="DURATION",
                help="Only mentions this recent: 30m, 12h, 7d, 2w (with --new "
                "and --rising: the window, 7d unless given).",
                show_default=False,
            ),
        ] = None,
        top: TopOption = None,
        fmt: FormatOption = "table",
        video: VideoOption = None,
        category: Annotated[
            str | None,
            typer.Option(
                "--category",
                metavar="|".join(CATEGORIES),
                show_default=False,
                help="Only domains of this category (from the bundled list; subdomains of myshopify.com "
                "are store_platform).",
            ),
        ] = None,
        new: Annotated[
            bool, typer.Option("--new", help="Only domains first seen within --since (a comment written then).")
        ] = False,
        rising: Annotated[
            bool,
            typer.Option(
                "--rising",
                help="Domains mentioned more within --since than in the window of the same length "
                "before it, by growth; both counts shown.",
            ),
        ] = False,
        min_mentions: Annotated[
            int | None,
            typer.Option(
                "--min-mentions",
                metavar="N",
                parser=int_parser("--min-mentions"),
                show_default=False,
                help=f"With --rising: at least N mentions in the window [{reports.MIN_MENTIONS}].",
            ),
        ] = None,
    ) -> None:
        """The harvested domains: comments mentioning each, distinct videos, first and last seen, category.

        Example: harvester domains --since 7d --top 20 --format csv > domains.csv

        Example: harvester domains --rising --since 1d --category marketplace
        """
        c = context(ctx)
        check_choice(fmt, FORMATS, "--format")
        check_choice(category, CATEGORIES, "--category")
        video_id = parse_id(video, "--video") if video is not None else None  # ASCII digits, 64-bit
        if new and rising:
            raise errors.BadInput("--new and --rising are two reports; give one of them")
        if video_id is not None and (new or rising):
            raise errors.BadInput(
                f"--video cannot be combined with {'--new' if new else '--rising'}; "
                "`domains --video ID` reports one video's domains"
            )
        if min_mentions is not None and not rising:
            raise errors.BadInput("--min-mentions applies to --rising only")
        as_json = c.json or fmt == "json"
        if new or rising:
            window = since or DEFAULT_WINDOW
            seconds = window_seconds(window)
            store = c.store()
            now = store.now()
            if new:
                rows = reports.new_domains(store, since=now - dt.timedelta(seconds=seconds), top=top, category=category)
            else:
                rows = reports.rising_domains(
                    store,
                    now=now,
                    length=dt.timedelta(seconds=seconds),
                    top=top,
                    min_mentions=min_mentions or reports.MIN_MENTIONS,
                    category=category,
                )
            _render_window(rows, new=new, window=window, fmt="json" if as_json else fmt, category=category)
            return
        since_seconds = parse_duration(since, "--since") if since else None
        store = c.store()
        cutoff = store.now() - dt.timedelta(seconds=since_seconds) if since_seconds is not None else None
        rows = reports.domains(store, since=cutoff, top=top, video_id=video_id, category=category)
        items = [
            {
                "domain": r["domain"],
                "mentions": r["mentions"],
                "videos": r["videos"],
                "first_seen": iso_utc(r["first_seen"]),
                "last_seen": iso_utc(r["last_seen"]),
                "category": r["category"],
            }
            for r in rows
        ]
        if as_json:
            console.print_json(items)
        elif fmt == "csv":
            write_csv(items, ["domain", "mentions", "videos", "first_seen", "last_seen", "category"])
        else:
            samples = domains_store.samples(store, [i["domain"] for i in items], video_id=video_id)
            title = (
                f"domains{' of video ' + str(video_id) if video_id is not None else ''}"
                f"{' in category ' + category if category else ''}"
                f"{' since ' + since if since else ''} ({len(items)})"
            )
            console.show(
                console.table(
                    title,
                    ["domain", "category", "mentions", "videos", "first seen", "last seen", "sample comment"],
                    [
                        [
                            i["domain"],
                            i["category"] or "",
                            i["mentions"],
                            i["videos"],
                            i["first_seen"],
                            i["last_seen"],
                            sample_text(samples.get(i["domain"])),
                        ]
                        for i in items
                    ],
                )
            )


def _render_window(rows: list[dict[str, Any]], *, new: bool, window: str, fmt: str, category: str | None) -> None:
    if new:
        fields = ["domain", "category", "mentions", "videos", "first_seen", "last_seen"]
    else:
        fields = ["domain", "category", "mentions", "previous", "growth", "videos", "first_seen", "last_seen"]
    items = [{k: (iso_utc(r[k]) if k in ("first_seen", "last_seen") else r[k]) for k in fields} for r in rows]
    if fmt == "json":
        console.print_json(items)
        return
    if fmt == "csv":
        write_csv(items, fields)
        return
    where = f" in category {category}" if category else ""
    if new:
        title = f"new domains{where}: first seen within {window} ({len(items)})"
        columns = ["domain", "category", "mentions", "videos", "first seen", "last seen"]
        cells = [
            [i["domain"], i["category"] or "", i["mentions"], i["videos"], i["first_seen"], i["last_seen"]]
            for i in items
        ]
    else:
        title = f"rising domains{where}: mentions in the last {window} against the {window} before ({len(items)})"
        columns = ["domain", "category", "mentions", "before", "growth", "videos", "first seen", "last seen"]
        cells = [
            [
                i["domain"],
                i["category"] or "",
                i["mentions"],
                i["previous"],
                f"{i['growth']:g}x",
                i["videos"],
                i["first_seen"],
                i["last_seen"],
            ]
            for i in items
        ]
    console.show(console.table(title, columns, cells))


def sample_text(sample: dict | None) -> str:
    if not sample:
        return ""
    text = sample["text"] or ""
    return text if len(text) <= 80 else text[:77] + "..."
