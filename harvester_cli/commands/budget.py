"""`harvester budget`: where today's API requests went and what they brought back."""

from __future__ import annotations

import typer

from harvester_cli import console
from harvester_cli.commands.common import context
from harvester_cli.services import budget as budget_service


def _value(value) -> str:
    return "-" if value is None else str(value)


def register(app: typer.Typer) -> None:
    @app.command("budget")
    def budget(ctx: typer.Context) -> None:
        """Today's API requests by job type, what is left and when it runs out, the yield per
        request and the discovery ledger's coverage (UTC day; --json for scripts).

        Example: harvester budget --json | jq .left
        """
        c = context(ctx)
        data = budget_service.report(c.store(), c.settings())
        if c.json:
            console.print_json(data)
            return
        share = data["discovery_share"]
        rows = [
            ["budget (UTC day)", f"{data['used']} of {data['budget']} used on {data['day']}, {data['left']} left"],
            [
                "discovery",
                f"{data['by_job_type']['discovery']} requests (share {share['requests']}, "
                f"{share['percent']:g}%, "
                + (
                    "in force: " + str(share["videos_waiting"]) + " videos wait)"
                    if share["in_force"]
                    else "not in force: queue empty)"
                ),
            ],
            ["harvesting", f"{data['by_job_type']['harvesting']} requests"],
            [
                "pace",
                f"{data['pace']['requests_per_hour']} requests/h; {data['pace']['state']}"
                + (f" at {data['pace']['runs_out_at']}" if data["pace"]["runs_out_at"] else ""),
            ],
            ["new videos / discovery request", _value(data["yield"]["new_videos_per_discovery_request"])],
            ["comments / comment request", _value(data["yield"]["comments_per_comment_request"])],
            ["new domains / 100 requests", _value(data["yield"]["new_domains_per_100_requests"])],
        ]
        ledger = data["ledger"]
        if ledger:
            rows += [
                [
                    "ledger",
                    f"{ledger['window_days']} days x {ledger['queries']} queries: {ledger['settled']} settled, "
                    f"{ledger['complete']} complete (re-scan after settling), {ledger['partial']} partial, "
                    f"{ledger['pending']} pending",
                ],
                ["next scan due", ledger["next_due_at"] or "never"],
            ]
        else:
            rows.append(["ledger", "none (only the tiktok source scans by day)"])
        console.show(console.table("API budget", ["", "today"], rows))
