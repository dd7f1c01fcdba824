from __future__ import annotations

import datetime as dt
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.live import Live
from rich.text import Text

from harvester_cli import console
from harvester_cli.commands.common import context
from harvester_cli.services import budget as budget_service
from harvester_cli.services import health as health_service
from harvester_cli.store import queues, runs


class Dashboard:
    """The sections of a snapshot, fitted to a height when one is given: the header and the alerts
    first, then recent failures, running jobs and queues, each shortened (`… N more`) or left out
    (one line saying so) when the lines run out."""

    def __init__(self, header: list, sections: list[tuple[str, str, list, list, dict]], height: int | None) -> None:
        self.header, self.sections, self.height = header, sections, height

    def __rich_console__(self, terminal: Console, options):
        width = options.max_width
        height = self.height
        if height == -1:  # the terminal's, at each refresh
            height = terminal.size.height - 1
        if height is None:
            yield from self.header
            for title, _, columns, rows, styles in self.sections:
                yield console.table(title, columns, rows, styles)
            return

        def lines(renderable) -> int:
            return len(terminal.render_lines(renderable, options.update(width=width, height=None), pad=False))

        left = height
        for part in self.header:
            left -= lines(part)
            if left < 0:
                break
            yield part
        for title, name, columns, rows, styles in self.sections:
            if left <= 0:
                return
            if not rows:
                note = Text(f"{title}: none")
                left -= 1
                yield note
                continue
            for shown in range(len(rows), 0, -1):
                more = len(rows) - shown
                renderable = console.table(title, columns, rows[:shown], styles)
                needed = lines(renderable) + (1 if more else 0)
                if needed <= left:
                    left -= needed
                    yield renderable
                    if more:
                        yield Text(f"… {more} more {name} (the terminal is {height} lines)", style="dim")
                    break
            else:
                left -= 1
                yield Text(f"{title}: {len(rows)} (no room at {height} lines)", style="dim")


def snapshot(store, settings, height: int | None = None) -> Dashboard:
    """Alerts, recent failures, running jobs and queue depths, as one renderable; `height` (lines,
    -1: the terminal's) fits it by that priority."""
    now = store.now()
    running = runs.running(store)
    checks = health_service.evaluate(store, settings)
    alerts = [c for c in checks if not c.ok]
    recent = runs.recent(store, since=now - dt.timedelta(hours=24), limit=200)
    failures = [r for r in recent if r["status"] in ("failed", "timed_out", "abandoned")][:8]
    header = [
        Text(f"harvester - {now:%Y-%m-%d %H:%M:%S} UTC - Ctrl-C quits", style="bold"),
        Text(console.safe(budget_service.line(budget_service.report(store, settings)))),
    ]
    sections = [
        (
            f"alerts ({len(alerts)})",
            "alerts",
            ["alert", "severity", "detail"],
            [[a.name, a.severity, a.message] for a in alerts],
            console.STATUS_STYLES,
        ),
        (
            "recent failures (24 h)",
            "failures",
            ["id", "type", "status", "finished", "error"],
            [[r["id"], r["job_type"], r["status"], r["finished_at"], r["error"] or ""] for r in failures],
            console.STATUS_STYLES,
        ),
        (
            f"running ({len(running)})",
            "running jobs",
            ["id", "type", "host", "pid", "slot", "started", "ok", "failed"],
            [
                [
                    r["id"],
                    r["job_type"],
                    r["host"],
                    r["pid"],
                    r["slot"],
                    r["started_at"],
                    r["items_ok"],
                    r["items_failed"],
                ]
                for r in running
            ],
            {},
        ),
        ("queues", "queues", ["queue", "depth"], [list(item) for item in queues.depths(store).items()], {}),
    ]
    return Dashboard(header, sections, height)


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
            # a terminal's height, or LINES when set (`watch --once` in a script: no limit)
            console.show(snapshot(store, settings, console.terminal_height()))
            return
        try:
            with Live(
                snapshot(store, settings, -1),
                console=console.out(),
                refresh_per_second=4,
                screen=False,
                transient=False,
            ) as live:
                while True:
                    time.sleep(interval)
                    live.update(snapshot(store, settings, -1))
        except KeyboardInterrupt:
            pass
