"""Helpers every command shares: the context, job runs, and rendering a run's result."""

from __future__ import annotations

import getpass
import os
import re
from typing import Any

import typer

from harvester_cli import console, errors
from harvester_cli.context import Context
from harvester_cli.runtime import runner


def context(ctx: typer.Context) -> Context:
    return ctx.find_root().obj


def job_context(ctx: typer.Context) -> Context:
    """The context of a job command (and `init`): it may create a store that does not exist."""
    c = context(ctx)
    c.creates_store = True
    return c


def who() -> str:
    try:
        return os.environ.get("SUDO_USER") or getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return f"uid {os.getuid()}"


def run(ctx: typer.Context, job_type: str, params: dict[str, Any], work: runner.Work) -> runner.RunResult:
    c = context(ctx)
    return runner.run_job(c.store(), c.settings(), c.slots(), job_type, params, work, secrets=c.secrets())


def finish(ctx: typer.Context, result: runner.RunResult, summary: str | None = None) -> None:
    """Print the run (JSON or one line) and exit with its code."""
    c = context(ctx)
    if c.json:
        console.print_json(result.as_json())
    elif not c.quiet or result.exit_code not in (errors.EXIT_OK,):
        text = (f"{result.job_type} run {result.run_id}: {result.status} "
                f"(ok {result.items_ok}, failed {result.items_failed}, {result.duration_seconds:.1f}s)")
        if summary:
            text += f" {summary}"
        if result.message:
            text += f" - {result.message}"
        if result.exit_code in (errors.EXIT_OK,):
            console.line(text)
        else:
            console.warn_line(text, "yellow" if result.status in ("skipped", "cancelled") else "red")
    raise typer.Exit(result.exit_code)


def check_choice(value: str | None, options: tuple[str, ...], what: str) -> None:
    """An option limited to a fixed set: anything else is bad input (exit 2)."""
    if value is not None and value not in options:
        raise errors.BadInput(f"unknown {what} {value!r}; use one of {', '.join(options)}")


_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$")


def parse_duration(text: str, option: str) -> int:
    """'7d', '12h', '30m', '90' (days) -> seconds."""
    match = _DURATION.match(text or "")
    if not match:
        raise errors.BadInput(f"{option} {text!r} is not a duration; use e.g. 30m, 12h, 7d or 2w")
    n, unit = int(match.group(1)), match.group(2) or "d"
    return n * {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
