"""The interface every source implements, and what it is given."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from harvester_cli.models import CommentPage, Video
from harvester_cli.runtime.retry import RetryPolicy


@dataclass
class SourceDeps:
    """What a source needs from the run: settings, the retry policy, a stop flag, the budget."""

    settings: Any
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    stop: threading.Event = field(default_factory=threading.Event)
    # Called before every API request; raises QuotaExhausted when the daily budget is spent.
    spend: Callable[[], None] = lambda: None
    # Called when the API itself says the daily quota is used up.
    exhausted: Callable[[], None] = lambda: None
    # Called with (message) for notable events worth a system_logs line (retries, quirks).
    note: Callable[[str], None] = lambda message: None
    transport: Any = None  # an httpx transport, for tests
    # Where state kept between runs on this host lives (the TikTok access token); None: nowhere.
    state_dir: Path | None = None


class Source(Protocol):
    name: str

    def discover(self, *, video_ids: Sequence[int] = (), limit: int | None = None) -> Iterator[Video]:
        """Yield candidate videos with `promoted_reason` set when they count as promoted."""

    def fetch_comments(self, video_id: int, cursor: Any = None) -> CommentPage:
        """One page (up to 100) of a video's comments, starting at `cursor` (None = first page)."""

    def close(self) -> None: ...
