from __future__ import annotations

from typing import Annotated, Optional

import typer

from harvester_cli import console
from harvester_cli.commands.common import context, who
from harvester_cli.runtime import killswitch

app = typer.Typer(help="Emergency stop: every job skips (exit 3) and running ones stop after their current item.",
                  no_args_is_help=True)


def _render(ctx: typer.Context, state: dict) -> None:
    c = context(ctx)
    if c.json:
        console.print_json(state)
    elif not c.quiet:
        text = "kill switch " + ("ACTIVE" if state["active"] else "off")
        if state["changed_at"]:
            text += f" since {state['changed_at']} (by {state['requested_by'] or 'unknown'})"
        if state["reason"]:
            text += f": {state['reason']}"
        console.line(text)


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Show whether the kill switch is active, why, and who set it."""
    _render(ctx, killswitch.status(context(ctx).store()))


@app.command("on")
def on(
    ctx: typer.Context,
    reason: Annotated[Optional[str], typer.Option("--reason", help="Why (shown to everyone).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who asked (default: the current user).")] = None,
) -> None:
    """Stop all jobs now: new runs skip, running ones stop after their current item.

    Example: harvester kill-switch on --reason "API ban risk" --by alice
    """
    _render(ctx, killswitch.set_state(context(ctx).store(), True, reason=reason, by=by or who()))


@app.command("off")
def off(
    ctx: typer.Context,
    reason: Annotated[Optional[str], typer.Option("--reason", help="Why work may resume.")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who asked (default: the current user).")] = None,
) -> None:
    """Let jobs run again."""
    _render(ctx, killswitch.set_state(context(ctx).store(), False, reason=reason, by=by or who()))
