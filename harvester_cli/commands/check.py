"""`harvester check`: the preflight for deploys, CI smoke runs and new operators."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from harvester_cli import console, errors
from harvester_cli.commands.common import context
from harvester_cli.services import check as check_service

STYLES = {"ok": "green", "warn": "yellow", "fail": "red"}


def render(report: check_service.Report) -> None:
    counts = report.counts()
    if report.ok:
        title = "all checks passed" + (f" ({counts['warn']} warning(s))" if counts["warn"] else "")
    else:
        title = f"{counts['fail']} check(s) failed" + (f", {counts['warn']} warning(s)" if counts["warn"] else "")
    rows = [[c.name, c.status, c.detail] for c in report.checks]
    console.show(console.table(title, ["check", "status", "detail"], rows, STYLES))


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        ctx: typer.Context,
        offline: Annotated[
            bool,
            typer.Option("--offline", help="Skip the network: no token request, worker request, webhook or ping host."),
        ] = False,
        send_test: Annotated[
            bool, typer.Option("--send-test", help="Post a test message (clearly marked as one) to the alert webhook.")
        ] = False,
    ) -> None:
        """Preflight: every setting (with the origin of each bad one), the store's schema, the
        lock directory, the source (a TikTok token request only, never quota), the webhook and
        ping URLs (reachable; a ping check itself is never pinged). Creates nothing, records no run.

        Exit codes: 0 all is well (warnings allowed), 1 a check failed, 2 a setting is invalid or missing.

        Example: harvester check --offline --json | jq '.checks[] | select(.status != "ok")'
        """
        c = context(ctx)
        if offline and send_test:
            raise errors.BadInput("--send-test needs the network; drop --offline")
        try:  # valid settings: their secrets are scrubbed from -v log lines too
            c.base_settings()
        except errors.HarvesterError:  # the report names every bad setting; without the settings
            # the log scrubber knows no secret, so no request line (a webhook URL) is logged
            logging.getLogger("httpx").setLevel(logging.WARNING)
        report = check_service.run(
            os.environ, c.env_file, database_url=c.database_url, offline=offline, send_test=send_test
        )
        if c.json:
            console.print_json(report.as_json())
        elif not c.quiet or not report.ok:
            render(report)
        raise typer.Exit(report.exit_code)
