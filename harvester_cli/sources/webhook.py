"""Posting alert notifications to a Slack-compatible webhook, under the one retry policy.

Each attempt has the bounds of every HTTP request (`http.send`: a wall-clock deadline of
HARVESTER_HTTP_TIMEOUT_SECONDS, a capped answer), and the run's `stop` flag (its deadline,
SIGTERM) interrupts an attempt in flight and the waits between attempts.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx

from harvester_cli import errors
from harvester_cli.runtime import retry
from harvester_cli.sources import http


def post(
    url: str,
    payload: dict[str, Any],
    *,
    settings,
    policy: retry.RetryPolicy,
    transport: httpx.BaseTransport | None = None,
    stop: threading.Event | None = None,
) -> None:
    """POST JSON; 5xx, 429 and network errors are retried; raises SourceError when it gives up
    (RunStopped when `stop` is set meanwhile)."""
    with http.build_client(settings, transport=transport) as client:

        def attempt() -> None:
            response = http.send(client, "POST", url, what="alert webhook", json=payload, stop=stop)
            if 200 <= response.status_code < 300:
                return
            detail = http.describe(response)
            if response.status_code >= 500 or response.status_code in (408, 429):
                raise errors.TransientSourceError(
                    f"alert webhook: {detail}", retry_after=http.retry_after(response), status=response.status_code
                )
            raise errors.PermanentSourceError(f"alert webhook: {detail}", status=response.status_code)

        retry.call(attempt, policy, stop=stop)
