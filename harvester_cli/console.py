"""All terminal output: Rich tables on a terminal, JSON on request, one-line errors.

Untrusted text (comments, descriptions, server errors) goes through `safe()`: Rich markup is
never interpreted (cells are `Text`, printing uses markup=False) and control characters and
escape sequences are shown escaped, never sent to the terminal. Everything printed also goes
through the redaction layer (`harvester_cli.redact.scrub`): no secret reaches stdout or stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from harvester_cli.redact import scrub

# C0 and C1 controls, DEL, the bidi overrides/isolates that can disguise text, line separators
# and lone surrogates (a byte that was not UTF-8, which no terminal or file encoding accepts).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\ud800-\udfff]")
_UNSAFE_INLINE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\ud800-\udfff]"
)  # the same, newlines and tabs kept
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\ud800-\udfff]")
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
    """JSON for output: secrets redacted, C1 controls, bidi controls and lone surrogates as JSON escapes (\\u009b).

    `redact=False` for data that is the user's own and carries no setting (`scan` output)."""
    text = json.dumps(value, ensure_ascii=False, default=_json_default, **dumps_options)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", scrub(text) if redact else text)


def _env_size(name: str) -> int | None:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _console(stream) -> Console:
    """A terminal's own width; not a terminal: COLUMNS when set (`COLUMNS=80 harvester domains | less`),
    else 200 (a log file or a pipe to grep)."""
    is_tty = stream.isatty()
    return Console(
        file=stream,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        width=None if is_tty else (_env_size("COLUMNS") or 200),
        force_terminal=None,
        no_color=not is_tty,
    )


def terminal_height() -> int | None:
    """Lines the output may take: the terminal's height, else LINES when set, else no limit."""
    if sys.stdout.isatty():
        return out().height
    return _env_size("LINES")


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


#: free text by column name: it wraps at spaces and absorbs the shrink; every other column is an
#: identifier (id, domain, link, key, host, status, count, timestamp, a setting's `value`: a path or
#: URL one copies): never wrapped, never split. `table(text=..., ids=...)` overrides per table.
TEXT_COLUMNS = frozenset(
    {"sample comment", "error", "errors", "message", "detail", "description", "reason", "today", "title", "payload"}
)
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_ELLIPSIS = "…"


def cut(value: str, width: int) -> str:
    """`value` in at most `width` cells, never split: a timestamp drops its seconds, then its year,
    then its time;
    anything else loses its middle to an ellipsis (`sepho…com.br`), keeping both ends."""
    if cell_len(value) <= width:
        return value
    match = _TIME.match(value)
    if match:
        for shorter in (f"{match.group(1)} {match.group(2)}", f"{match.group(1)[5:]} {match.group(2)}", match.group(1)):
            if len(shorter) <= width:
                return shorter
    if width <= 1:
        return _ELLIPSIS[:width]
    chars = list(value)
    head, tail = (width - 1 + 1) // 2, (width - 1) // 2
    while head + tail > 0:
        text = "".join(chars[:head]) + _ELLIPSIS + ("".join(chars[-tail:]) if tail else "")
        if cell_len(text) <= width:
            return text
        if head > tail:
            head -= 1
        else:
            tail -= 1
    return _ELLIPSIS


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


