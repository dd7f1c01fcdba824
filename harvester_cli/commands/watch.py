from __future__ import annotations

import datetime as dt
import time
from typing import Annotated

import typer
from rich.console import Group
from rich.live import Live
from rich.text import Text

from harvester_cli import console
from harvester_cli.commands.common import context
from harvester_cli.services import budget as budget_service
from harvester_cli.services import health as health_service
from harvester_cli.store import queues, runs


def snapshot(store, settings) -> Group:
    """Running jobs, queue depths, alerts and recent failures, as one renderable."""
    now = store.now()
    running = runs.running(store)
    checks = health_service.evaluate(store, settings)
    alerts = [c for c in checks if not c.ok]
    recent = runs.recent(store, since=now - dt.timedelta(hours=24), limit=200)
    failures = [r for r in recent if r["status"] in ("failed", "timed_out", "abandoned")][:8]
    parts = [
        Text(f"harvester - {now:%Y-%m-%d %H:%M:%S} UTC - Ctrl-C quits", style="bold"),
        Text(console.safe(budget_service.line(budget_service.report(store, settings)))),
        console.table(f"running ({len(running)})", ["id", "type", "host", "pid", "slot", "started", "ok", "failed"],
                      [[r["id"], r["job_type"], r["host"], r["pid"], r["slot"], r["started_at"], r["items_ok"],
                        r["items_failed"]] for r in running]),
        console.table("queues", ["queue", "depth"], list(queues.depths(store).items())),
        console.table(f"alerts ({len(alerts)})", ["alert", "severity", "detail"],
                      [[a.name, a.severity, a.message] for a in alerts], console.STATUS_STYLES),
        console.table("recent failures (24 h)", ["id", "type", "status", "finished", "error"],
                      [[r["id"], r["job_type"], r["status"], r["finished_at"], r["error"] or ""] for r in failures],
                      console.STATUS_STYLES),
    ]
    return Group(*parts)


def register(app: typer.Typer) -> None:
    @app.command("watch")
    def watch(
        ctx: typer.Context,
        interval: Annotated[float, typer.Option("--interval", min=0.5, help="Seconds between refreshes.")] = 3.0,
        once: Annotated[bool, typer.Option("--once", help="Render one snapshot and exit (for scripts).")] = False,
    ) -> None:
        """A live dashboard: running jobs, queue depths, alerts and recent failures. Ctrl-C quits."""
        c = context(ctx)
        store, settings = c.store(), c.settings()
        if once or not console.is_terminal():
            console.show(snapshot(store, settings))
            return
        try:
            with Live(snapshot(store, settings), console=console.out(), refresh_per_second=4,
                      screen=False, transient=False) as live:
                while True:
                    time.sleep(interval)
                    live.update(snapshot(store, settings))
        except KeyboardInterrupt:
            pass
