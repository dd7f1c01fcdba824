"""`harvester links`: the links people post, as written, normalised for grouping."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from harvester_cli import console
from harvester_cli.commands.common import check_choice, context, parse_duration, parse_id
from harvester_cli.commands.domains import FORMATS, FormatOption, TopOption, VideoOption, sample_text, write_csv
from harvester_cli.extraction.categories import CATEGORIES
from harvester_cli.services import links as links_service
from harvester_cli.store.base import iso_utc

FIELDS = ["link", "domain", "category", "mentions", "videos", "first_seen", "last_seen"]


def register(app: typer.Typer) -> None:
    @app.command("links")
    def links(
        ctx: typer.Context,
        domain: Annotated[
            str | None,
            typer.Option(
                "--domain",
                metavar="DOMAIN",
                show_default=False,
                help="Only links to this registrable domain (a host under it is read as the domain).",
            ),
        ] = None,
        since: Annotated[
            str | None,
            typer.Option(
                "--since", metavar="DURATION", help="Only mentions this recent: 30m, 12h, 7d, 2w.", show_default=False
            ),
        ] = None,
        video: VideoOption = None,
        top: TopOption = None,
        category: Annotated[
            str | None,
            typer.Option(
                "--category",
                metavar="|".join(CATEGORIES),
                show_default=False,
                help="Only links to domains of this category.",
            ),
        ] = None,
        fmt: FormatOption = "table",
    ) -> None:
        """The links people post, as written and normalised for grouping (no scheme, no www., no
        tracking parameters such as utm_*, fbclid, gclid, si; affiliate tags kept): mentions,
        distinct videos, first and last seen, a sample comment.

        Example: harvester links --domain amazon.com --since 7d --format json
        """
        c = context(ctx)
        check_choice(fmt, FORMATS, "--format")
        check_choice(category, CATEGORIES, "--category")
        video_id = parse_id(video, "--video") if video is not None else None
        wanted = links_service.domain_option(domain)
        seconds = parse_duration(since, "--since") if since else None
        store = c.store()
        cutoff = store.now() - dt.timedelta(seconds=seconds) if seconds is not None else None
        as_table = not (c.json or fmt in ("json", "csv"))
        rows = links_service.links(
            store, since=cutoff, top=top, video_id=video_id, domain=wanted, category=category, samples=as_table
        )
        items = [
            {
                "link": r["link"],
                "domain": r["domain"],
                "category": r["category"],
                "mentions": r["mentions"],
                "videos": r["videos"],
                "first_seen": iso_utc(r["first_seen"]),
                "last_seen": iso_utc(r["last_seen"]),
            }
            for r in rows
        ]
        if c.json or fmt == "json":
            console.print_json(items)
            return
        if fmt == "csv":
            write_csv(items, FIELDS)
            return
        title = (
            f"links{' to ' + wanted if wanted else ''}{' in category ' + category if category else ''}"
            f"{' of video ' + str(video_id) if video_id is not None else ''}"
            f"{' since ' + since if since else ''} ({len(items)})"
        )
        console.show(
            console.table(
                title,
                ["link", "category", "mentions", "videos", "first seen", "last seen", "sample comment"],
                [
                    [
                        i["link"],
                        i["category"] or "",
                        i["mentions"],
                        i["videos"],
                        i["first_seen"],
                        i["last_seen"],
                        sample_text(r.get("sample")),
                    ]
                    for i, r in zip(items, rows, strict=True)
                ],
            )
        )
