"""One exception tree; `app.py` maps it to exit codes in one place.

Every error carries a message that says what is wrong and how to fix it.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_KILL_SWITCH = 3
EXIT_NO_SLOT = 4


class HarvesterError(Exception):
    """Base of every error the toolkit raises on purpose."""

    exit_code = EXIT_FAILED


class BadInput(HarvesterError):
    """Bad arguments, settings, files or ids: exit 2."""

    exit_code = EXIT_BAD_INPUT


class ConfigError(BadInput):
    """A setting is missing or invalid."""


class NotFound(BadInput):
    """An id given on the command line does not exist."""


class StoreUnavailable(BadInput):
    """The database URL is malformed, unreachable or unusable."""


class StoreError(HarvesterError):
    """The database failed while a run was working (exit 1)."""


class KillSwitchOn(HarvesterError):
    """The kill switch is active."""

    exit_code = EXIT_KILL_SWITCH


class NoFreeSlot(HarvesterError):
    """Every concurrency slot of the job type is busy."""

    exit_code = EXIT_NO_SLOT


class SourceError(HarvesterError):
    """A data source failed. `transient` errors are retried, the others are not."""

    transient = False

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


class TransientSourceError(SourceError):
    """Timeouts, connection errors, 5xx, rate limits, garbled bodies: worth retrying."""

    transient = True


class PermanentSourceError(SourceError):
    """The source refused the request for good (bad credentials, invalid params)."""


class QuotaExhausted(SourceError):
    """The daily request budget is spent; the run stops cleanly until 00:00 UTC."""


class RunStopped(HarvesterError):
    """Raised at a checkpoint when a run must stop between items."""

    status = "cancelled"

    def __init__(self, message: str, status: str, exit_code: int):
        super().__init__(message)
        self.status = status
        self.exit_code = exit_code
