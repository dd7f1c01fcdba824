"""All terminal output: Rich tables on a terminal, JSON on request, one-line errors.

Untrusted text (comments, descriptions, server errors) goes through `safe()`: Rich markup is
never interpreted (cells are `Text`, printing uses markup=False) and control characters and
escape sequences are shown escaped, never sent to the terminal. Everything printed also goes
through the redaction layer (`harvester_cli.redact.scrub`): no secret reaches stdout or stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from typing import Any, Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from harvester_cli.redact import scrub

# C0 and C1 controls, DEL, the bidi overrides/isolates that can disguise text, line separators
# and lone surrogates (a byte that was not UTF-8, which no terminal or file encoding accepts).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029"
                     "\ud800-\udfff]")
_UNSAFE_INLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                            "\u2028\u2029\ud800-\udfff]")  # the same, newlines and tabs kept
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029"
                          "\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    ch = match.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(value: Any) -> str:
    """Text fit for a terminal: secrets redacted, control characters and escape sequences shown escaped."""
    if value is None:
        return ""
    return _UNSAFE.sub(_escape, scrub(str(value)))


def safe_lines(value: Any) -> str:
    """As `safe`, keeping newlines and tabs (a traceback, a multi-line log record)."""
    if value is None:
        return ""
    return _UNSAFE_INLINE.sub(_escape, scrub(str(value)))


def json_text(value: Any, *, redact: bool = True, **dumps_options: Any) -> str:
    """JSON for output: secrets redacted, C1 controls, bidi controls and lone surrogates as \\uXXXX.

    `redact=False` for data that is the user's own and carries no setting (`scan` output)."""
    text = json.dumps(value, ensure_ascii=False, default=_json_default, **dumps_options)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", scrub(text) if redact else text)


def _console(stream) -> Console:
    is_tty = stream.isatty()
    return Console(file=stream, highlight=False, markup=False, emoji=False, soft_wrap=False,
                   width=None if is_tty else 200, force_terminal=None, no_color=not is_tty)


def out() -> Console:
    return _console(sys.stdout)


def err() -> Console:
    return _console(sys.stderr)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds") + ("Z" if value.tzinfo is None else "")
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def to_json(value: Any) -> str:
    return json_text(value, indent=2)


def print_json(value: Any) -> None:
    sys.stdout.write(to_json(value) + "\n")
    sys.stdout.flush()


def cell(value: Any, style: str | None = None) -> Text:
    if isinstance(value, dt.datetime):
        value = value.strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, float):
        value = f"{value:.2f}"
    return Text(safe(value), style=style or "")


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]],
          styles: dict[str, str] | None = None) -> Table:
    styles = styles or {}
    result = Table(title=title, title_justify="left", show_lines=False)
    for name in columns:
        result.add_column(name, overflow="fold")
    for row in rows:
        result.add_row(*(cell(v, styles.get(str(v))) for v in row))
    return result


STATUS_STYLES = {"succeeded": "green", "running": "cyan", "failed": "red", "timed_out": "red",
                 "abandoned": "red", "cancelled": "yellow", "skipped": "yellow", "pending": "yellow",
                 "resolved": "green", "discarded": "dim", "critical": "red", "warning": "yellow",
                 "error": "red", "True": "red", "False": "green"}


def show(renderable) -> None:
    out().print(renderable)


def line(text: str, style: str = "") -> None:
    out().print(Text(safe(text), style=style), soft_wrap=True)


def warn_line(text: str, style: str = "yellow") -> None:
    if _json_lines:
        write_json_line({"level": "error" if style == "red" else "warning", "event": "command.warning",
                         "message": text})
        return
    prefix = "" if sys.stderr.isatty() else f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ} harvester "
    err().print(Text(prefix + safe(text), style=style), soft_wrap=True)


def error_line(message: str, traceback: str | None = None) -> None:
    """The one line an error gets: never wrapped, never markup; timestamped when logged (cron).

    With HARVESTER_LOG_FORMAT=json it is one JSON object, the traceback (with -v) inside it."""
    if _json_lines:
        fields = {"level": "error", "event": "error", "message": message}
        if traceback:
            fields["traceback"] = traceback
        write_json_line(fields)
        return
    prefix = "" if sys.stderr.isatty() else f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ} harvester "
    err().print(Text(prefix + "error: " + safe(message), style="red"), soft_wrap=True)
    if traceback:
        err().print(Text(safe_lines(traceback)), markup=False)


# HARVESTER_LOG_FORMAT=json: every line on stderr is one JSON object (set by the app at start-up)
_json_lines = False


def set_json_lines(on: bool) -> None:
    global _json_lines
    _json_lines = on


def json_lines() -> bool:
    return _json_lines


def timestamp(seconds: float | None = None) -> str:
    """UTC, ISO 8601 with milliseconds: 2025-01-31T23:59:59.123Z."""
    moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc) if seconds is not None else \
        dt.datetime.now(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def json_log_line(fields: dict[str, Any]) -> str:
    """One JSON log line: `ts`, `level`, `event`, `message` first, then the rest; never a raw
    control character or bidi override (escaped as \\uXXXX)."""
    record = {"ts": fields.get("ts") or timestamp(), "level": fields.get("level", "info"),
              "event": fields.get("event") or "log", "message": str(fields.get("message", ""))}
    record.update({k: v for k, v in fields.items() if k not in record and v is not None})
    return json_text(record, separators=(",", ":"))


def write_json_line(fields: dict[str, Any]) -> None:
    sys.stderr.write(json_log_line(fields) + "\n")
    sys.stderr.flush()
