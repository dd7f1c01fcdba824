from __future__ import annotations

from typing import Annotated

import typer

from harvester_cli import console
from harvester_cli.commands.common import check_choice, context, int_parser
from harvester_cli.settings import JOB_TYPES
from harvester_cli.store import logs as logs_store


def register(app: typer.Typer) -> None:
    @app.command("logs")
    def logs(
        ctx: typer.Context,
        limit: Annotated[
            int, typer.Option("--limit", metavar="N", parser=int_parser("--limit"), help="Most recent events shown.")
        ] = 50,
        level: Annotated[
            str | None, typer.Option("--level", help="Minimum level: debug, info, warning, error.")
        ] = None,
        job_type: Annotated[str | None, typer.Option("--type", metavar="TYPE", help="Only this job type.")] = None,
    ) -> None:
        """Recent system log events: every run's state changes, kill switch, config and DLQ changes."""
        check_choice(level, logs_store.LEVELS, "level")
        check_choice(job_type, JOB_TYPES, "job type")
        c = context(ctx)
        rows = logs_store.recent(c.store(), limit=limit, level=level, job_type=job_type)
        if c.json:
            console.print_json(rows)
            return
        console.show(
            console.table(
                None,
                ["time (UTC)", "level", "type", "run", "event", "message"],
                [
                    [r["created_at"], r["level"], r["job_type"] or "", r["run_id"] or "", r["event"], r["message"]]
                    for r in reversed(rows)
                ],
                console.STATUS_STYLES,
            )
        )
