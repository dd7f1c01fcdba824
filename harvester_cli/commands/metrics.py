"""`harvester metrics`: the store's numbers in the Prometheus exposition format, rendered by
prometheus_client (a private registry and one collector filled from services/metrics.py), on
stdout or atomically into a file for node_exporter's textfile collector.

prometheus_client is imported when the command runs: every other command starts without it."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from harvester_cli import __version__, console, errors
from harvester_cli.commands.common import context
from harvester_cli.services import metrics as metrics_service

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry
    from prometheus_client.core import Metric


def _seconds(value: dt.datetime) -> float:
    """A stored (naive UTC) datetime as Unix seconds."""
    return value.replace(tzinfo=dt.UTC).timestamp()


def families(data: dict[str, Any]) -> Iterator[Metric]:
    """Every metric family of `data` (what `services.metrics.collect` returns)."""
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

    jobs = data["jobs"]
    last_success = GaugeMetricFamily(
        "harvester_job_last_success_timestamp_seconds",
        "When the latest successful run of this job type finished (absent: none kept).",
        labels=["job_type"],
    )
    last_run = GaugeMetricFamily(
        "harvester_job_last_run_timestamp_seconds",
        "When the latest run of this job type started, skipped runs included.",
        labels=["job_type"],
    )
    last_duration = GaugeMetricFamily(
        "harvester_job_last_duration_seconds",
        "How long the latest finished run of this job type worked (succeeded, failed, cancelled or timed out).",
        labels=["job_type"],
    )
    runs_total = CounterMetricFamily(
        "harvester_job_runs",
        "Runs by status, over the runs the store keeps (cleanup removes those older than harvester_retention_days).",
        labels=["job_type", "status"],
    )
    items_total = CounterMetricFamily(
        "harvester_job_items",
        "Items done (result ok) or failed by runs, over the runs the store keeps.",
        labels=["job_type", "result"],
    )
    running = GaugeMetricFamily("harvester_job_running", "Runs of this job type in progress.", labels=["job_type"])
    for job_type, item in sorted(jobs.items()):
        if item["last_success_at"] is not None:
            last_success.add_metric([job_type], _seconds(item["last_success_at"]))
        if item["last_run_at"] is not None:
            last_run.add_metric([job_type], _seconds(item["last_run_at"]))
        if item["last_duration_seconds"] is not None:
            last_duration.add_metric([job_type], item["last_duration_seconds"])
        for status, count in item["runs"].items():
            runs_total.add_metric([job_type, status], count)
        items_total.add_metric([job_type, "ok"], item["items_ok"])
        items_total.add_metric([job_type, "failed"], item["items_failed"])
        running.add_metric([job_type], item["running"])
    yield from (last_success, last_run, last_duration, runs_total, items_total, running)

    queues = GaugeMetricFamily(
        "harvester_queue_depth", "Items in each work queue (harvester jobs shows them).", labels=["queue"]
    )
    for name, depth in data["queues"].items():
        queues.add_metric([name], depth)
    yield queues
    dead = GaugeMetricFamily("harvester_dead_letter_items", "Dead-letter queue items by status.", labels=["status"])
    for status, count in data["dead_letter"].items():
        dead.add_metric([status], count)
    yield dead

    api = data["api"]
    requests = GaugeMetricFamily(
        "harvester_api_requests_today",
        "API requests spent today (UTC day) by job type, across every run and host.",
        labels=["job_type"],
    )
    for job_type, count in api["requests_today"].items():
        requests.add_metric([job_type], count)
    yield requests
    yield GaugeMetricFamily(
        "harvester_api_budget_requests",
        "The daily API request budget (HARVESTER_DAILY_REQUEST_BUDGET).",
        value=api["budget"],
    )
    yield GaugeMetricFamily(
        "harvester_api_discovery_share_requests",
        "The most requests discovery spends per day while videos wait to be harvested.",
        value=api["discovery_share"],
    )
    if data["discovery_days"] is not None:
        days = GaugeMetricFamily(
            "harvester_discovery_days",
            "Days of the discovery window by ledger state, over every query (tiktok source).",
            labels=["state"],
        )
        for state, count in data["discovery_days"].items():
            days.add_metric([state], count)
        yield days

    yield GaugeMetricFamily(
        "harvester_kill_switch_active",
        "1 while the kill switch is on (every run skips).",
        value=1 if data["kill_switch"]["active"] else 0,
    )
    held = data["store"]
    yield GaugeMetricFamily("harvester_videos", "Videos in the store.", value=held["videos"])
    yield GaugeMetricFamily("harvester_comments", "Comments in the store.", value=held["comments"])
    yield GaugeMetricFamily("harvester_domains", "Domains found (cleanup keeps them).", value=held["domains"])
    yield GaugeMetricFamily(
        "harvester_domain_mentions",
        "Comments mentioning a domain, once per comment and domain.",
        value=held["domain_mentions"],
    )
    info = GaugeMetricFamily(
        "harvester_build_info", "The harvester version that wrote these metrics.", labels=["version"]
    )
    info.add_metric([__version__], 1)
    yield info


class _Collector:
    """One collection of values, rendered as often as the registry is asked."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def collect(self) -> Iterator[Metric]:
        return families(self.data)


