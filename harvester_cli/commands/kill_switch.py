from __future__ import annotations

from typing import Annotated

import typer

from harvester_cli import console
from harvester_cli.commands.common import context, who
from harvester_cli.runtime import killswitch

app = typer.Typer(
    help="Emergency stop: every job skips (exit 3) and running ones stop after their current item.",
    no_args_is_help=True,
)


STATE_KEYS = ("active", "reason", "requested_by", "changed_at")
HISTORY_LIMIT = 5


def _render(ctx: typer.Context, state: dict) -> None:
    """The state after `on`/`off`: JSON keys as `status`; a repeat says the first request was kept."""
    c = context(ctx)
    if c.json:
        console.print_json({k: state[k] for k in STATE_KEYS})
    elif not c.quiet:
        if state.get("changed", True):
            console.line("kill switch " + _describe(state))
        else:
            console.line(
                f"kill switch already {_describe(state)} - kept as it was; "
                "your request is in `harvester kill-switch status` and `harvester logs`"
            )


def _describe(state: dict) -> str:
    return killswitch.describe(state, active_word="ACTIVE")


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Show whether the kill switch is active, why, who set it, and its last few changes."""
    c = context(ctx)
    store = c.store()
    state = killswitch.status(store)
    changes = killswitch.history(store, HISTORY_LIMIT)
    if c.json:
        console.print_json(dict(state, history=changes))
        return
    if c.quiet:
        return
    console.line("kill switch " + _describe(state))
    if changes:
        console.show(
            console.table(
                f"last {len(changes)} kill switch requests",
                ["time (UTC)", "request", "by", "reason"],
                [[ch["at"], _request(ch), ch["requested_by"] or "unknown", ch["reason"] or ""] for ch in changes],
            )
        )


def _request(change: dict) -> str:
    wanted = "on" if change["active"] else "off"
    return f"{wanted} (already {wanted}, not changed)" if change["event"] == "repeat" else wanted


@app.command("on")
def on(
    ctx: typer.Context,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (shown to everyone).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who asked (default: the current user).")] = None,
) -> None:
    """Stop all jobs now: new runs skip, running ones stop after their current item.

    Example: harvester kill-switch on --reason "API ban risk" --by alice
    """
    _render(ctx, killswitch.set_state(context(ctx).store(), True, reason=reason, by=by or who()))


@app.command("off")
def off(
    ctx: typer.Context,
    reason: Annotated[str | None, typer.Option("--reason", help="Why work may resume.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who asked (default: the current user).")] = None,
) -> None:
    """Let jobs run again."""
    _render(ctx, killswitch.set_state(context(ctx).store(), False, reason=reason, by=by or who()))
