"""The kill switch: one flag in `system_config`, read at start and between items.

Every request is an event in `system_logs` (`kill_switch.on`, `kill_switch.off`, and
`kill_switch.repeat` for an `on` while already on or an `off` while already off). A repeat
never overwrites the state: the first activation's reason, author and time stay what
`status` and `health` show, and the repeat is kept in the log.
"""

from __future__ import annotations

from typing import Any

from harvester_cli.store import config as config_store
from harvester_cli.store import logs
from harvester_cli.store.base import Store, loads, storable

EVENT_PREFIX = "kill_switch."
#: the switch always engages: a reason or author that is not UTF-8 or too long is cleaned, never refused
REASON_LENGTH = 1000
BY_LENGTH = config_store.BY_LENGTH
# How far back `history` looks in system_logs for the switch's events (newest first).
HISTORY_SCAN = 5000


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


def describe(state: dict[str, Any], *, active_word: str = "active") -> str:
    """One line for people: 'active since T (by alice): reason', never a literal None."""
    text = active_word if state.get("active") else "off"
    if state.get("changed_at"):
        text += f" since {state['changed_at']} (by {state.get('requested_by') or 'unknown'})"
    if state.get("reason"):
        text += f": {state['reason']}"
    elif state.get("active"):
        text += ": no reason given"
    return text


def clean(text: str | None, limit: int) -> str | None:
    """Operator text fit for every store: a byte that was not UTF-8 (argv decodes it as a lone
    surrogate) becomes U+FFFD, NUL too, and the text is cut to `limit` characters."""
    if text is None:
        return None
    text = storable(str(text))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def set_state(store: Store, active: bool, *, reason: str | None, by: str | None) -> dict[str, Any]:
    """Turn the switch on or off; returns the state with `changed` (False for a repeat).

    Never refuses its input: reason and author are cleaned and cut (see `clean`)."""
    reason, by = clean(reason, REASON_LENGTH), clean(by, BY_LENGTH)
    now = store.now().isoformat(timespec="seconds") + "Z"
    current = config_store.get_json(store, config_store.KILL_SWITCH_KEY, None)
    if current is not None and bool(current.get("active", False)) == active:
        kept = status(store)
        verb = "on" if active else "off"
        logs.write(
            store,
            "kill_switch.repeat",
            f"kill switch {verb} requested again by {by or 'unknown'} "
            f"({reason or 'no reason given'}); kept: {describe(kept)}",
            level="warning" if active else "info",
            details={"active": active, "reason": reason, "requested_by": by, "changed_at": now, "kept": kept},
        )
        return dict(kept, changed=False)
    state = {"active": active, "reason": reason, "requested_by": by, "changed_at": now}
    config_store.put_json(store, config_store.KILL_SWITCH_KEY, state, by=by)
    verb = "activated" if active else "deactivated"
    logs.write(
        store,
        f"kill_switch.{'on' if active else 'off'}",
        f"kill switch {verb} by {by or 'unknown'}: {reason or 'no reason given'}",
        level="warning" if active else "info",
        details=state,
    )
    return dict(status(store), changed=True)


def history(store: Store, limit: int = 5) -> list[dict[str, Any]]:
    """The switch's last `limit` events from system_logs, newest first: `at`, `event` (on, off,
    repeat), `active`, `requested_by`, `reason`. Looks at the last HISTORY_SCAN log events."""
    found: list[dict[str, Any]] = []
    for row in logs.recent(store, limit=HISTORY_SCAN):
        if not row["event"].startswith(EVENT_PREFIX):
            continue
        details = loads(row["details"], {}) or {}
        event = row["event"][len(EVENT_PREFIX) :]
        active = details.get("active")
        found.append(
            {
                "at": row["created_at"],
                "event": event,
                "active": bool(active) if active is not None else event == "on",
                "requested_by": details.get("requested_by"),
                "reason": details.get("reason"),
            }
        )
        if len(found) >= limit:
            break
    return found
