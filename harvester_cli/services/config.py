"""Runtime configuration: every setting's effective value and origin; overrides in system_config."""

from __future__ import annotations

from typing import Any

from harvester_cli import errors
from harvester_cli import settings as settings_mod
from harvester_cli.store import config as config_store
from harvester_cli.store import logs
from harvester_cli.store.base import Store


def describe(settings: settings_mod.Settings) -> list[dict[str, Any]]:
    return [
        {
            "key": s.key,
            "env": s.env,
            "value": settings.shown(s.env),
            "origin": settings.origin(s.env),
            "secret": s.secret,
            "runtime": s.runtime,
            "description": s.help,
        }
        for s in settings_mod.SETTINGS
    ]


def get(settings: settings_mod.Settings, name: str) -> dict[str, Any]:
    setting = settings_mod.find_setting(name)
    return next(item for item in describe(settings) if item["key"] == setting.key)


def set_value(
    store: Store,
    settings: settings_mod.Settings,
    name: str,
    raw: str,
    *,
    description: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """Validate like the environment does, refuse secrets and start-up-only settings, store it."""
    setting = settings_mod.find_setting(name)
    if setting.secret:
        raise errors.ConfigError(
            f"{setting.env} is a secret and is never stored in the database; set it in the environment or the .env file"
        )
    if not setting.runtime:
        raise errors.ConfigError(f"{setting.env} is read at start-up only; set it in the environment or the .env file")
    value = settings_mod.parse_value(setting, raw, "config set")
    stored = ",".join(value) if isinstance(value, tuple) else str(value)
    config_store.put(store, setting.key, stored, description=description, by=by)
    logs.write(
        store,
        "config.set",
        f"{setting.key} set to {stored!r} by {by or 'unknown'}",
        details={"key": setting.key, "value": stored, "description": description},
    )
    updated = settings.with_overrides({setting.key: stored})
    return get(updated, setting.key)


def unset(store: Store, name: str, *, by: str | None = None) -> bool:
    setting = settings_mod.find_setting(name)
    removed = config_store.remove(store, setting.key)
    if removed:
        logs.write(store, "config.unset", f"{setting.key} override removed by {by or 'unknown'}")
    return removed
