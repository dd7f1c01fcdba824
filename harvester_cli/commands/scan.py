from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from harvester_cli import console, errors


def register(app: typer.Typer) -> None:
    @app.command("scan")
    def scan(
        ctx: typer.Context,
        jsonl: Annotated[bool, typer.Option("--jsonl", help='Read {"id","text"} objects, write {"id","domains"}.')] = False,
    ) -> None:
        """Extract domains from stdin without a store, streaming.

        Plain: one line of space-separated domains out per input line.
        Example: harvester scan --jsonl < comments.jsonl > domains.jsonl
        """
        from harvester_cli.extraction import extract_domains

        out = sys.stdout
        bad = 0
        buffer: list[str] = []
        stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
        lines = (raw.decode("utf-8", "replace") for raw in stdin) if stdin is not None else sys.stdin
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
            if not jsonl:
                buffer.append(" ".join(extract_domains(line)))
            else:
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    text = record["text"]
                    if text is None:
                        text = ""
                    if not isinstance(text, str) or not isinstance(record, dict):
                        raise TypeError("text is not a string")
                except (ValueError, KeyError, TypeError) as exc:
                    bad += 1
                    console.error_line(f"stdin line {number}: {type(exc).__name__}: {exc}; expected "
                                       '{"id": ..., "text": "..."} - line skipped')
                    continue
                # ids as given, but C1 and bidi controls escaped (\uXXXX), never raw
                buffer.append(console.json_text({"id": record.get("id"), "domains": extract_domains(text)},
                                                redact=False))
            if len(buffer) >= 2048:
                out.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            out.write("\n".join(buffer) + "\n")
        out.flush()
        if bad:
            raise errors.BadInput(f"{bad} input line(s) were not valid JSON objects with a text; see above")
