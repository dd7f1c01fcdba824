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
        text = (
            f"{result.job_type} run {result.run_id}: {result.status} "
            f"(ok {result.items_ok}, failed {result.items_failed}, {result.duration_seconds:.1f}s)"
        )
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


_DURATION = re.compile(r"^\s*([0-9]{1,30})\s*([smhdw]?)\s*$")  # ASCII digits only: '٣' is not 3
#: the longest duration or window an option accepts: 100 years (further back than any store)
MAX_SECONDS = 100 * 366 * 86400
#: ids are 64-bit signed integers in every store
MAX_ID = 2**63 - 1
#: the most rows a --limit/--top may ask for
MAX_COUNT = 1_000_000_000


def parse_duration(text: str, option: str) -> int:
    """'7d', '12h', '30m', '90' (days) -> seconds; at most 100 years."""
    match = _DURATION.match(text or "")
    if not match:
        raise errors.BadInput(f"{option} {text!r} is not a duration; use e.g. 30m, 12h, 7d or 2w")
    n, unit = int(match.group(1)), match.group(2) or "d"
    seconds = n * {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
    if seconds > MAX_SECONDS:
        raise errors.BadInput(f"{option} {text.strip()!r} is too long; at most 100 years (36600d)")
    return seconds


def parse_int(text: str, what: str, minimum: int, maximum: int) -> int:
    """A whole number written in ASCII digits within minimum..maximum, else bad input (exit 2).

    `int()` would read '٣' (Arabic-Indic three) as 3 and '²' not at all, and a number beyond
    64 bits overflows in the store: all refused here, in one line."""
    value = text.strip() if isinstance(text, str) else str(text)
    if not re.fullmatch(r"[+]?[0-9]+", value):
        raise errors.BadInput(f"{what} {text!r} is not a whole number (digits 0-9)")
    digits = value.lstrip("+").lstrip("0") or "0"
    if len(digits) > 19 or not minimum <= int(digits) <= maximum:
        shown = value if len(value) <= 30 else value[:27] + "..."
        raise errors.BadInput(f"{what} {shown} is out of range; use {minimum}..{maximum}")
    return int(digits)


def parse_id(text: str, what: str) -> int:
    """A row or TikTok id: 1..2**63-1 in ASCII digits."""
    try:
        return parse_int(text, what, 1, MAX_ID)
    except errors.BadInput:
        shown = text if len(text) <= 30 else text[:27] + "..."
        raise errors.BadInput(f"{what} {shown!r} is not an id (a positive 64-bit integer, digits 0-9)") from None


def int_parser(what: str, minimum: int = 1, maximum: int = MAX_COUNT):
    """A Typer `parser=` for an integer option or argument: `parse_int` as a usage error (exit 2)."""

    def parse(value):
        if value is None or isinstance(value, int):
            return value
        try:
            return parse_int(value, what, minimum, maximum)
        except errors.BadInput as exc:
            raise typer.BadParameter(str(exc).removeprefix(f"{what} ")) from None

    parse.__name__ = "integer"
    return parse
