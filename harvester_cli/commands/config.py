from __future__ import annotations

from typing import Annotated, Optional

import typer

from harvester_cli import console
from harvester_cli.commands.common import context, who
from harvester_cli.services import config as config_service

app = typer.Typer(help="Runtime configuration: effective values, where each comes from, overrides.",
                  no_args_is_help=True)


def _render(items: list[dict]) -> None:
    console.show(console.table(None, ["key", "value", "origin", "description"],
                               [[i["key"], i["value"], i["origin"], i["description"]] for i in items]))


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """Every setting's effective value and origin; secrets redacted."""
    c = context(ctx)
    items = config_service.describe(c.settings())
    if c.json:
        console.print_json(items)
    else:
        _render(items)


@app.command("get")
def get(ctx: typer.Context, key: Annotated[str, typer.Argument(help="Setting key or variable name.")]) -> None:
    """One setting's effective value and origin (system_config, environment, env file or default).

    Example: harvester config get max_concurrent_discovery_jobs   (--json for scripts)
    """
    c = context(ctx)
    item = config_service.get(c.settings(), key)
    if c.json:
        console.print_json(item)
    else:
        _render([item])


@app.command("set", context_settings={"ignore_unknown_options": True})
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Setting key, e.g. max_concurrent_discovery_jobs.")],
    value: Annotated[str, typer.Argument(help="New value, validated like the environment.")],
    description: Annotated[Optional[str], typer.Option("--description", help="Why it was changed.")] = None,
) -> None:
    """Override a setting at runtime, without a redeploy (stored in system_config).

    Example: harvester config set max_concurrent_discovery_jobs 8 --description "backlog"
    """
    c = context(ctx)
    item = config_service.set_value(c.store(), c.settings(), key, value, description=description, by=who())
    if c.json:
        console.print_json(item)
    elif not c.quiet:
        console.line(f"{item['key']} = {item['value']} (system_config)")


@app.command("unset")
def unset(ctx: typer.Context, key: Annotated[str, typer.Argument(help="Setting key.")]) -> None:
    """Remove a runtime override; the environment/.env or default applies again."""
    c = context(ctx)
    removed = config_service.unset(c.store(), key, by=who())
    if c.json:
        console.print_json({"key": key.lower(), "removed": removed})
    elif not c.quiet:
        console.line(f"{key.lower()}: override removed" if removed else f"{key.lower()}: no override was set")
