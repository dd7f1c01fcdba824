from __future__ import annotations

import logging
from typing import Annotated

import typer

from harvester_cli import console, errors
from harvester_cli.commands.common import job_context
from harvester_cli.runtime import runner
from harvester_cli.services import health as health_service

log = logging.getLogger(__name__)


def render(result: dict) -> None:
    rows = [[c["name"], "ok" if c["ok"] else c["severity"], c["message"]] for c in result["checks"]]
    title = "healthy" if result["healthy"] else f"{len(result['alerts'])} alert(s)"
    console.show(console.table(title, ["check", "state", "detail"], rows, {"ok": "green", **console.STATUS_STYLES}))


def problems(result: dict) -> list[str]:
    """One line per alert, and one for a webhook that could not be reached (what -q prints)."""
    lines = [f"health: {a['severity']} {a['name']}: {a['message']}" for a in result["alerts"]]
    error = (result.get("notification") or {}).get("error")
    if error:
        lines.append(f"health: alert webhook not notified: {error}")
    return lines


def register(app: typer.Typer) -> None:
    @app.command("health")
    def health(
        ctx: typer.Context,
        notify: Annotated[
            bool,
            typer.Option(
                "--notify",
                help="Post to HARVESTER_ALERT_WEBHOOK_URL when an alert starts or resolves "
                "(nothing to do when it is not set).",
            ),
        ] = False,
    ) -> None:
        """Evaluate every alert condition; exit 1 when any alert fires. Runs even with the kill switch on.

        With -q: nothing when all is well, else one line per alert (timestamped under cron).

        Crontab: */5 * * * *  harvester -q health --notify
        """
        c = job_context(ctx)
        settings = c.settings()
        url = settings["HARVESTER_ALERT_WEBHOOK_URL"] if notify else None
        if notify and not url:  # the crontab as shipped, before a webhook is configured
            log.debug("health --notify: HARVESTER_ALERT_WEBHOOK_URL is not set; nothing is posted")
        holder: dict = {}

        def work(rc):
            holder.update(health_service.run_health(rc, notify_url=url))
            return "healthy" if holder["healthy"] else f"{len(holder['alerts'])} alert(s)"

        result = runner.run_job(
            c.store(),
            settings,
            c.slots(),
            "health",
            {"notify": notify},
            work,
            secrets=c.secrets(),
            check_kill_switch=False,
        )
        if result.exit_code != errors.EXIT_OK or not holder:
            from harvester_cli.commands.common import finish

            finish(ctx, result)
        code = errors.EXIT_OK if holder["healthy"] else errors.EXIT_FAILED
        if c.json:
            console.print_json(dict(holder, run_id=result.run_id))
        elif c.quiet:
            for line in problems(holder):
                console.warn_line(line, "red")
        else:
            render(holder)
        raise typer.Exit(code)
