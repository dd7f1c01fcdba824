"""The kill switch: one flag in `system_config`, read at start and between items."""

from __future__ import annotations

from typing import Any

from harvester_cli.store import config as config_store
from harvester_cli.store import logs
from harvester_cli.store.base import Store


def status(store: Store) -> dict[str, Any]:
    state = config_store.get_json(store, config_store.KILL_SWITCH_KEY, None) or {}
    return {
        "active": bool(state.get("active", False)),
        "reason": state.get("reason"),
        "requested_by": state.get("requested_by"),
        "changed_at": state.get("changed_at"),
    }


def is_active(store: Store) -> bool:
    return status(store)["active"]


def set_state(store: Store, active: bool, *, reason: str | None, by: str | None) -> dict[str, Any]:
    state = {"active": active, "reason": reason, "requested_by": by,
             "changed_at": store.now().isoformat(timespec="seconds") + "Z"}
    config_store.put_json(store, config_store.KILL_SWITCH_KEY, state, by=by)
    verb = "activated" if active else "deactivated"
    logs.write(store, f"kill_switch.{'on' if active else 'off'}",
               f"kill switch {verb} by {by or 'unknown'}: {reason or 'no reason given'}",
               level="warning" if active else "info", details=state)
    return status(store)