def registry_for(data: dict[str, Any]) -> CollectorRegistry:
    from prometheus_client import CollectorRegistry

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(data))
    return registry


def check_textfile(path: Path) -> None:
    """Refuse a --textfile that cannot be written before the store is read (exit 2)."""
    if path.is_dir():
        raise errors.BadInput(f"--textfile {path} is a directory; give a file in it, e.g. {path / 'harvester.prom'}")
    parent = path.parent
    if not parent.is_dir():
        raise errors.BadInput(
            f"--textfile {path}: directory {parent} does not exist; create it or point "
            "--textfile at node_exporter's --collector.textfile.directory"
        )


def write_textfile(path: Path, registry: CollectorRegistry) -> None:
    """Write a temporary file next to `path` and rename it over `path` (prometheus_client's
    write_to_textfile): node_exporter reads the old file or the new one, never half of one.
    The file is readable by all (node_exporter runs as another user); it holds no secret."""
    from prometheus_client import write_to_textfile

    check_textfile(path)
    umask = os.umask(0o022)
    try:
        write_to_textfile(str(path), registry)
    except (PermissionError, IsADirectoryError, NotADirectoryError, FileNotFoundError) as exc:
        raise errors.BadInput(
            f"cannot write --textfile {path}: {exc.strerror}; check the directory's owner and permissions"
        ) from None
    except OSError as exc:
        raise errors.HarvesterError(f"cannot write --textfile {path}: {exc.strerror or exc}") from None
    finally:
        os.umask(umask)


def register(app: typer.Typer) -> None:
    @app.command("metrics")
    def metrics(
        ctx: typer.Context,
        textfile: Annotated[
            Path | None,
            typer.Option(
                "--textfile",
                metavar="PATH",
                help="Write the metrics to PATH (atomically: a temporary file renamed over it) for node_exporter's "
                "textfile collector, instead of printing them. PATH should end in .prom, in an existing "
                "directory.",
            ),
        ] = None,
    ) -> None:
        """Prometheus metrics: per job type the last run, success and duration, runs by status and items;
        queue depths, dead-letter items, today's API requests and the budget, the kill switch, domains.

        Prints the text exposition format (with --json, the same values as JSON).

        Example: harvester -q metrics --textfile /var/lib/node_exporter/textfile_collector/harvester.prom
        """
        c = context(ctx)
        if textfile is not None:
            check_textfile(textfile)
        data = metrics_service.collect(c.store(), c.settings())
        registry = registry_for(data)
        if textfile is None:
            if c.json:
                console.print_json(data)
                return
            from prometheus_client import generate_latest

            sys.stdout.write(generate_latest(registry).decode("utf-8"))
            sys.stdout.flush()
            return
        write_textfile(textfile, registry)
        if textfile.suffix != ".prom":
            console.warn_line(f"{textfile} does not end in .prom: node_exporter's textfile collector will not read it")
        if c.json:
            console.print_json({"textfile": str(textfile)})
        elif not c.quiet:
            console.line(f"metrics written to {textfile}")
