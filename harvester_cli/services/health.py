"""Health: evaluate every alert condition, and notify a webhook when alerts start or resolve.

A job type with no successful run at all counts as having none in the window, so a store
where discovery never succeeded alerts. Weekly cleanup alerts only when it has not
succeeded for longer than its threshold (measured from the store's first run when it never
ran). Thresholds are `system_config` keys (`harvester config list` shows them).
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from harvester_cli import errors
from harvester_cli.runtime import killswitch
from harvester_cli.services import budget as budget_service
from harvester_cli.services.jobs import FAILURES, success_rate
from harvester_cli.store import config as config_store
from harvester_cli.store import ledger, queues, runs, usage
from harvester_cli.store.base import Store
from harvester_cli.store.tables import job_status

STATE_KEY = "health_alert_state"


@dataclass
class Check:
    name: str
    ok: bool
    severity: str  # critical | warning
    message: str
    value: Any = None
    threshold: Any = None


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    minutes = seconds / 60
    if minutes < 120:
        return f"{minutes:.0f} min ago"
    if minutes < 2880:
        return f"{minutes / 60:.1f} h ago"
    return f"{minutes / 1440:.1f} days ago"


def _first_run_at(store: Store) -> dt.datetime | None:
    with store.tx() as conn:
        return conn.execute(select(func.min(job_status.c.started_at))).scalar()


UNSCANNED_DAY_ALERT_HOURS = 48


def evaluate(store: Store, settings) -> list[Check]:
    now = store.now()
    checks: list[Check] = []
    ks = killswitch.status(store)
    checks.append(
        Check(
            "kill_switch_active",
            not ks["active"],
            "critical",
            f"kill switch is {killswitch.describe(ks)}",
            ks["active"],
            False,
        )
    )

    last = runs.last_success(store)
    first_run = _first_run_at(store)
    for job_type, key, severity, unit in (
        ("discovery", "HARVESTER_ALERT_DISCOVERY_MINUTES", "critical", 60),
        ("harvesting", "HARVESTER_ALERT_HARVESTING_MINUTES", "critical", 60),
        ("extraction", "HARVESTER_ALERT_EXTRACTION_MINUTES", "warning", 60),
        ("cleanup", "HARVESTER_ALERT_CLEANUP_DAYS", "warning", 86400),
    ):
        limit_s = settings[key] * unit
        at = last.get(job_type)
        age = (now - at).total_seconds() if at else None
        if job_type == "cleanup" and at is None:
            # never ran: only overdue once the store itself is older than the threshold
            ok = first_run is None or (now - first_run).total_seconds() <= limit_s
        else:
            ok = age is not None and age <= limit_s
        shown_limit = f"{settings[key]} {'days' if unit == 86400 else 'min'}"
        checks.append(
            Check(
                f"no_successful_{job_type}",
                ok,
                severity,
                f"last successful {job_type}: {_ago(age)} (alert after {shown_limit})",
                _ago(age),
                shown_limit,
            )
        )

    window = dt.timedelta(hours=settings["HARVESTER_ALERT_SUCCESS_WINDOW_HOURS"])
    min_runs = settings["HARVESTER_ALERT_SUCCESS_MIN_RUNS"]
    floor = settings["HARVESTER_ALERT_SUCCESS_RATE_PERCENT"] / 100
    rows = runs.finished_in_window(store, since=now - window)
    for job_type in ("discovery", "harvesting", "extraction"):
        statuses = [r["status"] for r in rows if r["job_type"] == job_type]
        counted = sum(1 for s in statuses if s == "succeeded" or s in FAILURES)
        rate = success_rate(statuses)
        ok = counted < min_runs or rate is None or rate >= floor
        shown = "-" if rate is None else f"{rate * 100:.0f}%"
        checks.append(
            Check(
                f"low_success_rate_{job_type}",
                ok,
                "warning",
                f"{job_type} success rate {shown} over {counted} runs in {window.total_seconds() / 3600:g} h "
                f"(alert below {floor * 100:g}% with at least {min_runs} runs)",
                shown,
                f"{floor * 100:g}%",
            )
        )

    depth = queues.depths(store)
    pending = depth["dead_letter_pending"]
    dlq_limit = settings["HARVESTER_ALERT_DLQ_PENDING"]
    checks.append(
        Check(
            "dead_letter_queue_backlog",
            pending < dlq_limit,
            "warning",
            f"{pending} pending dead-letter items (alert at {dlq_limit}); `harvester dlq list`",
            pending,
            dlq_limit,
        )
    )

    stale_before = now - dt.timedelta(minutes=settings["HARVESTER_STALE_RUN_MINUTES"])
    running = runs.running(store)
    stale = [r for r in running if r["heartbeat_at"] is None or r["heartbeat_at"] < stale_before]
    checks.append(
        Check(
            "stale_running_runs",
            not stale,
            "warning",
            f"{len(stale)} running runs without a heartbeat for {settings['HARVESTER_STALE_RUN_MINUTES']} min"
            + (f": {[r['id'] for r in stale]}" if stale else ""),
            len(stale),
            0,
        )
    )
    late = [r for r in running if r["deadline_at"] is not None and r["deadline_at"] < now]
    checks.append(
        Check(
            "runs_past_deadline",
            not late,
            "warning",
            f"{len(late)} runs past their timeout" + (f": {[r['id'] for r in late]}" if late else ""),
            len(late),
            0,
        )
    )

    budget = settings["HARVESTER_DAILY_REQUEST_BUDGET"]
    source = settings["HARVESTER_SOURCE"]
    used = usage.used_today(store, source) if source in ("tiktok", "worker") else 0
    share = settings["HARVESTER_ALERT_BUDGET_PERCENT"] / 100
    ok = budget == 0 or used < budget * share
    checks.append(
        Check(
            "api_budget_nearly_spent",
            ok,
            "warning",
            f"{used} of {budget} API requests used today (UTC; alert at {share * 100:g}%)",
            used,
            int(budget * share),
        )
    )

    queries = budget_service.ledger_queries_for(settings)
    if queries:
        days = ledger.window(now.date(), int(settings["HARVESTER_DISCOVERY_DAYS"]))
        settle = dt.timedelta(hours=settings["HARVESTER_DISCOVERY_SETTLE_HOURS"])
        unscanned = ledger.stale(store, queries, days, settle, dt.timedelta(hours=UNSCANNED_DAY_ALERT_HOURS))
        checks.append(
            Check(
                "discovery_day_unscanned",
                not unscanned,
                "warning",
                f"{len(unscanned)} day(s) that can no longer gain videos stayed unscanned for "
                f"{UNSCANNED_DAY_ALERT_HOURS} h after settling"
                + (
                    f": {', '.join(unscanned[:5])}; raise the budget or the discovery share (`harvester budget`)"
                    if unscanned
                    else ""
                ),
                len(unscanned),
                0,
            )
        )
    return checks


def summary(checks: list[Check]) -> dict[str, Any]:
    alerts = [{"name": c.name, "severity": c.severity, "message": c.message} for c in checks if not c.ok]
    return {"healthy": not alerts, "alerts": alerts, "checks": [asdict(c) for c in checks]}


def transitions(store: Store, alerts: list[dict[str, Any]]) -> tuple[list[dict], list[dict], dict]:
    """Alerts that started and resolved since the last notification, and the new state."""
    previous: dict[str, dict] = config_store.get_json(store, STATE_KEY, {}) or {}
    current = {a["name"]: a for a in alerts}
    started = [a for name, a in current.items() if name not in previous]
    resolved = [dict(previous[name], name=name) for name in previous if name not in current]
    now = store.now().isoformat(timespec="seconds") + "Z"
    state = {
        name: {"since": previous.get(name, {}).get("since", now), "severity": a["severity"], "message": a["message"]}
        for name, a in current.items()
    }
    return started, resolved, state


def message(started: list[dict], resolved: list[dict], healthy: bool) -> dict[str, Any]:
    host = socket.gethostname()
    lines = []
    for a in started:
        lines.append(f":rotating_light: [{a['severity']}] {a['name']}: {a['message']}")
    for a in resolved:
        lines.append(f":white_check_mark: resolved {a['name']}")
    head = f"harvester on {host}: " + (
        "all clear" if healthy else f"{len(started)} alert(s) started" if started else "alerts changed"
    )
    return {
        "text": head + "\n" + "\n".join(lines),
        "host": host,
        "healthy": healthy,
        "alerts_started": started,
        "alerts_resolved": resolved,
    }


def notify(
    store: Store, alerts: list[dict[str, Any]], healthy: bool, post: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """Post once when alerts start or resolve; nothing while they stay the same.

    The state is only saved after a successful post, so a webhook that was down gets the
    news on the next run.
    """
    started, resolved, state = transitions(store, alerts)
    if not started and not resolved:
        return {"sent": False, "started": [], "resolved": []}
    payload = message(started, resolved, healthy)
    post(payload)
    config_store.put_json(store, STATE_KEY, state, by="health")
    return {"sent": True, "started": [a["name"] for a in started], "resolved": [a["name"] for a in resolved]}


def run_health(rc, *, notify_url: str | None, transport=None) -> dict[str, Any]:
    """The health job: evaluate, optionally notify (never failing on the webhook), record."""
    checks = evaluate(rc.store, rc.settings)
    result = summary(checks)
    rc.ok(len(checks))
    if notify_url is not None:
        from harvester_cli.sources import webhook

        def post(payload):
            webhook.post(
                notify_url, payload, settings=rc.settings, policy=rc.retry_policy, transport=transport, stop=rc.stop
            )

        try:
            result["notification"] = notify(rc.store, result["alerts"], result["healthy"], post)
            if result["notification"]["sent"]:
                rc.log("health.notified", f"alert webhook notified: {result['notification']}")
        except errors.RunStopped:
            rc.checkpoint()  # the post was cut short by the stop flag: the run's own reason
            raise
        except errors.SourceError as exc:
            result["notification"] = {"sent": False, "error": rc.scrub(str(exc))}
            rc.log("health.notify_failed", f"alert webhook failed after retries: {rc.scrub(str(exc))}", level="error")
    for alert in result["alerts"]:
        rc.log("health.alert", f"{alert['name']}: {alert['message']}", level="warning")
    return result
