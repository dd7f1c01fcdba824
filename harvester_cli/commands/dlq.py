from __future__ import annotations

from typing import Annotated

import typer

from harvester_cli import console, errors
from harvester_cli.commands.common import MAX_ID, context, int_parser, who
from harvester_cli.services import dlq as dlq_service
from harvester_cli.services import pipeline

app = typer.Typer(help="The dead-letter queue: items that still failed after retries.", no_args_is_help=True)

_ID = int_parser("ID", 1, MAX_ID)  # ASCII digits within the store's 64-bit range, else exit 2

LIST_KEYS = ("id", "job_type", "item_key", "status", "attempts", "error_type", "error", "created_at", "updated_at")


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help="pending, retrying, resolved or discarded.")] = None,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", parser=int_parser("--limit"), help="Most recent items shown.")
    ] = 100,
) -> None:
    """List dead-letter items, newest first."""
    c = context(ctx)
    items = dlq_service.list_items(c.store(), status=status, limit=limit)
    if c.json:
        console.print_json([{k: i[k] for k in LIST_KEYS} for i in items])
        return
    console.show(
        console.table(
            None,
            ["id", "job type", "item", "status", "attempts", "error", "created (UTC)"],
            [
                [i["id"], i["job_type"], i["item_key"], i["status"], i["attempts"], _error(i), i["created_at"]]
                for i in items
            ],
            console.STATUS_STYLES,
        )
    )


@app.command("show")
def show(
    ctx: typer.Context, item_id: Annotated[int, typer.Argument(metavar="ID", parser=_ID, help="Dead-letter item id.")]
) -> None:
    """One item with its error and replayable payload."""
    c = context(ctx)
    item = dlq_service.show(c.store(), item_id)
    if c.json:
        console.print_json(item)
        return
    console.show(
        console.table(
            f"dead-letter item {item_id}",
            ["field", "value"],
            [[k, v] for k, v in item.items() if k != "payload"],
            console.STATUS_STYLES,
            text=["value"],
        )
    )
    # The payload as indented JSON, one terminal line per JSON line (its strings keep their
    # escapes, so nothing in it reaches the terminal unescaped).
    console.line("payload (replayed by `harvester dlq retry`):")
    for text in console.to_json(item["payload"]).splitlines():
        console.line(text)


def _error(item: dict) -> str:
    return ": ".join(str(part) for part in (item["error_type"], item["error"]) if part)


@app.command("retry")
def retry(
    ctx: typer.Context,
    item_ids: Annotated[list[int] | None, typer.Argument(metavar="ID...", parser=_ID, help="Items to replay.")] = None,
    all_pending: Annotated[bool, typer.Option("--all", help="Replay every pending item.")] = False,
) -> None:
    """Run items again exactly as they failed; those that succeed are resolved.

    Example: harvester dlq retry --all
    """
    c = context(ctx)
    if item_ids and all_pending:
        raise errors.BadInput("give dead-letter ids or --all, not both")
    items = dlq_service.pending_for_retry(c.store(), item_ids or [], all_pending=all_pending)
    if not items:
        if c.json:
            console.print_json([])
        elif not c.quiet:
            console.line("no pending dead-letter items")
        return
    results = pipeline.replay(c, items)
    code = max((r.exit_code for r in results), default=0)
    if c.json:
        console.print_json([r.as_json() for r in results])
    elif not c.quiet or code:
        for r in results:
            console.line(
                f"replayed {r.job_type} run {r.run_id}: {r.status} (ok {r.items_ok}, failed {r.items_failed})"
                + (f" - {r.message}" if r.message else "")
            )
    raise typer.Exit(code)


@app.command("discard")
def discard(
    ctx: typer.Context,
    item_ids: Annotated[list[int], typer.Argument(metavar="ID...", parser=_ID, help="Items to give up on.")],
) -> None:
    """Give up on pending items: they stop counting as pending and are never replayed.

    An id that is already resolved or discarded is bad input (exit 2) and nothing is discarded.
    """
    c = context(ctx)
    n = dlq_service.discard(c.store(), item_ids, by=who())
    if c.json:
        console.print_json({"discarded": n})
    elif not c.quiet:
        console.line(f"discarded {n} item(s)")
