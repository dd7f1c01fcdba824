"""JSON from outside the process, made safe to keep: bounded depth, no lone surrogates.

Pure (standard library only), so `scan` reads stdin with it without loading httpx; `http`,
`files` and `scan` all parse untrusted JSON through `loads`.

- JSON nested deeper than MAX_JSON_DEPTH is refused with ValueError (never a RecursionError,
  here or in whatever walks the value later: logging, `json.dumps`, the store);
- a lone UTF-16 surrogate (`\\ud800` escaped in the JSON text), which no store, terminal or
  UTF-8 file can take, becomes U+FFFD; valid pairs are joined by `json` as usual;
- bytes are UTF-8 (a BOM is skipped, an invalid byte becomes U+FFFD).
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_DEPTH = 64

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads(text: str | bytes) -> Any:
    """JSON as exact Python values (ints never through a float), or ValueError saying why not."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8-sig", "replace")
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    if isinstance(value, str):
        return clean_text(value)
    if not isinstance(value, (dict, list)):
        return value
    _check_depth(value)
    if _SURROGATE_ESCAPE.search(text):
        value = _clean(value)
    return value


def clean_text(value: str) -> str:
    """`value` with every lone surrogate replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value


def _check_depth(value: Any) -> None:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)) and child:
                stack.append((child, depth + 1))


def _clean(value: Any) -> Any:
    """`value` with lone surrogates replaced in every string and key (depth already checked)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): _clean(v) for k, v in value.items()}
    return value
