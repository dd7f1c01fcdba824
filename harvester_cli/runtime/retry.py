"""The one retry policy: bounded attempts, exponential backoff with jitter, Retry-After honoured.

Only transient source errors are retried; permanent ones and everything else raise at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential, wait_random

from harvester_cli import errors

logger = logging.getLogger(__name__)
T = TypeVar("T")

RETRY_AFTER_CAP_SECONDS = 300.0


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    initial_wait: float = 1.0
    max_wait: float = 30.0
    jitter: float = 1.0

    @classmethod
    def from_settings(cls, settings) -> RetryPolicy:
        return cls(attempts=settings["HARVESTER_RETRY_ATTEMPTS"], max_wait=settings["HARVESTER_RETRY_MAX_WAIT_SECONDS"])

    def wait_seconds(self, state: RetryCallState) -> float:
        exponential = wait_exponential(multiplier=self.initial_wait, max=self.max_wait)(state)
        backoff = min(self.max_wait, exponential + wait_random(0, self.jitter)(state))
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            return max(backoff, min(float(retry_after), RETRY_AFTER_CAP_SECONDS))
        return backoff


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, errors.SourceError) and exc.transient


def call(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    stop: threading.Event | None = None,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """Run fn under the policy. A set `stop` event cuts waits short and gives up."""

    def sleep(seconds: float) -> None:
        if stop is None:
            threading.Event().wait(seconds)
        elif stop.wait(seconds):
            raise errors.RunStopped("stopped while waiting to retry", "cancelled", errors.EXIT_FAILED)

    def before_sleep(state: RetryCallState) -> None:
        assert state.outcome is not None  # before_sleep follows an attempt
        exc = state.outcome.exception()
        assert exc is not None  # only a raised exception is retried (retry_if_exception)
        wait = state.next_action.sleep if state.next_action else 0.0
        logger.info("retrying after %s (attempt %d, wait %.1fs)", exc, state.attempt_number, wait)
        if on_retry:
            on_retry(state.attempt_number, exc, wait)

    retrying = Retrying(
        stop=stop_after_attempt(policy.attempts),
        wait=policy.wait_seconds,
        retry=retry_if_exception(_is_transient),
        reraise=True,
        sleep=sleep,
        before_sleep=before_sleep,
    )
    return retrying(fn)
