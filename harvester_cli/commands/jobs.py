from __future__ import annotations

from typing import Annotated

import typer

from harvester_cli import console
from harvester_cli.commands.common import MAX_SECONDS, check_choice, context, int_parser
from harvester_cli.services import jobs as jobs_service
from harvester_cli.settings import JOB_TYPES


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _secs(value) -> str:
    return "-" if value is None else f"{value:.1f}s"


def register(app: typer.Typer) -> None:
    @app.command("jobs")
    def jobs(
        ctx: typer.Context,
        job_type: Annotated[
            str | None, typer.Option("--type", metavar="TYPE", help=f"Only this job type: {', '.join(JOB_TYPES)}.")
        ] = None,
        hours: Annotated[
            int,
            typer.Option(
                "--hours",
                metavar="H",
                parser=int_parser("--hours", 1, MAX_SECONDS // 3600),
                help="Window of runs and metrics.",
            ),
        ] = 24,
        limit: Annotated[
            int, typer.Option("--limit", metavar="N", parser=int_parser("--limit"), help="Most recent runs listed.")
        ] = 30,
    ) -> None:
        """Recent runs and metrics per job type: success rate, average and p95 duration, last success, queues."""
        check_choice(job_type, JOB_TYPES, "job type")
        c = context(ctx)
        data = jobs_service.report(c.store(), hours=hours, job_type=job_type, limit=limit)
        if c.json:
            console.print_json(data)
            return
        rows = [
            [
                r["id"],
                r["job_type"],
                r["status"],
                r["started_at"],
                _secs(r["duration_seconds"]),
                r["items_ok"],
                r["items_failed"],
                r["error"] or "",
            ]
            for r in data["runs"]
        ]
        console.show(
            console.table(
                f"runs in the last {hours} h",
                ["id", "type", "status", "started (UTC)", "duration", "ok", "failed", "error"],
                rows,
                console.STATUS_STYLES,
            )
        )
        metrics = [
            [
                name,
                m["runs"],
                _pct(m["success_rate"]),
                _secs(m["avg_seconds"]),
                _secs(m["p95_seconds"]),
                m["last_success_at"] or "never",
                ", ".join(f"{k}: {v}" for k, v in m["error_types"].items()),
            ]
            for name, m in data["metrics"].items()
        ]
        console.show(
            console.table(
                "metrics", ["job type", "runs", "success", "avg", "p95", "last success (UTC)", "errors"], metrics
            )
        )
        console.show(console.table("queues", ["queue", "depth"], list(data["queues"].items())))
