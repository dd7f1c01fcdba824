from __future__ import annotations

from typing import Annotated

import typer

from harvester_cli import console
from harvester_cli.commands.common import finish, int_parser, job_context, run
from harvester_cli.services import cleanup as cleanup_service


def register(app: typer.Typer) -> None:
    @app.command("cleanup")
    def cleanup(
        ctx: typer.Context,
        days: Annotated[
            int | None,
            typer.Option(
                "--days",
                parser=int_parser("--days", 1, 36600),
                metavar="DAYS",
                help="Keep this many days, counted back from now (default: "
                "harvester_retention_days, 90); see above for what a row's age is measured from.",
                show_default=False,
            ),
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Print what would go, per table; delete nothing.")
        ] = False,
    ) -> None:
        """Retention cleanup in small batches; never removes pending dead-letter items, running runs or domains.

        --days counts back from now; a row's age is measured from: a comment's harvest time
        (not when it was posted), its domain mentions going with it; a video's last discovery,
        once none of its comments is kept; a log event's time; a finished run's start; a
        resolved or discarded dead-letter item's closing time; an API usage row's UTC day.

        Crontab: 0 2 * * 0  harvester -q cleanup
        """
        c = job_context(ctx)
        keep = days or c.settings()["HARVESTER_RETENTION_DAYS"]
        store = c.store()
        cutoff = cleanup_service.cutoff_for(store, keep)
        if dry_run:
            counts = cleanup_service.count(store, cutoff)
            if c.json:
                console.print_json({"dry_run": True, "days": keep, "cutoff": cutoff, "would_delete": counts})
            else:
                console.show(
                    console.table(
                        f"cleanup --dry-run: rows older than {keep} days ({cutoff:%Y-%m-%d %H:%M} UTC)",
                        ["table", "would delete"],
                        sorted(counts.items()),
                    )
                )
            return

        def work(rc) -> str:
            deleted = cleanup_service.purge(store, cutoff, checkpoint=rc.checkpoint, progress=lambda _t, n: rc.ok(n))
            rc.details["deleted"] = deleted
            rc.log("cleanup.done", f"deleted rows older than {keep} days: {deleted}", details=deleted)
            return ""

        result = run(ctx, "cleanup", {"days": keep, "cutoff": cutoff.isoformat()}, work)
        if not c.json and not c.quiet and result.details.get("deleted"):
            console.show(console.table(None, ["table", "deleted"], sorted(result.details["deleted"].items())))
        finish(ctx, result)
