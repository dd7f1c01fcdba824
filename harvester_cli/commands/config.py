from __future__ import annotations

from typing import Annotated

import typer

from harvester_cli import console, errors
from harvester_cli import settings as settings_mod
from harvester_cli.commands.common import context, who
from harvester_cli.services import config as config_service

app = typer.Typer(
    help="Runtime configuration: effective values, where each comes from, overrides.", no_args_is_help=True
)


#: the longest value `config set` stores (system_config.value is text; nothing needs more)
MAX_VALUE_LENGTH = 4000


def _with_ignored(settings, items: list[dict]) -> list[dict]:
    """A system_config row that is never applied (a secret, an endpoint that receives credentials or
    a start-up setting, e.g. left by an older version) is shown as ignored, with the reason."""
    for item in items:
        if item["key"] in settings.ignored:
            item["ignored_system_config"] = settings.ignored[item["key"]]
    return items


def _render(items: list[dict]) -> None:
    console.show(
        console.table(
            None,
            ["key", "value", "origin", "description"],
            [
                [
                    i["key"],
                    i["value"],
                    i["origin"] + ("; system_config row IGNORED" if "ignored_system_config" in i else ""),
                    i["description"],
                ]
                for i in items
            ],
        )
    )
    for item in items:
        if "ignored_system_config" in item:
            console.warn_line(
                f"system_config row {item['key']} is ignored: {item['ignored_system_config']}; "
                f"remove it with `harvester config unset {item['key']}`"
            )


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """Every setting's effective value and origin; secrets redacted."""
    c = context(ctx)
    items = _with_ignored(c.settings(), config_service.describe(c.settings()))
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
    item = _with_ignored(c.settings(), [config_service.get(c.settings(), key)])[0]
    if c.json:
        console.print_json(item)
    else:
        _render([item])


@app.command("set", context_settings={"ignore_unknown_options": True})
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Setting key, e.g. max_concurrent_discovery_jobs.")],
    value: Annotated[str, typer.Argument(help="New value, validated like the environment.")],
    description: Annotated[str | None, typer.Option("--description", help="Why it was changed.")] = None,
) -> None:
    """Override a setting at runtime, without a redeploy (stored in system_config).

    Example: harvester config set max_concurrent_discovery_jobs 8 --description "backlog"

    Secrets, endpoints that receive credentials (TIKTOK_API_BASE_URL, WORKER_WEBHOOK_URL, webhook
    and ping URLs) and start-up settings are refused (exit 2): set them in the environment or env file.
    """
    c = context(ctx)
    setting = settings_mod.find_setting(key)
    refusal = settings_mod.override_refusal(setting)
    if refusal is not None:
        raise errors.ConfigError(refusal)
    if len(value) > MAX_VALUE_LENGTH:
        raise errors.BadInput(
            f"the value for {setting.key} is {len(value)} characters long; at most {MAX_VALUE_LENGTH}"
        )
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
