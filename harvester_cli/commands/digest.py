"""`harvester digest`: the new domains, the rising ones and the most mentioned links of the last
window, as a table, JSON, or one webhook message posted once per window."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated

import typer

from harvester_cli import console, errors
from harvester_cli.commands.common import context, int_parser
from harvester_cli.commands.domains import window_seconds
from harvester_cli.runtime.retry import RetryPolicy
from harvester_cli.services import digest as digest_service
from harvester_cli.services.reports import MIN_MENTIONS


def register(app: typer.Typer) -> None:
    @app.command("digest")
    def digest(
        ctx: typer.Context,
        since: Annotated[
            str,
            typer.Option(
                "--since",
                metavar="DURATION",
                help="The window's length: the last completed one, aligned to UTC (1d: yesterday 00:00 to "
                "today 00:00; 7d: Monday to Monday; 6h: 00-06, 06-12, ...).",
            ),
        ] = "1d",
        top: Annotated[
            int, typer.Option("--top", metavar="N", parser=int_parser("--top"), help="The N first of each part.")
        ] = digest_service.TOP,
        min_mentions: Annotated[
            int,
            typer.Option(
                "--min-mentions",
                metavar="N",
                parser=int_parser("--min-mentions"),
                help="A rising domain has at least N mentions in the window.",
            ),
        ] = MIN_MENTIONS,
        notify: Annotated[
            bool,
            typer.Option(
                "--notify",
                help="Post it to HARVESTER_DIGEST_WEBHOOK_URL (else HARVESTER_ALERT_WEBHOOK_URL), "
                "once per window however often it runs; without either, nothing is posted.",
            ),
        ] = False,
    ) -> None:
        """What harvester found in the last window: new domains (first extracted in it), rising
        domains (mentions in the comments harvested in it against the window before) and the most
        mentioned links. Exit 1 only when the webhook post fails.

        Crontab: 5 * * * *  harvester -q digest --notify   (posts yesterday's digest once, after 00:05 UTC)
        """
        c = context(ctx)
        length = dt.timedelta(seconds=window_seconds(since))
        url = None
        if notify:
            settings = c.settings()
            url = settings["HARVESTER_DIGEST_WEBHOOK_URL"] or settings["HARVESTER_ALERT_WEBHOOK_URL"] or None
            if url is None:  # as health --notify: the crontab line stays quiet until a webhook is set
                logging.getLogger(__name__).debug(
                    "digest --notify: no HARVESTER_DIGEST_WEBHOOK_URL or HARVESTER_ALERT_WEBHOOK_URL; nothing posted"
                )
        store = c.store()
        data = digest_service.build(store, length=length, top=top, min_mentions=min_mentions)
        if url is not None:
            data["notification"] = _post(c, store, data, url)
        if c.json:
            console.print_json(data)
        elif not c.quiet:
            render(data)
        if url is not None and not c.quiet and not c.json:
            console.line(_said(data))


def _post(c, store, data: dict, url: str) -> dict:
    from harvester_cli.sources import webhook

    settings = c.settings()

    def post(payload: dict) -> None:
        try:
            webhook.post(url, payload, settings=settings, policy=RetryPolicy.from_settings(settings))
        except errors.SourceError as exc:  # said as the alert webhook's: this is the digest's
            raise type(exc)(
                str(exc).replace("alert webhook", "digest webhook"), retry_after=exc.retry_after, status=exc.status
            ) from None

    return digest_service.notify(store, data, post, secrets=c.secrets())


def _said(data: dict) -> str:
    n = data["notification"]
    w = data["window"]
    if n["sent"]:
        return (
            f"digest of {w['start']} to {w['end']} posted: {n['new_domains']} new domains, {n['rising']} rising, "
            f"{n['links']} links"
        )
    return f"digest of {w['start']} to {w['end']} not posted: {n['reason']}"


def render(data: dict) -> None:
    w = data["window"]
    head = f"digest {w['start']} to {w['end']} ({w['length']}, UTC)"
    if data["pending_comments"]:
        head += f"; {data['pending_comments']} comments harvested before its end are not extracted yet"
    console.line(head)
    console.show(
        console.table(
            f"new domains: first found in the window ({len(data['new_domains'])})",
            ["domain", "category", "mentions", "videos", "first seen", "found"],
            [
                [r["domain"], r["category"] or "", r["mentions"], r["videos"], r["first_seen"], r["first_extracted_at"]]
                for r in data["new_domains"]
            ],
        )
    )
    console.show(
        console.table(
            f"rising: mentions in comments harvested in the window against the {w['length']} before "
            f"({len(data['rising'])})",
            ["domain", "category", "mentions", "before", "growth", "videos"],
            [
                [r["domain"], r["category"] or "", r["mentions"], r["previous"], f"{r['growth']:g}x", r["videos"]]
                for r in data["rising"]
            ],
        )
    )
    console.show(
        console.table(
            f"most mentioned links in comments harvested in the window ({len(data['links'])})",
            ["link", "category", "mentions", "videos", "sample comment"],
            [[r["link"], r["category"] or "", r["mentions"], r["videos"], _short(r["sample"])] for r in data["links"]],
        )
    )


def _short(text: str | None) -> str:
    if not text:
        return ""
    return text if len(text) <= 80 else text[:77] + "..."
