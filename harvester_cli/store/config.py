"""`system_config`: runtime overrides, the kill switch and small bits of job state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from harvester_cli.redact import scrub
from harvester_cli.store.base import Store, dumps, loads, storable
from harvester_cli.store.tables import system_config
from harvester_cli.store.upsert import upsert

KILL_SWITCH_KEY = "kill_switch"
INTERNAL_KEYS = (KILL_SWITCH_KEY, "health_alert_state")
#: system_config.updated_by is VARCHAR(128); descriptions are cut here
BY_LENGTH = 128
DESCRIPTION_LENGTH = 1000


def all_rows(store: Store) -> dict[str, str]:
    """Every override row except internal state."""
    with store.read() as conn:
        rows = conn.execute(select(system_config.c.key, system_config.c.value)).all()
    return {k: v for k, v in rows if k not in INTERNAL_KEYS}


def rows_detail(store: Store) -> dict[str, dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(select(system_config)).mappings().all()
    return {r["key"]: dict(r) for r in rows if r["key"] not in INTERNAL_KEYS}


def put(store: Store, key: str, value: str, *, description: str | None = None, by: str | None = None) -> None:
    """Upsert a row. Who and why are operator text: made storable (a byte that was not UTF-8
    becomes U+FFFD), redacted and cut to their columns, never refused."""
    if description is not None:
        description = storable(scrub(description))[:DESCRIPTION_LENGTH]
    if by is not None:
        by = storable(by)[:BY_LENGTH]
    with store.tx() as conn:
        upsert(
            conn,
            system_config,
            {
                "key": key,
                "value": storable(value),
                "description": description,
                "updated_at": store.now(),
                "updated_by": by,
            },
            ["key"],
        )


def remove(store: Store, key: str) -> bool:
    with store.tx() as conn:
        return conn.execute(delete(system_config).where(system_config.c.key == key)).rowcount == 1


def get_json(store: Store, key: str, default: Any = None) -> Any:
    with store.read() as conn:
        value = conn.execute(select(system_config.c.value).where(system_config.c.key == key)).scalar()
    return loads(value, default)


def put_json(store: Store, key: str, value: Any, *, by: str | None = None) -> None:
    put(store, key, dumps(value), by=by)
