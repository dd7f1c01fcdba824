"""The HTTP client every API source uses, and the one place httpx outcomes become our errors.

    connection error, timeout, protocol error  -> TransientSourceError
    429 (rate limit)                           -> TransientSourceError(retry_after=Retry-After)
    429 with error.code daily_quota_limit_exceeded -> QuotaExhausted (never retried)
    5xx, 408, a 2xx body that is not JSON      -> TransientSourceError
    400, 401, 403 and every other 4xx          -> PermanentSourceError (server message, shortened)

JSON is parsed with the standard library, which turns integers into exact Python ints; ids
are read with `as_int`, which also takes digit strings and never goes through a float.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
from typing import Any, Mapping

import httpx

from harvester_cli import __version__, errors

logger = logging.getLogger(__name__)

USER_AGENT = f"harvester/{__version__}"
MESSAGE_LIMIT = 300
QUOTA_CODE = "daily_quota_limit_exceeded"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_DIGITS = re.compile(r"[+-]?\d+")


def build_client(settings: Any, transport: httpx.BaseTransport | None = None,
                 headers: Mapping[str, str] | None = None) -> httpx.Client:
    """An httpx.Client with our timeout, User-Agent and a pool for HARVESTER_FETCH_CONCURRENCY.

    The client is thread-safe; a source keeps one and shares it between its threads.
    Proxies from the environment are ignored (trust_env=False) so runs are reproducible.
    """
    seconds = float(settings["HARVESTER_HTTP_TIMEOUT_SECONDS"])
    concurrency = int(settings["HARVESTER_FETCH_CONCURRENCY"])
    all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    all_headers.update(headers or {})
    return httpx.Client(
        timeout=httpx.Timeout(seconds, connect=min(seconds, 10.0)),
        limits=httpx.Limits(max_connections=concurrency + 4, max_keepalive_connections=concurrency + 4),
        headers=all_headers,
        transport=transport,
        trust_env=False,
        follow_redirects=False,
    )


def shorten(text: Any, limit: int = MESSAGE_LIMIT) -> str:
    """Untrusted server text as one short line: control characters collapsed, at most `limit` chars."""
    line = _CONTROL.sub(" ", str(text)).strip()
    line = re.sub(r"\s{2,}", " ", line)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def as_int(value: Any) -> int | None:
    """An id or count as an exact int: JSON ints and digit strings; None for anything else.

    Floats are refused on purpose: a 64-bit id that became a float has already lost digits.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


INT64_MAX = 2**63 - 1  # ids and counts are stored as BIGINT


def as_id(value: Any) -> int | None:
    """A TikTok id: `as_int`, and only a positive 64-bit value (beyond that no store can keep it)."""
    number = as_int(value)
    return number if number is not None and 0 < number <= INT64_MAX else None


def as_count(value: Any) -> int | None:
    """A count: `as_int`, and None when it does not fit in 64 bits."""
    number = as_int(value)
    return number if number is not None and -INT64_MAX <= number <= INT64_MAX else None


def as_bool(value: Any) -> bool:
    """A JSON flag that may arrive as a bool, the strings "true"/"false", or 0/1."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def decode_json(response: httpx.Response) -> Any:
    """The JSON body, or raise KeyError-free ValueError when it is not (cut off, HTML, ...)."""
    return json.loads(response.content.decode("utf-8"))


def error_info(body: Any) -> tuple[str | None, str | None]:
    """(code, message) from an error body, whatever its shape.

    Handles the v2 envelope {"error": {"code", "message"}}, the OAuth shape
    {"error": "invalid_client", "error_description": ...} and {"message"|"detail": ...}.
    """
    if not isinstance(body, dict):
        return None, None
    error = body.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        return (str(code) if code is not None else None), _text_or_none(error.get("message"))
    if isinstance(error, str):
        return error, _text_or_none(body.get("error_description") or body.get("message"))
    return None, _text_or_none(body.get("message") or body.get("detail"))


def _text_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if present."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    raw = raw.strip()
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def send(client: httpx.Client, method: str, url: str, *, what: str, **kwargs: Any) -> httpx.Response:
    """Send one request; network-level failures become TransientSourceError."""
    try:
        return client.request(method, url, **kwargs)
    except httpx.UnsupportedProtocol as exc:
        raise errors.PermanentSourceError(f"{what}: unusable URL {shorten(url)} ({exc})") from exc
    except httpx.TimeoutException as exc:
        raise errors.TransientSourceError(f"{what}: timed out ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise errors.TransientSourceError(
            f"{what}: connection failed ({type(exc).__name__}: {shorten(exc, 120)})") from exc


def describe(response: httpx.Response, body: Any = None) -> str:
    """'HTTP 400 invalid_params: message' from a response (message shortened)."""
    code, message = error_info(body)
    if message is None and code is None and body is None:
        text = response.text if response.content else ""
        message = text or None
    parts = [f"HTTP {response.status_code}"]
    if code:
        parts.append(shorten(code, 60))
    summary = " ".join(parts)
    return f"{summary}: {shorten(message)}" if message else summary


def check(response: httpx.Response, *, what: str) -> Any:
    """Map a response to our errors; return the parsed JSON body of a 2xx response."""
    status = response.status_code
    body: Any = None
    try:
        body = decode_json(response)
    except (UnicodeDecodeError, ValueError):
        body = None
        if 200 <= status < 300:
            raise errors.TransientSourceError(
                f"{what}: HTTP {status} with a body that is not JSON or is cut off "
                f"({len(response.content)} bytes)", status=status) from None
    if 200 <= status < 300:
        return body
    code, _message = error_info(body)
    detail = describe(response, body)
    if status == 429:
        if code == QUOTA_CODE:
            raise errors.QuotaExhausted(f"{what}: daily quota used up ({detail}); it resets at 00:00 UTC",
                                        status=status)
        raise errors.TransientSourceError(f"{what}: rate limited ({detail})",
                                          retry_after=retry_after(response), status=status)
    if status >= 500 or status == 408:
        raise errors.TransientSourceError(f"{what}: server error ({detail})",
                                          retry_after=retry_after(response), status=status)
    raise errors.PermanentSourceError(f"{what}: refused ({detail})", status=status)
