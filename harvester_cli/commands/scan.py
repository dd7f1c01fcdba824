from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import IO, Annotated, Any

import typer

from harvester_cli import console, errors

#: the longest input line read whole; the extractor looks at the first MAX_TEXT_CHARS anyway
MAX_LINE_BYTES = 1 << 20
#: bad lines reported one by one; the others are counted
MAX_REPORTED = 100


def _lines(stream: IO[bytes]) -> Iterator[tuple[bytes, bool]]:
    """(line without its end, whether it was longer than MAX_LINE_BYTES) as soon as each arrives;
    an over-long line is cut there and the rest of it skipped, so memory stays bounded."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        cut = len(line) > MAX_LINE_BYTES and not line.endswith(b"\n")
        if cut:
            while True:  # skip the rest of this line
                rest = stream.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            line = line[:MAX_LINE_BYTES]
        yield line.rstrip(b"\r\n"), cut


def _record(line: bytes) -> tuple[Any, str]:
    """(id, text) of one --jsonl line; ValueError saying why it cannot be used."""
    from harvester_cli.sources.safejson import loads

    record = loads(line)  # ValueError: not JSON, nested too deeply; lone surrogates replaced
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    if "text" not in record:
        raise ValueError('no "text"')
    text = record["text"]
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValueError('"text" is not a string')
    return record.get("id"), text


def register(app: typer.Typer) -> None:
    @app.command("scan")
    def scan(
        ctx: typer.Context,
        jsonl: Annotated[
            bool, typer.Option("--jsonl", help='Read {"id","text"} objects, write {"id","domains"}.')
        ] = False,
    ) -> None:
        """Extract domains from stdin without a store, streaming.

        Plain: one line of space-separated domains out per input line.
        With --jsonl: one {"id","domains"} object out per good input line; a bad line is
        reported on stderr with its number and skipped (exit 2 at the end, every good line kept).
        Each line is written as soon as it is read; the extractor looks at the first 10,000
        characters of each text.
        Example: harvester scan --jsonl < comments.jsonl > domains.jsonl
        """
        from harvester_cli.extraction import extract_domains

        out = sys.stdout
        bad = 0
        stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
        if stdin is None:  # a text stream (tests): the same lines, as bytes
            lines: Iterator[tuple[bytes, bool]] = (
                (line.rstrip("\r\n").encode("utf-8", "surrogateescape"), False) for line in sys.stdin
            )
        else:
            lines = _lines(stdin)
        for number, (raw, cut) in enumerate(lines, 1):
            if not jsonl:
                text = raw.decode("utf-8", "replace")
                _write(out, " ".join(extract_domains(text)))
                continue
            if not raw.strip():
                continue
            try:
                if cut:
                    raise ValueError(f"longer than {MAX_LINE_BYTES} bytes")
                record_id, text = _record(raw)
                # ids as given, but C1 and bidi controls escaped (\u009b, \u202e), never raw
                line = console.json_text({"id": record_id, "domains": extract_domains(text)}, redact=False)
            except ValueError as exc:
                bad += 1
                if bad <= MAX_REPORTED:
                    console.error_line(
                        f'stdin line {number}: {_reason(exc)}; expected {{"id": ..., "text": "..."}} - line skipped'
                    )
                continue
            _write(out, line)
        out.flush()
        if bad > MAX_REPORTED:
            console.error_line(f"{bad - MAX_REPORTED} more bad line(s) skipped")
        if bad:
            raise errors.BadInput(f"{bad} input line(s) were not valid JSON objects with a text; see above")


def _reason(exc: ValueError) -> str:
    msg = getattr(exc, "msg", None)  # json.JSONDecodeError: its message without the position
    reason = f"not valid JSON ({msg})" if msg else str(exc)
    return reason if len(reason) <= 160 else reason[:159] + "…"


def _write(out: IO[str], line: str) -> None:
    """One output line, flushed at once (a pipe sees each result as its line is read)."""
    out.write(line + "\n")
    out.flush()
