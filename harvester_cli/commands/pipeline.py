"""The pipeline's job commands: discover, harvest, extract and run."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from harvester_cli import console, errors
from harvester_cli.commands.common import context, finish, job_context, parse_id
from harvester_cli.services import pipeline

VideoIds = Annotated[
    list[str] | None,
    typer.Option(
        "--video-id", metavar="ID", help="Only this video (repeatable). 64-bit TikTok id.", show_default=False
    ),
]
Limit = Annotated[int | None, typer.Option("--limit", min=1, help="At most this many items.", show_default=False)]


def _ids(values: list[str] | None) -> list[int]:
    return [parse_id(value, "--video-id") for value in values or []]


@contextlib.contextmanager
def _progress(ctx: typer.Context, label: str, total: int | None) -> Iterator:
    """A Rich progress bar on a terminal; nothing under cron, with -q or --json."""
    c = context(ctx)
    if c.quiet or c.json or not console.is_terminal():
        yield lambda n: None
        return
    bar = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console.err(), transient=True
    )
    task = bar.add_task(label, total=total)
    with bar:
        yield lambda n: bar.advance(task, n)


def register(app: typer.Typer) -> None:
    @app.command("discover")
    def discover(
        ctx: typer.Context,
        limit: Limit = None,
        force_refresh: Annotated[
            bool, typer.Option("--force-refresh", help="Queue known videos for harvesting again.")
        ] = False,
        video_id: VideoIds = None,
    ) -> None:
        """Find promoted videos through HARVESTER_SOURCE and queue them for harvesting.

        Crontab: */10 * * * *  harvester -q discover
        """
        result = pipeline.run_discovery(
            job_context(ctx), limit=limit, force_refresh=force_refresh, video_ids=_ids(video_id)
        )
        finish(ctx, result)

    @app.command("harvest")
    def harvest(
        ctx: typer.Context,
        video_id: VideoIds = None,
        max_pages: Annotated[
            int | None,
            typer.Option(
                "--max-pages",
                min=1,
                max=10,
                help="Comment pages (of up to 100) per video [default: 2].",
                show_default=False,
            ),
        ] = None,
        limit: Limit = None,
    ) -> None:
        """Fetch the comments of queued videos (concurrently, within the daily request budget).

        Crontab: 1-59/5 * * * *  harvester -q harvest
        """
        c = job_context(ctx)
        from harvester_cli.store import queues

        total = limit or queues.depths(c.store())["videos_queued"]
        with _progress(ctx, "harvesting", total) as advance:
            result = pipeline.run_harvesting(
                c, max_pages=max_pages, limit=limit, video_ids=_ids(video_id), progress=advance
            )
        finish(ctx, result)

    @app.command("extract")
    def extract(ctx: typer.Context, limit: Limit = None) -> None:
        """Extract the domains of comments not yet extracted.

        HARVESTER_EXTRACT_HELPERS helpers (default 1) share the work: on SQLite processes,
        started when the backlog is over one batch; on PostgreSQL threads with their own
        connections.

        Crontab: 3-59/5 * * * *  harvester -q extract
        """
        c = job_context(ctx)
        from harvester_cli.store import mentions

        total = limit or mentions.pending_count(c.store())
        with _progress(ctx, "extracting", total) as advance:
            result = pipeline.run_extraction(c, limit=limit, progress=advance)
        finish(ctx, result)

    @app.command("run")
    def run(ctx: typer.Context, limit: Limit = None) -> None:
        """Discover, harvest and extract, each its own recorded run; stops at the kill switch.

        The exit code is the worst of the three (a skipped step does not stop the next one,
        except the kill switch).
        """
        c = job_context(ctx)
        results = []
        for step in (
            lambda: pipeline.run_discovery(c, limit=limit),
            lambda: pipeline.run_harvesting(c, limit=limit),
            lambda: pipeline.run_extraction(c),
        ):
            result = step()
            results.append(result)
            if result.exit_code == errors.EXIT_KILL_SWITCH:
                break
        code = max(r.exit_code for r in results)
        if errors.EXIT_KILL_SWITCH in (r.exit_code for r in results):
            code = errors.EXIT_KILL_SWITCH
        if c.json:
            console.print_json({"runs": [r.as_json() for r in results], "exit_code": code})
        elif not c.quiet or code:
            for r in results:
                text = (
                    f"{r.job_type} run {r.run_id}: {r.status} (ok {r.items_ok}, failed {r.items_failed}, "
                    f"{r.duration_seconds:.1f}s)" + (f" - {r.message}" if r.message else "")
                )
                (console.line if r.exit_code == 0 else console.warn_line)(text)
        raise typer.Exit(code)