class FitTable:
    """A table laid out for the width it is rendered at (see `table`)."""

    def __init__(
        self, title: str | None, columns: Sequence[str], rows: list[list[str]], styles: dict[str, str], text: set[str]
    ) -> None:
        self.title, self.columns, self.rows, self.styles = title, list(columns), rows, styles
        self.is_text = [name in text for name in self.columns]

    def layout(self, max_width: int) -> tuple[list[int], list[int], bool]:
        """(the columns shown, their content widths, compact frame?) for `max_width` cells."""
        shown = list(range(len(self.columns)))
        while True:
            widths, compact = self._widths(shown, max_width)
            texts = [i for i in shown if self.is_text[i]]
            if not texts or not any(
                not self.is_text[i] and cut(row[i], width) != row[i] and not _TIME.match(row[i])
                for row in self.rows
                for i, width in zip(shown, widths, strict=True)
            ):
                return shown, widths, compact
            shown.remove(texts[-1])  # free text makes way for identifiers that would be cut

    def _widths(self, shown: list[int], max_width: int) -> tuple[list[int], bool]:
        n = len(shown)
        names = [self.columns[i] for i in shown]
        cells = [[row[i] for i in shown] for row in self.rows]
        is_text = [self.is_text[i] for i in shown]
        header_word = [_longest_word(name) for name in names]
        natural = [max([cell_len(names[i])] + [cell_len(row[i]) for row in cells]) for i in range(n)]
        # free text keeps 24 cells (narrower, it would wrap into a column of fragments); an
        # identifier 8, a timestamp its day and minute (01-31 23:59)
        floor = [min(natural[i], max(header_word[i], 24 if is_text[i] else 8)) for i in range(n)]
        soft = [
            max(floor[i], min(natural[i], 40, max((_longest_word(row[i]) for row in cells), default=0)))
            for i in range(n)
        ]
        minutes = list(natural)
        for i in range(n):
            if not is_text[i] and cells and all(_TIME.match(row[i]) or not row[i] for row in cells):
                floor[i] = min(natural[i], max(floor[i], 11))
                minutes[i] = min(natural[i], max(floor[i], 16))
        widths = list(natural)
        compact = False

        def room() -> int:
            return max_width - (3 * n - 3 if compact else 3 * n + 1)

        def shrink(targets: list[int | None]) -> bool:
            """Narrow the widest columns first, each down to its target; True once the table fits."""
            excess = sum(widths) - room()
            while excess > 0:
                candidates = [i for i in range(n) if (target := targets[i]) is not None and widths[i] > target]
                if not candidates:
                    return False
                widest = max(candidates, key=lambda i: widths[i])
                widths[widest] -= 1
                excess -= 1
            return True

        def only(target: list[int], text: bool, key: bool = True) -> list[int | None]:
            return [target[i] if is_text[i] == text and (key or i != 0) else None for i in range(n)]

        if shrink([None] * n) or shrink(only(soft, True)) or shrink(only(floor, True)):
            return widths, compact
        compact = True
        # then timestamps lose their seconds, then identifiers are cut, the row's key (the first
        # column: an id, a domain, a link, a setting) last
        if not (shrink(only(minutes, False)) or shrink(only(floor, False, key=False)) or shrink(only(floor, False))):
            shrink([1] * n)
        return widths, compact

    def __rich_console__(self, console: Console, options):
        shown, widths, compact = self.layout(options.max_width)
        if self.title:
            yield Text(self.title, style="italic")
        result = Table(show_edge=not compact, pad_edge=not compact, show_lines=False)
        for i, width in zip(shown, widths, strict=True):
            result.add_column(self.columns[i], width=max(width, 1), overflow="fold", no_wrap=False)
        for row in self.rows:
            result.add_row(
                *(
                    Text(row[i] if self.is_text[i] else cut(row[i], width), style=self.styles.get(row[i]) or "")
                    for i, width in zip(shown, widths, strict=True)
                )
            )
        yield result
        hidden = [self.columns[i] for i in range(len(self.columns)) if i not in shown]
        if hidden and self.rows:
            yield Text(f"({', '.join(hidden)} left out at {options.max_width} columns; --json shows all)", style="dim")


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    styles: dict[str, str] | None = None,
    *,
    text: Iterable[str] | None = None,
    ids: Iterable[str] = (),
) -> FitTable:
    """A table that fits the width it is printed at, without breaking a value one would copy.

    Identifier columns (by default every column not in TEXT_COLUMNS; `ids` names more) are never
    wrapped: when the table is too wide, free-text columns (`text`, default TEXT_COLUMNS) wrap at
    spaces and narrow first, then the frame drops its outer edges, then identifiers are cut in the
    middle with an ellipsis (timestamps drop seconds, then the time), the first column last."""
    text_names = set(TEXT_COLUMNS if text is None else text) - set(ids)
    strings = [[_cell_text(v) for v in row] for row in rows]
    return FitTable(title, columns, strings, styles or {}, {c for c in columns if c in text_names})


def _cell_text(value: Any) -> str:
    return cell(value).plain


STATUS_STYLES = {
    "succeeded": "green",
    "running": "cyan",
    "failed": "red",
    "timed_out": "red",
    "abandoned": "red",
    "cancelled": "yellow",
    "skipped": "yellow",
    "pending": "yellow",
    "resolved": "green",
    "discarded": "dim",
    "critical": "red",
    "warning": "yellow",
    "error": "red",
    "True": "red",
    "False": "green",
}


def show(renderable) -> None:
    out().print(renderable)


def line(text: str, style: str = "") -> None:
    out().print(Text(safe(text), style=style), soft_wrap=True)


def warn_line(text: str, style: str = "yellow") -> None:
    if _json_lines:
        write_json_line(
            {"level": "error" if style == "red" else "warning", "event": "command.warning", "message": text}
        )
        return
    prefix = "" if sys.stderr.isatty() else f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ} harvester "
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
    prefix = "" if sys.stderr.isatty() else f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ} harvester "
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
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC) if seconds is not None else dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def json_log_line(fields: dict[str, Any]) -> str:
    """One JSON log line: `ts`, `level`, `event`, `message` first, then the rest; never a raw
    control character or bidi override (escaped as \\u001b, \\u202e)."""
    record = {
        "ts": fields.get("ts") or timestamp(),
        "level": fields.get("level", "info"),
        "event": fields.get("event") or "log",
        "message": str(fields.get("message", "")),
    }
    record.update({k: v for k, v in fields.items() if k not in record and v is not None})
    return json_text(record, separators=(",", ":"))


def write_json_line(fields: dict[str, Any]) -> None:
    sys.stderr.write(json_log_line(fields) + "\n")
    sys.stderr.flush()
