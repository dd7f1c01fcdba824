"""An access token kept between runs on one host, so cron runs do not each ask for a new one.

The token lives in the state directory (beside the lock files) in a file of mode 0600, never in
the database, the logs or any output. One file per API host and client key: other credentials
or another host never see it. Fetching a new token happens under a file lock, so runs that start
together fetch one token, not one each.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_TIMEOUT_SECONDS = 30


class TokenCache:
    def __init__(self, directory: Path, base_url: str, client_key: str, wall: Callable[[], float] = time.time):
        key = hashlib.sha256(f"{base_url}\n{client_key}".encode()).hexdigest()[:16]
        self.directory = directory
        self.path = directory / f"tiktok-token-{key}.json"
        self.wall = wall

    def load(self, margin: float) -> tuple[str, float] | None:
        """(token, seconds it stays valid) when a cached token outlives `margin`; else None."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            token, expires_at = data["access_token"], float(data["expires_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        left = expires_at - self.wall()
        if not isinstance(token, str) or not token or left <= margin:
            return None
        return token, left

    def save(self, token: str, lifetime: float) -> None:
        """Keep the token (mode 0600, replaced atomically); a cache that cannot be written is skipped."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"access_token": token, "expires_at": self.wall() + lifetime}, fh)
            os.replace(tmp, self.path)
        except OSError:
            pass

    def forget(self, token: str) -> None:
        """Drop the cached token if it is this one (the API rejected it)."""
        cached = self.load(margin=float("-inf"))
        if cached is not None and cached[0] == token:
            with contextlib.suppress(OSError):
                self.path.unlink()

    @contextlib.contextmanager
    def fetching(self) -> Iterator[None]:
        """Held while a token is fetched, so concurrent runs on this host wait for one fetch."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_SECONDS)
            lock.acquire()
        except (OSError, Timeout):
            yield  # no lock (read-only state directory, a stuck holder): fetch anyway
            return
        try:
            yield
        finally:
            lock.release()
