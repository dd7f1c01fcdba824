"""Writing one bench's section of bench/RESULTS.md, leaving the others alone."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
NOTES = "### Notes"


def write_section(heading: str, section: str, *, keep_notes: bool = False) -> None:
    """Replace the section starting at `heading` (or append it). With keep_notes, a hand-written
    `### Notes` part of the old section is kept after the new figures."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else "# Benchmark results\n\n"
    start = text.find(heading)
    if start < 0:
        if not text.endswith("\n"):
            text += "\n"
        text = text + ("\n" if not text.endswith("\n\n") else "") + section
    else:
        nxt = re.search(r"^## ", text[start + len(heading) :], flags=re.MULTILINE)
        end = start + len(heading) + nxt.start() if nxt else len(text)
        old = text[start:end]
        notes = old.find("\n" + NOTES) if keep_notes else -1
        if notes >= 0:
            section = section.rstrip("\n") + "\n" + old[notes:].rstrip("\n") + "\n"
        text = text[:start] + section + ("\n" if nxt else "") + text[end:]
    RESULTS.write_text(text, encoding="utf-8")
